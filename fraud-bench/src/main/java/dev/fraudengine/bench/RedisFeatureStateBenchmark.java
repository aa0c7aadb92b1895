package dev.fraudengine.bench;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.features.EntityStore;
import dev.fraudengine.features.FeaturePipelines;
import dev.fraudengine.features.OnlineFeaturePipeline;
import dev.fraudengine.redis.RedisEntityStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does a decision cost when the feature state lives in Redis ({@code fraud-redis}) rather than in process?
 * {@link #score()} is {@link FraudEngine#score} with the {@code handbook()} features (card and terminal: two
 * entities, so two Lua scripts pipelined in one round trip) and no models or rules, so that what it measures is the
 * feature state; {@code state=MEMORY} is the same engine over the in-memory state, the baseline.
 *
 * <p>Data: each call makes a payment of one of 10,000 cards at one of 2,000 terminals, chosen at random, 30 s of
 * event time after the previous call (shared by all threads), so that a card keeps about 9 events and a terminal
 * about 50 (as in the handbook data: a 30-day window behind a 7-day delay). Run it with 1 and 2 threads ({@code -t})
 * for decisions per second ({@code thrpt}) and percentiles ({@code sample}).
 *
 * <p>Run, from the repository root, against a throw-away server on loopback (the benchmark writes under the key
 * prefix {@code bench:<nanotime>:}, with each entity's retention as TTL):
 * <pre>{@code
 * redis-server --port 6390 --save '' --appendonly no --daemonize yes
 * ./mvnw -B -q -pl fraud-bench -am package -DskipTests
 * java -jar fraud-bench/target/benchmarks.jar RedisFeatureStateBenchmark -t 1
 * java -jar fraud-bench/target/benchmarks.jar RedisFeatureStateBenchmark -t 2
 * }</pre>
 * Throughput is printed in decisions per microsecond ({@code -tu s} for per second); percentiles in µs.
 * <pre>{@code
 * redis-cli -p 6390 shutdown
 * }</pre>
 * Another server: {@code -p uri=redis://host:port}.
 */
@State(Scope.Benchmark)
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 5)
public class RedisFeatureStateBenchmark {
  private static final Instant START = Instant.parse("2024-01-01T00:00:00Z");

  /** Where the state lives. */
  @Param({"REDIS", "MEMORY"})
  public String state;

  /** The Redis server, for {@code state=REDIS}. */
  @Param("redis://127.0.0.1:6390")
  public String uri;

  private FraudEngine engine;
  private RedisEntityStore store;
  private final AtomicLong clock = new AtomicLong();

  /** Builds the engine; with Redis, connects (fails the run if the server is not there). */
  @Setup(Level.Trial)
  public void setUp() {
    OnlineFeaturePipeline.Builder b = FeaturePipelines.builder().schema("handbook", "1")
        .addAll(FeaturePipelines.handbookFeatures());
    if (state.equals("REDIS")) {
      store = RedisEntityStore.builder().uri(uri).timeout(Duration.ofSeconds(1))
          .keyPrefix("bench:" + System.nanoTime() + ":").build();
      b.store(store, EntityStore.FailurePolicy.FAIL_CLOSED);
    }
    engine = FraudEngine.builder().features(b.build())
        .clock(Clock.fixed(Instant.parse("2100-01-01T00:00:00Z"), ZoneOffset.UTC)).build();
  }

  /** Closes the engine, its pipeline and its store; prints the store's counters. */
  @TearDown(Level.Trial)
  public void tearDown() {
    if (store != null) {
      System.out.println("store: " + store.stats());
    }
    engine.close();
  }

  /**
   * Scores one payment.
   *
   * @return the decision
   */
  @Benchmark
  public Decision score() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long n = clock.incrementAndGet();
    Transaction tx = Transaction.builder().id("b" + n).eventTime(START.plusSeconds(30 * n))
        .amount(1 + r.nextInt(20_000) / 100.0, "EUR").card("c" + r.nextInt(10_000))
        .terminal("t" + r.nextInt(2_000)).build();
    Decision d = engine.score(tx);
    if (d.degraded()) {
      throw new IllegalStateException("degraded decision: " + d.reasons());
    }
    return d;
  }
}
