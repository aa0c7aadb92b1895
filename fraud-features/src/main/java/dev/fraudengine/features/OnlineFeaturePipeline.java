package dev.fraudengine.features;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FeaturePipeline;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.PartialFeaturesException;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The stateful feature pipeline: computes declared {@link Feature}s over per-entity event-time state, and records
 * each transaction after computing its features.
 *
 * <p><b>Event time.</b> Everything is measured on the transactions' own timestamps; nothing reads the wall clock.
 * The <em>watermark</em> is the latest event time processed. A transaction up to the allowed lateness behind it is
 * placed in time order and sees exactly the events at or before its own time; a later one is rejected with a
 * {@link FraudEngineException} ({@link ErrorCode#LATE_EVENT}) and leaves the state unchanged.
 *
 * <p><b>Labels.</b> {@link #feedback} marks an earlier transaction as fraud or legitimate from its
 * {@code labelTime} on: a label-delayed feature computed at time {@code t} counts a fraud label only if
 * {@code labelTime <= t} and the labelled transaction lies in the feature's delayed window
 * {@code (t - delay - w, t - delay]}. A label may therefore be given before its time (a replay feeds each label
 * with {@code labelTime = eventTime + delay} right after the transaction) and is still seen only from then on.
 * The latest label given for a transaction wins. Labels for transactions the pipeline no longer remembers are
 * counted and ignored.
 *
 * <p><b>Bounds.</b> Each entity keeps its events for the longest span its features read plus the allowed
 * lateness, and at most {@code maxEventsPerEntity} of them (older ones are dropped and counted). Each entity map
 * is bounded in size and in idle time, both measured in event time; evictions are counted ({@link #stats()}).
 *
 * <p><b>Threading.</b> Thread-safe. Each entity is locked while it is read and updated, so concurrent
 * transactions of one card never lose an update. A transaction touching several entities reads each of them
 * atomically, not all of them at one instant. (An entity evicted by the bounds while a transaction updates it
 * loses that update together with the rest of its state, as eviction intends.)
 */
public final class OnlineFeaturePipeline implements FeaturePipeline {
  private final FeatureSchema schema;
  private final Config config;
  private final Feature[] txFeatures;
  private final int[] txPositions;
  private final EntityGroup[] groups;
  private final Entity[] keyEntities;
  private final int[] labelGroups;
  private final LabelIndex index;
  /** Labels delivered by a replay and not yet written into their states, or null without a label index. */
  private final DeferredLabels deferred;
  private final Pseudonymiser pseudonymiser;
  private final AtomicLong watermark = new AtomicLong(Long.MIN_VALUE);
  private final LongAdder evictions = new LongAdder();
  private final LongAdder droppedEvents = new LongAdder();
  private final LongAdder lateRejected = new LongAdder();
  private final LongAdder labelsApplied = new LongAdder();
  private final LongAdder labelsUnmatched = new LongAdder();
  private final long lateness;
  private final EntityStore store;
  private final EntityStore.FailurePolicy failurePolicy;
  private final String namespace;
  private final long labelRetention;
  private static final long SINK_MARK = 0x5EED_F00D_5EED_F00DL;
  /** Per thread, the work arrays of {@link #process}: a transaction allocates nothing but its vector. */
  private final ThreadLocal<Scratch> scratch;
  /** Where the first pass of {@link #process} may leave what it read (racy, never read). */
  private long sink;

  private OnlineFeaturePipeline(Builder b) {
    this.store = b.store;
    this.failurePolicy = b.failurePolicy;
    this.config = new Config(b.maxEntities, b.idleTimeout, b.maxEventsPerEntity, b.allowedLateness,
        b.maxIndexedTransactions, b.entityMap);
    this.lateness = b.allowedLateness.toMillis();
    this.pseudonymiser = b.secret == null ? null : new Pseudonymiser(b.secret);
    List<String> names = new ArrayList<>();
    List<Feature> tx = new ArrayList<>();
    List<Integer> txPos = new ArrayList<>();
    Map<Entity, List<Feature>> byEntity = new LinkedHashMap<>();
    Map<Entity, List<Integer>> posByEntity = new LinkedHashMap<>();
    List<Entity> keys = new ArrayList<>();
    for (int i = 0; i < b.features.size(); i++) {
      Feature f = b.features.get(i);
      names.add(f.name());
      if (f.entity() == null) {
        tx.add(f);
        txPos.add(i);
        continue;
      }
      byEntity.computeIfAbsent(f.entity(), e -> new ArrayList<>()).add(f);
      posByEntity.computeIfAbsent(f.entity(), e -> new ArrayList<>()).add(i);
      addOnce(keys, f.entity());
      if (f.other() != null) {
        addOnce(keys, f.other());
      }
    }
    this.schema = new FeatureSchema(b.schemaName, b.schemaVersion, names);
    this.namespace = b.schemaName + ":" + b.schemaVersion;
    this.txFeatures = tx.toArray(new Feature[0]);
    this.txPositions = txPos.stream().mapToInt(Integer::intValue).toArray();
    this.keyEntities = keys.toArray(new Entity[0]);
    List<EntityGroup> gs = new ArrayList<>();
    for (Map.Entry<Entity, List<Feature>> e : byEntity.entrySet()) {
      gs.add(new EntityGroup(e.getKey(), keys.indexOf(e.getKey()), e.getValue(), posByEntity.get(e.getKey()), keys,
          config, watermark::get, evictions, droppedEvents));
    }
    this.groups = gs.toArray(new EntityGroup[0]);
    int keyCount = keyEntities.length;
    int groupCount = groups.length;
    this.scratch = ThreadLocal.withInitial(() -> new Scratch(keyCount, groupCount));
    List<Integer> lg = new ArrayList<>();
    long labelRetention = 0;
    for (int g = 0; g < groups.length; g++) {
      if (groups[g].labels) {
        lg.add(g);
        labelRetention = Math.max(labelRetention, groups[g].retentionMillis());
      }
    }
    this.labelGroups = lg.stream().mapToInt(Integer::intValue).toArray();
    this.labelRetention = labelRetention;
    this.index = labelGroups.length == 0 || store != null ? null
        : new LabelIndex(labelGroups, labelRetention, b.maxIndexedTransactions);
    if (index == null) {
      this.deferred = null;
    } else {
      Windows[] labelWindows = new Windows[labelGroups.length];
      for (int j = 0; j < labelGroups.length; j++) {
        labelWindows[j] = groups[labelGroups[j]].windows();
      }
      this.deferred = new DeferredLabels(labelWindows, labelsApplied, labelsUnmatched);
      for (int g : labelGroups) {
        groups[g].deferTo(deferred);
      }
    }
  }

  private static void addOnce(List<Entity> list, Entity e) {
    if (!list.contains(e)) {
      list.add(e);
    }
  }

  /**
   * Starts a builder for a pipeline of custom definitions.
   *
   * @return a new builder with the default bounds
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public FeatureSchema schema() {
    return schema;
  }

  /**
   * Computes the features of a transaction as of its event time, then records it in the state of each entity.
   *
   * @param tx the transaction; its id, event time and (for amount features) amount must be set, as a validated
   *     transaction has them
   * @return a new vector of {@code schema().size()} values; {@code NaN} where a feature is undefined
   * @throws FraudEngineException with {@link ErrorCode#LATE_EVENT} if the transaction is later than the
   *     allowed lateness behind the watermark; the state is then unchanged
   * @throws NullPointerException if {@code tx} or its event time is {@code null}
   */
  @Override
  public float[] process(Transaction tx) {
    Objects.requireNonNull(tx, "tx");
    Instant eventTime = Objects.requireNonNull(tx.eventTime(), "tx.eventTime");
    long t = eventTime.toEpochMilli();
    long wm = watermark.get();
    if (wm != Long.MIN_VALUE && t < wm - lateness) {
      lateRejected.increment();
      throw new FraudEngineException(ErrorCode.LATE_EVENT, "transaction '" + tx.id() + "' at "
          + eventTime + " is " + Duration.ofMillis(wm - t) + " behind the latest event time " + Instant.ofEpochMilli(wm)
          + ", more than the allowed lateness " + config.allowedLateness() + "; rejected, state unchanged");
    }
    if (t > wm) {
      // the watermark only grows: no atomic update (a full fence) when this transaction is not newer
      watermark.accumulateAndGet(t, Math::max);
    }
    float[] out = new float[schema.size()];
    for (int i = 0; i < txFeatures.length; i++) {
      out[txPositions[i]] = txFeature(txFeatures[i], t, tx.amount());
    }
    Scratch sc = scratch.get();
    String[] keys = sc.keys;
    int[] hashes = sc.hashes;
    for (int i = 0; i < keyEntities.length; i++) {
      String raw = keyEntities[i].keyOf(tx);
      if (raw != null) {
        keys[i] = pseudonymiser == null ? raw : pseudonymiser.apply(keyEntities[i].name(), raw);
        int h = keys[i].hashCode();
        hashes[i] = h == 0 ? 1 : h;
      } else {
        keys[i] = null;
        hashes[i] = 0;
      }
    }
    int txHash = tx.id() == null ? 0 : tx.id().hashCode();
    if (store != null) {
      return processInStore(tx, t, keys, hashes, txHash, out);
    }
    // Two passes. The first starts, without locking anything, the cache misses of every entity (map slot, state,
    // its rows) and of the label index: independent loads the CPU overlaps, where one locked pass would take
    // them one after another (each lock is a full fence, and each level of a miss chain waits for the one before).
    // So it goes level by level, every entity at each level: map slots and state references, state objects, the
    // headers of their rows and windows, the rows at the window bounds, the newest row and the windows' aggregates,
    // then the cells of busy windows' distinct-key multisets that the transaction's keys will look up. The second
    // pass computes and records under the locks, on warm caches. In FeaturePipelineBenchmark (3 million entities), this pass and
    // the scratch arrays take the CPU time of process from 7.0-7.9 to 5.3-5.6 us (same machine, back to back).
    long[] hints = sc.hints;
    EntityState[] guess = sc.recorded;
    boolean indexed = index != null && tx.id() != null;
    long fp = indexed ? index.fingerprint(tx.id()) : 0;
    for (int g = 0; g < groups.length; g++) {
      String key = keys[groups[g].keyIndex];
      hints[g] = key == null ? 0 : groups[g].map.hint(key);
    }
    // the fingerprints first (arithmetic on the keys, in cache): the loads of every first level then issue back to
    // back, where hashing between them let the reorder buffer fill up behind the first miss
    long touched = indexed ? index.touch(fp) : 0;
    for (int g = 0; g < groups.length; g++) {
      touched += hints[g] == 0 ? 0 : groups[g].map.prefetch(hints[g]);
    }
    for (int g = 0; g < groups.length; g++) {
      guess[g] = hints[g] == 0 ? null : groups[g].map.prefetchState(hints[g]);
    }
    // one level a loop, each loop short: the loads of the next entity issue before the first one's miss returns
    // (a long loop per entity, over every int of its windows, filled the reorder buffer behind the first miss)
    for (int g = 0; g < groups.length; g++) {
      touched += guess[g] == null ? 0 : guess[g].touchState();
    }
    for (int g = 0; g < groups.length; g++) {
      touched += guess[g] == null ? 0 : guess[g].touchHeaders();
    }
    for (int g = 0; g < groups.length; g++) {
      EntityState s = guess[g];
      touched += s == null ? 0 : s.touchWindows() + s.touch(2 * groups[g].windows().slots());
    }
    for (int g = 0; g < groups.length; g++) {
      touched += guess[g] == null ? 0 : groups[g].touchSets(guess[g], hashes);
    }
    if (touched == SINK_MARK) {
      // (almost) never taken: the branch only makes the first pass's loads needed
      sink = touched;
    }
    EntityState[] recorded = sc.recorded;
    for (int g = 0; g < groups.length; g++) {
      String key = keys[groups[g].keyIndex];
      if (key == null) {
        groups[g].missing(out);
        recorded[g] = null;
      } else {
        recorded[g] = groups[g].process(tx, t, key, hints[g], hashes, txHash, out);
      }
    }
    sc.indexed = indexed ? index.put(fp, t, txHash, recorded, watermark.get()) : -1;
    sc.fingerprint = fp;
    return out;
  }

  private float[] processInStore(Transaction tx, long t, String[] keys, int[] hashes, int txHash, float[] out) {
    List<EntityStore.Append> appends = new ArrayList<>(groups.length);
    int[] groupOf = new int[groups.length];
    for (int g = 0; g < groups.length; g++) {
      EntityGroup group = groups[g];
      String key = keys[group.keyIndex];
      if (key == null) {
        group.missing(out);
      } else {
        groupOf[appends.size()] = g;
        appends.add(new EntityStore.Append(group.entity.name(), key, group.event(tx, t, hashes, txHash),
            group.retentionMillis(), group.maxEvents(), group.labels));
      }
    }
    if (appends.isEmpty()) {
      return out;
    }
    List<EntityStore.Recorded> recorded;
    try {
      recorded = store.record(new EntityStore.Batch(namespace, tx.id(), txHash, t, appends, labelRetention));
    } catch (RuntimeException e) {
      if (failurePolicy == EntityStore.FailurePolicy.FAIL_CLOSED) {
        throw e instanceof FraudEngineException fe && fe.code() == ErrorCode.FEATURE_STATE_FAILED ? fe
            : new FraudEngineException(ErrorCode.FEATURE_STATE_FAILED, "the entity store failed to record transaction '"
                + tx.id() + "'", e);
      }
      for (int a = 0; a < appends.size(); a++) {
        groups[groupOf[a]].unavailable(out);
      }
      throw new PartialFeaturesException("the entity store failed to record transaction '" + tx.id()
          + "': its entity features are missing", out, e);
    }
    if (recorded.size() != appends.size()) {
      throw new FraudEngineException(ErrorCode.FEATURE_STATE_FAILED, "the entity store answered " + recorded.size()
          + " histories for " + appends.size() + " appends of transaction '" + tx.id() + "'");
    }
    for (int a = 0; a < appends.size(); a++) {
      EntityStore.Recorded r = recorded.get(a);
      groups[groupOf[a]].computeFrom(r.before(), tx, t, hashes, out);
      if (r.dropped() > 0) {
        droppedEvents.add(r.dropped());
      }
    }
    return out;
  }

  private static float txFeature(Feature f, long t, double amount) {
    long day = Math.floorDiv(t, 86_400_000L);
    int hour = (int) (Math.floorMod(t, 86_400_000L) / 3_600_000L);
    int weekday = (int) Math.floorMod(day + 3, 7L) + 1;
    return switch (f.kind()) {
      case WEEKEND -> weekday >= 6 ? 1f : 0f;
      case NIGHT -> hour <= 6 ? 1f : 0f;
      case HOUR -> hour;
      case WEEKDAY -> weekday;
      case AMOUNT -> Double.isNaN(amount) ? (float) f.missing() : (float) amount;
      default -> throw new IllegalStateException("not a transaction feature: " + f.kind());
    };
  }

  /**
   * Records the confirmed label of an earlier transaction. It becomes visible to label-delayed features computed
   * at event times at or after {@code labelTime}, for as long as the transaction is inside their delayed window.
   *
   * @param transactionId the id of the labelled transaction
   * @param label the label
   * @param labelTime when the label became known
   * @throws NullPointerException if an argument is {@code null}
   */
  @Override
  public void feedback(String transactionId, Label label, Instant labelTime) {
    Objects.requireNonNull(transactionId, "transactionId");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(labelTime, "labelTime");
    if (store != null) {
      boolean applied;
      try {
        applied = labelGroups.length > 0 && store.label(namespace, transactionId, label, labelTime.toEpochMilli());
      } catch (RuntimeException e) {
        if (failurePolicy == EntityStore.FailurePolicy.FAIL_CLOSED) {
          throw e;
        }
        return;
      }
      (applied ? labelsApplied : labelsUnmatched).increment();
      return;
    }
    Scratch sc = scratch.get();
    if (index == null || !index.get(transactionId, -1, sc.labelRow, sc.labelStates)) {
      labelsUnmatched.increment();
      return;
    }
    byte value = label == Label.FRAUD ? EntityState.FRAUD : EntityState.LEGITIMATE;
    long at = labelTime.toEpochMilli();
    boolean applied = false;
    EntityState[] states = sc.labelStates;
    for (int j = 0; j < labelGroups.length; j++) {
      if (states[j] != null) {
        applied |= groups[labelGroups[j]].applyLabel(states[j], sc.labelRow[0], (int) sc.labelRow[1], value, at);
        states[j] = null;
      }
    }
    (applied ? labelsApplied : labelsUnmatched).increment();
  }

  /**
   * Where a replay on this thread delivers its labels (see {@link ReplayLabels}); {@code null} when the pipeline
   * keeps no labels in memory.
   */
  ReplayLabels replayLabels() {
    return index == null ? null : new ReplayLabels(scratch.get());
  }

  /**
   * A replay's way to {@link #feedback}, for one replaying thread: the same labels with the same effect on every
   * feature and counter, for a fraction of the cost. Each label is found in the label index by the fingerprint its
   * transaction was put under (kept with the scheduled label: the id's characters, cold a delay later, are not read
   * again), from the position it was put at (a hint: consecutive labels read consecutive entries), and parked in
   * {@link DeferredLabels} instead of being written at once into week-old state: the next transaction of that entity,
   * or anything else reading state, writes it first. The label time arrives as epoch second and nanosecond (no
   * {@code Instant}). A kept fingerprint is used only while the index has not been restored since this object was
   * made (a restore may change the fingerprints' seed); otherwise the id is fingerprinted again.
   */
  final class ReplayLabels implements LabelSchedule.Target {
    private final Scratch sc;
    private final int restores;

    private ReplayLabels(Scratch sc) {
      this.sc = sc;
      this.restores = index.restores();
    }

    /** Where the replaying thread's last {@link #process} put its transaction in the label index, or -1. */
    long lastIndexed() {
      return sc.indexed;
    }

    /** The fingerprint the replaying thread's last {@link #process} put its transaction under, or 0. */
    long lastFingerprint() {
      return sc.indexed < 0 ? 0 : sc.fingerprint;
    }

    @Override
    public void feedback(String transactionId, Label label, Instant labelTime) {
      OnlineFeaturePipeline.this.feedback(transactionId, label, labelTime);
    }

    @Override
    public void feedback(String transactionId, Label label, long second, int nano, long hint, long fingerprint) {
      Objects.requireNonNull(transactionId, "transactionId");
      Objects.requireNonNull(label, "label");
      long fp = fingerprint != 0 && index.restores() == restores ? fingerprint : index.fingerprint(transactionId);
      if (!index.get(fp, hint, sc.labelRow, sc.labelStates)) {
        labelsUnmatched.increment();
        return;
      }
      byte value = label == Label.FRAUD ? EntityState.FRAUD : EntityState.LEGITIMATE;
      long at = epochMilli(second, nano);
      EntityState[] states = sc.labelStates;
      while (!deferred.add(states, labelGroups.length, sc.labelRow[0], (int) sc.labelRow[1], value, at)) {
        deferred.drainAll();
      }
      for (int j = 0; j < labelGroups.length; j++) {
        states[j] = null;
      }
    }

    /** Writes every parked label, as at the end of a replay. */
    void flush() {
      deferred.drainAll();
    }
  }

  /** {@link Instant#toEpochMilli()} of the instant at {@code second} and {@code nano}, without making it. */
  static long epochMilli(long second, int nano) {
    if (second < 0 && nano > 0) {
      return Math.addExact(Math.multiplyExact(second + 1, 1000), nano / 1_000_000 - 1000);
    }
    return Math.addExact(Math.multiplyExact(second, 1000), nano / 1_000_000);
  }

  /** Writes the labels parked by a replay into their states (before anything reads state as a whole). */
  private void drainLabels() {
    if (deferred != null) {
      deferred.drainAll();
    }
  }

  /**
   * Writes all state (entities, their events and labels, the label index, the watermark) to a file, crash-safely:
   * into a temporary file beside it, forced to disk, then atomically renamed over {@code file}. The format is
   * versioned and ends with a CRC-32C checksum.
   *
   * <p>Each entity is copied under its lock; for a snapshot equal to one instant, call it while no transaction is
   * being processed (a replay between two transactions, or a paused service).
   *
   * @param file the snapshot file; its folder must exist
   * @throws FraudEngineException with {@link ErrorCode#FEATURE_STATE_FAILED} if the file cannot be written; a
   *     previous snapshot at {@code file} is then left as it was
   * @throws NullPointerException if {@code file} is {@code null}
   */
  public void snapshot(Path file) {
    requireOwnState("snapshot");
    drainLabels();
    Snapshots.write(this, Objects.requireNonNull(file, "file"));
  }

  /**
   * Replaces all state by a snapshot's. Continuing from a restored snapshot gives exactly the features an unbroken
   * run gives; only the idle-time clocks of the entity maps start again at the snapshot's watermark.
   *
   * <p>Call it before processing anything, not concurrently with {@link #process}.
   *
   * @param file a file written by {@link #snapshot} of a pipeline with the same schema and pseudonymisation secret
   * @throws FraudEngineException with {@link ErrorCode#FEATURE_STATE_FAILED} if the file cannot be read, is
   *     truncated or corrupt (checksum), or of an unknown format version, and with
   *     {@link ErrorCode#FEATURE_SCHEMA_MISMATCH} if it was written by a pipeline with another schema or secret;
   *     the state is then unchanged
   * @throws NullPointerException if {@code file} is {@code null}
   */
  public void restore(Path file) {
    requireOwnState("restore");
    drainLabels();
    Snapshots.read(this, Objects.requireNonNull(file, "file"));
  }

  private void requireOwnState(String operation) {
    if (store != null) {
      throw new IllegalStateException("cannot " + operation + " a pipeline whose state lives in an EntityStore; "
          + "use the store's own persistence");
    }
  }

  /**
   * Forgets all state (entities, labels, the watermark), releasing its memory. Never throws. The pipeline can be
   * used again afterwards, as a new one. With an {@link EntityStore}, closes the store too (its shared state is
   * kept) and the pipeline cannot be used again.
   */
  @Override
  public void close() {
    if (store != null) {
      store.close();
    }
    drainLabels();
    for (EntityGroup g : groups) {
      g.map.clear();
    }
    if (index != null) {
      index.clear();
    }
    watermark.set(Long.MIN_VALUE);
  }

  /**
   * Returns the pipeline's counters and sizes.
   *
   * @return a consistent-enough view of counters that keep moving while transactions are processed
   */
  public Stats stats() {
    drainLabels();
    long entities = 0;
    for (EntityGroup g : groups) {
      entities += g.map.size();
    }
    return new Stats(entities, evictions.sum(), droppedEvents.sum(), lateRejected.sum(), labelsApplied.sum(),
        labelsUnmatched.sum(), index == null ? 0 : index.size(), index == null ? 0 : index.evicted());
  }

  /**
   * Returns the latest event time processed.
   *
   * @return the watermark, or {@code null} before the first transaction
   */
  public Instant watermark() {
    long wm = watermark.get();
    return wm == Long.MIN_VALUE ? null : Instant.ofEpochMilli(wm);
  }

  EntityGroup[] groups() {
    return groups;
  }

  LabelIndex index() {
    return index;
  }

  int[] labelGroups() {
    return labelGroups;
  }

  Pseudonymiser pseudonymiser() {
    return pseudonymiser;
  }

  AtomicLong watermarkCell() {
    return watermark;
  }

  /**
   * The work arrays of one thread's {@link #process} calls: every entry is written before it is read in each call.
   * {@link LabelIndex#put} and the external store copy what they keep.
   */
  private static final class Scratch {
    final String[] keys;
    final int[] hashes;
    final long[] hints;
    final EntityState[] recorded;
    /** For {@link #feedback}: the labelled entry's time and id hash, and its states (cleared after use). */
    final long[] labelRow = new long[2];
    final EntityState[] labelStates;
    /** Where the last {@link #process} put its transaction in the label index, or -1. */
    long indexed = -1;
    /** The label index fingerprint of the last {@link #process}'s transaction id, or 0 if it was not indexed. */
    long fingerprint;

    Scratch(int keys, int groups) {
      this.keys = new String[keys];
      this.hashes = new int[keys];
      this.hints = new long[groups];
      this.recorded = new EntityState[groups];
      this.labelStates = new EntityState[groups];
    }
  }

  /** The state bounds a pipeline was built with. */
  record Config(long maxEntities, Duration idleTimeout, int maxEventsPerEntity, Duration allowedLateness,
      long maxIndexedTransactions, EntityMapKind entityMap) {}

  /**
   * How a pipeline keeps the map from entity key to entity state. Both are bounded by
   * {@link Builder#maxEntities} and {@link Builder#idleTimeout} in event time and count their evictions; features,
   * snapshots and pseudonymisation are the same with either.
   */
  public enum EntityMapKind {
    /**
     * The default: open-addressing tables over primitive arrays, locked by segment, matching keys by a 64-bit keyed
     * fingerprint (two distinct keys of one map share a state with probability about {@code n^2 / 2^65} for
     * {@code n} keys, 3 in 100 million for a million cards; the fingerprint's seed is secret and random per map, so
     * keys cannot be chosen offline to collide, though the hash is no cryptographic MAC: where an adversary may
     * probe the map, pseudonymise the keys or use {@link #CAFFEINE}). Its size bound evicts an approximately least recently used entity (the
     * oldest of a small sample), and may evict slightly before {@code maxEntities} are held, its segments filling
     * unevenly. Its lookups are several times faster than {@link #CAFFEINE}'s on maps of millions of entities (no
     * node, key string or access-order list to visit), for about the same memory per entity.
     */
    COMPACT,
    /**
     * A Caffeine cache: keys compared exactly, W-TinyLFU eviction at exactly {@code maxEntities}. Slower on large
     * maps (each access is later replayed on an access-order list, cache misses among millions of entries).
     */
    CAFFEINE
  }

  /**
   * Counters and sizes of a pipeline.
   *
   * @param entities entities tracked now, over all entity maps
   * @param evictions entities evicted so far, for size or idle time
   * @param droppedEvents events dropped because an entity held {@code maxEventsPerEntity}
   * @param lateRejected transactions rejected for coming later than the allowed lateness
   * @param labelsApplied labels applied to a remembered transaction
   * @param labelsUnmatched labels for transactions the pipeline does not remember (or keeps no labels for)
   * @param indexedTransactions transactions whose label can still be applied
   * @param indexEvictions transactions dropped from the label index because of its size bound
   */
  public record Stats(long entities, long evictions, long droppedEvents, long lateRejected, long labelsApplied,
      long labelsUnmatched, long indexedTransactions, long indexEvictions) {}

  /**
   * Builds an {@link OnlineFeaturePipeline}. Setters check their argument at once; {@link #build()} checks the
   * whole. Not thread-safe; the built pipeline is.
   */
  public static final class Builder {
    private String schemaName = "custom";
    private String schemaVersion = "1";
    private final List<Feature> features = new ArrayList<>();
    private long maxEntities = 10_000_000;
    private Duration idleTimeout = Duration.ofDays(90);
    private int maxEventsPerEntity = 10_000;
    private Duration allowedLateness = Duration.ofHours(1);
    private long maxIndexedTransactions = 50_000_000;
    private byte[] secret;
    private EntityStore store;
    private EntityStore.FailurePolicy failurePolicy = EntityStore.FailurePolicy.FAIL_CLOSED;
    private EntityMapKind entityMap = EntityMapKind.COMPACT;

    private Builder() {}

    /**
     * Sets the schema's name and version. Default: {@code custom} version {@code 1}.
     *
     * @param name the name, not blank
     * @param version the version, not blank; change it whenever a definition changes
     * @return this builder
     * @throws IllegalArgumentException if either is blank
     * @throws NullPointerException if either is {@code null}
     */
    public Builder schema(String name, String version) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(version, "version");
      if (name.isBlank()) {
        throw new IllegalArgumentException("name must not be blank, but was '" + name + "'");
      }
      if (version.isBlank()) {
        throw new IllegalArgumentException("version must not be blank, but was '" + version + "'");
      }
      this.schemaName = name;
      this.schemaVersion = version;
      return this;
    }

    /**
     * Adds features, in vector order.
     *
     * @param features the definitions
     * @return this builder
     * @throws NullPointerException if a feature is {@code null}
     */
    public Builder add(Feature... features) {
      for (Feature f : features) {
        this.features.add(Objects.requireNonNull(f, "feature"));
      }
      return this;
    }

    /**
     * Adds features, in vector order.
     *
     * @param features the definitions
     * @return this builder
     * @throws NullPointerException if a feature is {@code null}
     */
    public Builder addAll(List<Feature> features) {
      return add(features.toArray(new Feature[0]));
    }

    /**
     * Sets how many entities each entity map (cards, terminals...) holds at most. Default 10,000,000.
     *
     * @param maxEntities positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxEntities(long maxEntities) {
      if (maxEntities <= 0) {
        throw new IllegalArgumentException("maxEntities must be positive, but was " + maxEntities);
      }
      this.maxEntities = maxEntities;
      return this;
    }

    /**
     * Sets how the entity maps are kept. Default {@link EntityMapKind#COMPACT}.
     *
     * @param kind the implementation
     * @return this builder
     * @throws NullPointerException if {@code null}
     */
    public Builder entityMap(EntityMapKind kind) {
      this.entityMap = Objects.requireNonNull(kind, "kind");
      return this;
    }

    /**
     * Sets after how much idle time an entity is forgotten. Default 90 days. Idle time is measured in <em>event
     * time</em>, on the pipeline's watermark (the latest event time processed), never on the wall clock: a replay
     * of a year of history forgets exactly what live scoring over that year would.
     *
     * @param idleTimeout positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws NullPointerException if {@code null}
     */
    public Builder idleTimeout(Duration idleTimeout) {
      Objects.requireNonNull(idleTimeout, "idleTimeout");
      if (idleTimeout.isNegative() || idleTimeout.isZero()) {
        throw new IllegalArgumentException("idleTimeout must be positive, but was " + idleTimeout);
      }
      this.idleTimeout = idleTimeout;
      return this;
    }

    /**
     * Sets how many events an entity keeps at most; beyond, the oldest are dropped (and counted). Default 10,000.
     * This also bounds an entity's bytes: an event takes 8 bytes (time, amount; 4 more each when the entity's events
     * span 49 days or more, or when its amounts are not all whole ten-thousandths under 214,748), plus 13 with
     * label-delayed features (id hash, label, label time), 4 per distinct or new-pair key and 8 with geo features.
     *
     * @param maxEventsPerEntity in [1, 1,000,000]
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxEventsPerEntity(int maxEventsPerEntity) {
      if (maxEventsPerEntity < 1 || maxEventsPerEntity > 1_000_000) {
        throw new IllegalArgumentException(
            "maxEventsPerEntity must be in [1, 1000000], but was " + maxEventsPerEntity);
      }
      this.maxEventsPerEntity = maxEventsPerEntity;
      return this;
    }

    /**
     * Sets how far behind the latest event time a transaction may come and still be processed. Default 1 hour.
     *
     * @param allowedLateness zero or positive, at most 366 days
     * @return this builder
     * @throws IllegalArgumentException if negative or longer
     * @throws NullPointerException if {@code null}
     */
    public Builder allowedLateness(Duration allowedLateness) {
      Objects.requireNonNull(allowedLateness, "allowedLateness");
      if (allowedLateness.isNegative() || allowedLateness.compareTo(Feature.MAX_SPAN) > 0) {
        throw new IllegalArgumentException("allowedLateness must be in [0, 366 days], but was " + allowedLateness);
      }
      this.allowedLateness = allowedLateness;
      return this;
    }

    /**
     * Sets how many transactions the label index remembers at most, for feedback. Default 50,000,000.
     *
     * @param maxIndexedTransactions positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder maxIndexedTransactions(long maxIndexedTransactions) {
      if (maxIndexedTransactions <= 0) {
        throw new IllegalArgumentException(
            "maxIndexedTransactions must be positive, but was " + maxIndexedTransactions);
      }
      this.maxIndexedTransactions = maxIndexedTransactions;
      return this;
    }

    /**
     * Pseudonymises entity keys with HMAC-SHA256 under a secret before they are stored: state, snapshots and the
     * label index then hold no raw card numbers, device ids or IPs. Default: keys stored as given.
     *
     * @param secret at least 16 bytes; copied
     * @return this builder
     * @throws IllegalArgumentException if shorter than 16 bytes
     * @throws NullPointerException if {@code null}
     */
    public Builder pseudonymiseKeys(byte[] secret) {
      Objects.requireNonNull(secret, "secret");
      if (secret.length < 16) {
        throw new IllegalArgumentException("secret must hold at least 16 bytes, but had " + secret.length);
      }
      this.secret = secret.clone();
      return this;
    }

    /**
     * Keeps the per-entity state in an external store (Redis, say) instead of the pipeline's own in-memory maps, so
     * that several instances of a service share it. The features are the same; what differs:
     *
     * <ul>
     *   <li>state bounds are the store's: {@code maxEntities} and {@code idleTimeout} do not apply (the store
     *       expires idle entities), {@code maxEventsPerEntity} does;
     *   <li>the label index is the store's too: feedback reaches transactions recorded by any instance;
     *   <li>the allowed lateness is checked against this instance's own watermark;
     *   <li>{@link OnlineFeaturePipeline#snapshot} and {@link OnlineFeaturePipeline#restore} are not available;
     *   <li>the pipeline owns the store: {@link OnlineFeaturePipeline#close()} closes it.
     * </ul>
     *
     * <p>Default: no store, in-memory state.
     *
     * @param store the store
     * @param onFailure what a transaction gets when the store fails or times out
     * @return this builder
     * @throws NullPointerException if an argument is {@code null}
     */
    public Builder store(EntityStore store, EntityStore.FailurePolicy onFailure) {
      this.store = Objects.requireNonNull(store, "store");
      this.failurePolicy = Objects.requireNonNull(onFailure, "onFailure");
      return this;
    }

    /**
     * Builds the pipeline.
     *
     * @return a new, empty, thread-safe pipeline
     * @throws IllegalStateException if no feature was added
     * @throws IllegalArgumentException if two features have the same name
     */
    public OnlineFeaturePipeline build() {
      if (features.isEmpty()) {
        throw new IllegalStateException("add at least one feature before build()");
      }
      return new OnlineFeaturePipeline(this);
    }
  }
}
