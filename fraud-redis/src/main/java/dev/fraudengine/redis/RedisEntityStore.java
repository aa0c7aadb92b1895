package dev.fraudengine.redis;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.Label;
import dev.fraudengine.features.EntityStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EntityStore} in Redis, shared by every instance of a service, so that a card's velocity features are
 * right whichever instance its next payment reaches.
 *
 * <pre>{@code
 * RedisEntityStore store = RedisEntityStore.builder().uri("redis://10.0.0.5:6379").timeout(Duration.ofMillis(20)).build();
 * OnlineFeaturePipeline pipeline = FeaturePipelines.builder().schema("handbook", "1")
 *     .addAll(FeaturePipelines.handbookFeatures())
 *     .store(store, EntityStore.FailurePolicy.FAIL_CLOSED)
 *     .build();
 * }</pre>
 *
 * <p><b>Atomicity.</b> Each entity's read-modify-write is one Lua script: it reads the entity's events and all-time
 * fields, inserts the new event in time order, prunes by the retention and the event bound, refreshes the TTL, and
 * returns the state as it was before. Redis runs a script alone, so two instances scoring the same card at once are
 * serialised and neither update is lost. The scripts of a transaction's entities (and the label-index write) are
 * pipelined on one connection: one network round trip per transaction, whatever its number of entities. Feedback
 * takes two: one to find where the transaction was recorded, one to label those events.
 *
 * <p><b>Expiry.</b> Each entity's keys expire after its retention (the longest span its features read, delay
 * included, plus the allowed lateness) of wall-clock time without a transaction, unless {@link Builder#ttl} sets
 * another TTL. All-time features (first seen, seconds since last) forget an entity once it expired.
 *
 * <p><b>Faults.</b> Every call waits at most the {@linkplain Builder#timeout timeout}. While the connection is
 * down, commands are refused at once (not queued to run later); the client reconnects in the background, with a
 * delay growing to at most one second, and reloads its scripts if the server lost them (a restart). A call that
 * fails or times out throws {@link FraudEngineException} with {@link ErrorCode#FEATURE_STATE_FAILED} and is
 * counted in {@link #stats()}: nothing is lost silently. A timed-out transaction may still have been recorded by
 * the server; it is counted as failed all the same.
 *
 * <p><b>Threading.</b> Thread-safe: all threads share one multiplexed connection.
 */
public final class RedisEntityStore implements EntityStore {
  private static final Logger LOG = LoggerFactory.getLogger(RedisEntityStore.class);

  private final String prefix;
  private final long timeoutNanos;
  private final long ttlMillis;
  private final ClientResources resources;
  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final RedisAsyncCommands<String, String> redis;
  private volatile Shas shas;
  private final LongAdder recorded = new LongAdder();
  private final LongAdder recordFailures = new LongAdder();
  private final LongAdder labelled = new LongAdder();
  private final LongAdder labelFailures = new LongAdder();
  private final LongAdder scriptReloads = new LongAdder();

  private record Shas(String record, String label, String index) {}

  private RedisEntityStore(Builder b) {
    this.prefix = b.keyPrefix;
    this.timeoutNanos = b.timeout.toNanos();
    this.ttlMillis = b.ttl == null ? 0 : b.ttl.toMillis();
    RedisURI uri = RedisURI.create(b.uri);
    // The handshake (and each reconnect's) and the script loading get the connect timeout; calls get the timeout.
    uri.setTimeout(b.connectTimeout);
    this.resources = ClientResources.builder()
        .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(1), 2, TimeUnit.MILLISECONDS))
        .build();
    this.client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled())
        .build());
    StatefulRedisConnection<String, String> c = null;
    try {
      c = client.connect();
      this.connection = c;
      this.redis = c.async();
      this.shas = loadScripts(b.connectTimeout.toNanos());
      c.setTimeout(b.timeout);
    } catch (RuntimeException e) {
      if (c != null) {
        c.close();
      }
      shutdown();
      throw new FraudEngineException(ErrorCode.FEATURE_STATE_FAILED, "cannot connect to Redis at "
          + uri.getHost() + ":" + uri.getPort() + " or load its scripts", e);
    }
  }

  /**
   * Starts a builder.
   *
   * @return a new builder: {@code redis://localhost:6379}, a 50 ms timeout, key prefix {@code fraud:}
   */
  public static Builder builder() {
    return new Builder();
  }

  private Shas loadScripts() {
    return loadScripts(timeoutNanos);
  }

  private Shas loadScripts(long waitNanos) {
    return new Shas(await(redis.scriptLoad(Scripts.RECORD), waitNanos),
        await(redis.scriptLoad(Scripts.LABEL), waitNanos), await(redis.scriptLoad(Scripts.INDEX), waitNanos));
  }

  private <T> T await(RedisFuture<T> f) {
    return await(f, timeoutNanos);
  }

  private <T> T await(RedisFuture<T> f, long waitNanos) {
    try {
      return f.get(waitNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new RedisException(e.getCause());
    } catch (TimeoutException e) {
      throw new RedisException("no answer within " + Duration.ofNanos(waitNanos), e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Pipelines one script per append, plus the label-index write when the batch has a transaction id and an
   * entity that keeps labels, and waits for all of them within the timeout.
   */
  @Override
  public List<Recorded> record(Batch batch) {
    Objects.requireNonNull(batch, "batch");
    try {
      List<Recorded> out;
      try {
        out = recordOnce(batch);
      } catch (RedisNoScriptException e) {
        reloadScripts();
        out = recordOnce(batch);
      }
      recorded.increment();
      return out;
    } catch (RuntimeException e) {
      recordFailures.increment();
      throw new FraudEngineException(ErrorCode.FEATURE_STATE_FAILED, "Redis could not record transaction '"
          + batch.transactionId() + "' (" + batch.appends().size() + " entities): " + e.getMessage(), e);
    }
  }

  private List<Recorded> recordOnce(Batch batch) {
    Shas s = shas;
    long deadline = System.nanoTime() + timeoutNanos;
    List<Append> appends = batch.appends();
    List<RedisFuture<List<Object>>> futures = new ArrayList<>(appends.size());
    List<String> indexArgs = null;
    for (Append a : appends) {
      EntityStore.Event e = a.event();
      String base = prefix + batch.namespace() + ':' + a.entity() + ":{" + a.key() + '}';
      String events = base + ":e";
      long ttl = ttlMillis > 0 ? ttlMillis : Math.max(1, a.retentionMillis());
      boolean located = !Double.isNaN(e.latitude()) && !Double.isNaN(e.longitude());
      futures.add(redis.evalsha(s.record(), ScriptOutputType.MULTI, new String[] {events, base + ":m"},
          Long.toString(e.time()), EventCodec.encode(e), Long.toString(a.retentionMillis()),
          Integer.toString(a.maxEvents()), Long.toString(ttl), located ? Double.toString(e.latitude()) : "",
          located ? Double.toString(e.longitude()) : ""));
      if (a.keepsLabels() && batch.transactionId() != null) {
        if (indexArgs == null) {
          long indexTtl = ttlMillis > 0 ? ttlMillis : Math.max(1, batch.labelRetentionMillis());
          indexArgs = new ArrayList<>();
          indexArgs.add(Long.toString(indexTtl));
          indexArgs.add(Long.toString(batch.eventTime()));
          indexArgs.add(Integer.toString(batch.txHash()));
        }
        indexArgs.add(events);
      }
    }
    RedisFuture<Long> index = indexArgs == null ? null : redis.evalsha(s.index(), ScriptOutputType.INTEGER,
        new String[] {indexKey(batch.namespace(), batch.transactionId())}, indexArgs.toArray(new String[0]));
    List<Recorded> out = new ArrayList<>(futures.size());
    for (RedisFuture<List<Object>> f : futures) {
      out.add(EventCodec.decodeRecorded(awaitUntil(f, deadline)));
    }
    if (index != null) {
      awaitUntil(index, deadline);
    }
    return out;
  }

  private String indexKey(String namespace, String transactionId) {
    return prefix + namespace + ":tx:{" + transactionId + '}';
  }

  private <T> T awaitUntil(RedisFuture<T> f, long deadline) {
    try {
      return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RedisException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new RedisException(e.getCause());
    } catch (TimeoutException e) {
      f.cancel(false);
      throw new RedisException("no answer within " + Duration.ofNanos(timeoutNanos), e);
    }
  }

  private synchronized void reloadScripts() {
    scriptReloads.increment();
    shas = loadScripts();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads where the transaction was recorded, then labels those events, pipelined: two round trips.
   */
  @Override
  public boolean label(String namespace, String transactionId, Label label, long labelTime) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(transactionId, "transactionId");
    Objects.requireNonNull(label, "label");
    try {
      boolean applied;
      try {
        applied = labelOnce(namespace, transactionId, label, labelTime);
      } catch (RedisNoScriptException e) {
        reloadScripts();
        applied = labelOnce(namespace, transactionId, label, labelTime);
      }
      labelled.increment();
      return applied;
    } catch (RuntimeException e) {
      labelFailures.increment();
      throw new FraudEngineException(ErrorCode.FEATURE_STATE_FAILED, "Redis could not record the label of '"
          + transactionId + "': " + e.getMessage(), e);
    }
  }

  private boolean labelOnce(String namespace, String transactionId, Label label, long labelTime) {
    Shas s = shas;
    long deadline = System.nanoTime() + timeoutNanos;
    List<String> entry = awaitUntil(redis.lrange(indexKey(namespace, transactionId), 0, -1), deadline);
    if (entry.size() < 3) {
      return false;
    }
    List<RedisFuture<Long>> futures = new ArrayList<>(entry.size() - 2);
    for (int i = 2; i < entry.size(); i++) {
      futures.add(redis.evalsha(s.label(), ScriptOutputType.INTEGER, new String[] {entry.get(i)}, entry.get(0),
          entry.get(1), EventCodec.labelCode(label), Long.toString(labelTime)));
    }
    boolean applied = false;
    for (RedisFuture<Long> f : futures) {
      applied |= awaitUntil(f, deadline) == 1L;
    }
    return applied;
  }

  /**
   * Returns the store's counters since it was built.
   *
   * @return a snapshot of counters that keep moving
   */
  public Stats stats() {
    return new Stats(recorded.sum(), recordFailures.sum(), labelled.sum(), labelFailures.sum(),
        scriptReloads.sum());
  }

  /** Closes the connection and the client's threads. Never throws; faults are logged. */
  @Override
  public void close() {
    try {
      connection.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the Redis connection failed", e);
    }
    shutdown();
  }

  private void shutdown() {
    try {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      LOG.warn("shutting the Redis client down failed", e);
    }
  }

  /**
   * Counters of a {@link RedisEntityStore}.
   *
   * @param recorded transactions recorded in every entity they have
   * @param recordFailures transactions that could not be recorded (Redis down, an error, or no answer within the
   *     timeout); their features were not computed from shared state
   * @param labelled labels handled (applied, or for a transaction Redis no longer remembers)
   * @param labelFailures labels that could not be stored
   * @param scriptReloads times the scripts were loaded again because the server had lost them (a restart)
   */
  public record Stats(long recorded, long recordFailures, long labelled, long labelFailures, long scriptReloads) {}

  /**
   * Builds a {@link RedisEntityStore}. Setters check their argument at once. Not thread-safe; the store is.
   */
  public static final class Builder {
    private String uri = "redis://localhost:6379";
    private Duration timeout = Duration.ofMillis(50);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private String keyPrefix = "fraud:";
    private Duration ttl;

    private Builder() {}

    /**
     * Sets the server, as a Redis URI ({@code redis://[password@]host[:port][/database]}, {@code rediss://} for
     * TLS). Default {@code redis://localhost:6379}.
     *
     * @param uri the URI
     * @return this builder
     * @throws IllegalArgumentException if it is not a Redis URI
     * @throws NullPointerException if {@code null}
     */
    public Builder uri(String uri) {
      Objects.requireNonNull(uri, "uri");
      try {
        RedisURI.create(uri);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("uri must be a Redis URI such as redis://host:6379, but was '" + uri
            + "'", e);
      }
      this.uri = uri;
      return this;
    }

    /**
     * Sets how long one call (a transaction's record, a label) may take before it fails. Default 50 ms.
     *
     * @param timeout in (0, 1 minute]
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws NullPointerException if {@code null}
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("timeout must be in (0, 1 minute], but was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets how long connecting (and each reconnect's handshake) and loading the scripts at start may take: a
     * start-up cost paid once, which should not fail on a call-sized timeout. Default 5 s.
     *
     * @param connectTimeout in (0, 1 minute]
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws NullPointerException if {@code null}
     */
    public Builder connectTimeout(Duration connectTimeout) {
      Objects.requireNonNull(connectTimeout, "connectTimeout");
      if (connectTimeout.isNegative() || connectTimeout.isZero()
          || connectTimeout.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException("connectTimeout must be in (0, 1 minute], but was " + connectTimeout);
      }
      this.connectTimeout = connectTimeout;
      return this;
    }

    /**
     * Sets the prefix of every key the store writes, to share a server with other data. Default {@code fraud:}.
     *
     * @param keyPrefix not blank
     * @return this builder
     * @throws IllegalArgumentException if blank
     * @throws NullPointerException if {@code null}
     */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      if (keyPrefix.isBlank()) {
        throw new IllegalArgumentException("keyPrefix must not be blank, but was '" + keyPrefix + "'");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Sets one TTL for every key, instead of each entity's retention. Default: the retention.
     *
     * @param ttl positive, at least one millisecond
     * @return this builder
     * @throws IllegalArgumentException if shorter than a millisecond
     * @throws NullPointerException if {@code null}
     */
    public Builder ttl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.toMillis() < 1) {
        throw new IllegalArgumentException("ttl must be at least 1 ms, but was " + ttl);
      }
      this.ttl = ttl;
      return this;
    }

    /**
     * Connects and loads the scripts.
     *
     * @return a connected, thread-safe store
     * @throws FraudEngineException with {@link ErrorCode#FEATURE_STATE_FAILED} if the server cannot be reached
     *     within the connect timeout
     */
    public RedisEntityStore build() {
      return new RedisEntityStore(this);
    }
  }
}
