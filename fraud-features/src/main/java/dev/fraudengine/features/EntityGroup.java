package dev.fraudengine.features;

import dev.fraudengine.core.Transaction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/*
 * The features of one entity (all the card features, say) and the state they read: an EntityMap from entity key
 * to EntityState (compact or Caffeine, as configured), bounded in size and in idle time measured on the pipeline's
 * watermark, so that nothing here depends on the wall clock.
 *
 * Computing: the windowed features share "slots", one per distinct (window, delay) pair, whose running aggregates
 * (count, exact sum and sum of squares, min, max, fraud count, distinct keys) Windows keeps in each EntityState and
 * moves to the transaction's event time in O(1) amortized; each feature then reads its slot (adding the current
 * transaction when its definition includes it). Distinct counts and new-pair flags read their window's multiset.
 *
 * Thread-safety: the map is concurrent; each EntityState is locked while it is read and updated, so updates of
 * one entity are never lost and a transaction reads an entity either before or after another one's update.
 */
final class EntityGroup {
  private static final int INITIAL_CAPACITY = 4;
  private static final double EARTH_RADIUS_KM = 6371.0088;
  private static final int[] NO_HASHES = new int[0];

  final Entity entity;
  final int keyIndex;
  final boolean labels;
  private final Feature[] features;
  private final int[] positions;
  private final int[] slotOf;
  private final int[] setOf;
  private final Windows windows;
  private final int[] otherIndex;
  private final int[] otherColumnOf;
  /** Per feature, the index in the pipeline's key array of its other entity's key, or -1. */
  private final int[] otherKeyOf;
  private final boolean geo;
  private final long retention;
  private final int maxEvents;
  final EntityMap map;
  private final LongAdder droppedEvents;
  /** Where a replay parks this group's labels (set once by the pipeline, before it is shared), or null. */
  private DeferredLabels deferred;

  EntityGroup(Entity entity, int keyIndex, List<Feature> features, List<Integer> positions, List<Entity> keyEntities,
      OnlineFeaturePipeline.Config config, LongSupplier watermark, LongAdder evictions, LongAdder droppedEvents) {
    this.entity = entity;
    this.keyIndex = keyIndex;
    this.features = features.toArray(new Feature[0]);
    this.positions = positions.stream().mapToInt(Integer::intValue).toArray();
    this.droppedEvents = droppedEvents;
    this.maxEvents = config.maxEventsPerEntity();

    List<long[]> slots = new ArrayList<>();
    List<int[]> sets = new ArrayList<>();
    List<Entity> others = new ArrayList<>();
    slotOf = new int[this.features.length];
    setOf = new int[this.features.length];
    otherColumnOf = new int[this.features.length];
    boolean hasLabels = false;
    boolean hasGeo = false;
    long horizon = 0;
    for (int i = 0; i < this.features.length; i++) {
      Feature f = this.features[i];
      horizon = Math.max(horizon, f.horizonMillis());
      slotOf[i] = -1;
      setOf[i] = -1;
      otherColumnOf[i] = -1;
      boolean keyed = f.kind() == Feature.Kind.DISTINCT || f.kind() == Feature.Kind.NEW_PAIR;
      if (f.kind().windowed() || keyed) {
        long[] slot = {f.windowMillis(), f.delayMillis()};
        int s = indexOf(slots, slot);
        if (s < 0) {
          slots.add(slot);
          s = slots.size() - 1;
        }
        slotOf[i] = s;
      }
      if (f.other() != null) {
        int o = others.indexOf(f.other());
        if (o < 0) {
          others.add(f.other());
          o = others.size() - 1;
        }
        otherColumnOf[i] = o;
      }
      if (keyed) {
        int[] set = {slotOf[i], otherColumnOf[i]};
        int j = 0;
        while (j < sets.size() && !Arrays.equals(sets.get(j), set)) {
          j++;
        }
        if (j == sets.size()) {
          sets.add(set);
        }
        setOf[i] = j;
      }
      hasLabels |= f.kind() == Feature.Kind.DELAYED_RISK;
      hasGeo |= f.kind() == Feature.Kind.GEO_DISTANCE || f.kind() == Feature.Kind.GEO_SPEED;
    }
    long[] width = new long[slots.size()];
    long[] delay = new long[slots.size()];
    for (int k = 0; k < slots.size(); k++) {
      width[k] = slots.get(k)[0];
      delay[k] = slots.get(k)[1];
    }
    byte[] needs = new byte[slots.size()];
    for (int i = 0; i < this.features.length; i++) {
      if (slotOf[i] >= 0) {
        needs[slotOf[i]] |= switch (this.features[i].kind()) {
          case SUM, MEAN, RATIO -> Windows.NEED_SUM;
          case STD, ZSCORE -> Windows.NEED_SUM | Windows.NEED_SQUARES;
          case MIN, MAX -> Windows.NEED_MIN_MAX;
          case DELAYED_RISK -> Windows.NEED_FRAUDS;
          default -> 0;
        };
      }
    }
    this.windows = new Windows(width, delay, needs, sets.stream().mapToInt(x -> x[0]).toArray(),
        sets.stream().mapToInt(x -> x[1]).toArray());
    this.otherIndex = others.stream().mapToInt(keyEntities::indexOf).toArray();
    this.labels = hasLabels;
    this.geo = hasGeo;
    this.retention = horizon + config.allowedLateness().toMillis();
    int otherColumns = others.size();
    this.otherKeyOf = new int[this.features.length];
    for (int i = 0; i < this.features.length; i++) {
      otherKeyOf[i] = otherColumnOf[i] < 0 ? -1 : otherIndex[otherColumnOf[i]];
    }
    boolean labelled = hasLabels;
    boolean located = hasGeo;
    Supplier<EntityState> factory =
        () -> new EntityState(labelled, otherColumns, located, INITIAL_CAPACITY);
    this.map = switch (config.entityMap()) {
      case COMPACT -> new CompactEntityMap(config.maxEntities(), saturatedMillis(config.idleTimeout()), watermark,
          evictions, factory);
      case CAFFEINE -> new CaffeineEntityMap(config.maxEntities(), config.idleTimeout(),
          () -> Math.max(0, watermark.getAsLong()) * 1_000_000L, evictions, factory);
    };
  }

  private static long saturatedMillis(Duration d) {
    try {
      return d.toMillis();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static int indexOf(List<long[]> slots, long[] slot) {
    for (int i = 0; i < slots.size(); i++) {
      if (Arrays.equals(slots.get(i), slot)) {
        return i;
      }
    }
    return -1;
  }

  /** The windows this group's states keep. */
  Windows windows() {
    return windows;
  }

  /** Makes the group write a state's parked labels before it reads or labels that state (see DeferredLabels). */
  void deferTo(DeferredLabels labels) {
    this.deferred = labels;
  }

  /** How far back this group's features read, plus the allowed lateness: older events are pruned. */
  long retentionMillis() {
    return retention;
  }

  int otherColumns() {
    return otherIndex.length;
  }

  boolean geo() {
    return geo;
  }

  EntityState newState(int capacity) {
    return new EntityState(labels, otherIndex.length, geo, capacity);
  }

  /** Writes the group's features for a transaction without this entity's key. */
  void missing(float[] out) {
    for (int i = 0; i < features.length; i++) {
      out[positions[i]] = (float) features[i].missing();
    }
  }

  /**
   * Computes the group's features as of {@code t} into {@code out}, then records the transaction. {@code hint}: what
   * {@link EntityMap#hint} returned for {@code key}, or 0.
   *
   * @return the state the transaction was recorded in
   */
  EntityState process(Transaction tx, long t, String key, long hint, int[] keyHashes, int txHash, float[] out) {
    EntityState s = map.get(key, hint);
    int dropped;
    synchronized (s) {
      if (deferred != null && deferred.used()) {
        deferred.drain(s);
      }
      compute(s, tx, t, keyHashes, out);
      dropped = s.record(t, tx.amount(), txHash, keyHashes, otherIndex, tx.latitude(), tx.longitude(), retention,
          maxEvents, windows);
    }
    if (dropped > 0) {
      droppedEvents.add(dropped);
    }
    return s;
  }

  /**
   * The last step of the first pass of OnlineFeaturePipeline.process: reads, without the lock, the cells of the
   * state's distinct-key multisets (busy windows only) that this transaction's keys will look up.
   */
  int touchSets(EntityState s, int[] keyHashes) {
    return windows.touchSets(s, keyHashes, otherIndex);
  }

  /** How many events an entity of this group keeps at most. */
  int maxEvents() {
    return maxEvents;
  }

  /** Writes NaN for every feature of the group: its state could not be read (a failed external store). */
  void unavailable(float[] out) {
    for (int position : positions) {
      out[position] = Float.NaN;
    }
  }

  private int[] otherHashes(int[] keyHashes) {
    int[] otherHashes = otherIndex.length == 0 ? NO_HASHES : new int[otherIndex.length];
    for (int o = 0; o < otherIndex.length; o++) {
      otherHashes[o] = keyHashes[otherIndex[o]];
    }
    return otherHashes;
  }

  /** Describes a transaction as the event an external store records for this group's entity. */
  EntityStore.Event event(Transaction tx, long t, int[] keyHashes, int txHash) {
    return new EntityStore.Event(t, tx.amount(), labels ? txHash : 0, null, 0, otherHashes(keyHashes),
        geo ? tx.latitude() : Double.NaN, geo ? tx.longitude() : Double.NaN);
  }

  /**
   * Computes the group's features as of {@code t} into {@code out} from an entity's history as an external store
   * returned it (the state just before the transaction was recorded): the same computation as {@link #process}.
   */
  void computeFrom(EntityStore.History history, Transaction tx, long t, int[] keyHashes, float[] out) {
    EntityState s = EntityState.of(history, labels, otherIndex.length, geo);
    compute(s, tx, t, keyHashes, out);
  }

  /** {@code keyHashes}: the hashes of the transaction's keys, in the pipeline's key order (0 for no key). */
  private void compute(EntityState s, Transaction tx, long t, int[] keyHashes, float[] out) {
    Windows w = windows;
    if (w.slots() > 0) {
      w.moveTo(s, t);
    }
    double amt = tx.amount();
    for (int i = 0; i < features.length; i++) {
      Feature f = features[i];
      int k = slotOf[i];
      boolean cur = f.includeCurrent();
      double v;
      switch (f.kind()) {
        case COUNT -> v = w.count(s, k) + (cur ? 1 : 0);
        case SUM -> v = w.sum(s, k) + (cur ? amt : 0);
        case MEAN -> {
          double n = w.count(s, k) + (cur ? 1 : 0);
          v = n == 0 ? Double.NaN : (w.sum(s, k) + (cur ? amt : 0)) / n;
        }
        case STD -> {
          double n = w.count(s, k) + (cur ? 1 : 0);
          double sum = w.sum(s, k) + (cur ? amt : 0);
          double sq = w.squares(s, k) + (cur ? amt * amt : 0);
          v = n == 0 ? Double.NaN : Math.sqrt(Math.max(0, sq / n - (sum / n) * (sum / n)));
        }
        case MIN -> v = cur ? Math.min(w.min(s, k), amt) : w.count(s, k) == 0 ? Double.NaN : w.min(s, k);
        case MAX -> v = cur ? Math.max(w.max(s, k), amt) : w.count(s, k) == 0 ? Double.NaN : w.max(s, k);
        case ZSCORE -> {
          double n = w.count(s, k);
          double mean = w.sum(s, k) / n;
          double std = Math.sqrt(Math.max(0, w.squares(s, k) / n - mean * mean));
          v = n < 2 || !(std > 1e-9 * Math.abs(mean)) ? Double.NaN : (amt - mean) / std;
        }
        case RATIO -> {
          double n = w.count(s, k);
          double mean = w.sum(s, k) / n;
          v = n == 0 || mean == 0 ? Double.NaN : amt / mean;
        }
        case DELAYED_COUNT -> v = w.count(s, k);
        case DELAYED_RISK -> {
          int n = w.count(s, k);
          v = n == 0 ? Double.NaN : (double) w.frauds(s, k, t) / n;
        }
        case DISTINCT -> v = w.distinct(s, k, setOf[i], cur ? keyHashes[otherKeyOf[i]] : 0);
        case NEW_PAIR -> {
          int current = keyHashes[otherKeyOf[i]];
          v = current == 0 ? Double.NaN : w.contains(s, k, setOf[i], current) ? 0 : 1;
        }
        case FIRST_SEEN -> v = s.firstTime <= t ? 0 : 1;
        case SECONDS_SINCE_LAST -> {
          long last = s.lastTimeAtOrBefore(t);
          v = last == Long.MIN_VALUE ? Double.NaN : (t - last) / 1000.0;
        }
        case GEO_DISTANCE, GEO_SPEED -> v = geo(s, tx, t, f.kind() == Feature.Kind.GEO_SPEED);
        default -> throw new IllegalStateException("not an entity feature: " + f.kind());
      }
      out[positions[i]] = (float) (Double.isNaN(v) ? f.missing() : v);
    }
  }

  private double geo(EntityState s, Transaction tx, long t, boolean speed) {
    if (!tx.hasLocation()) {
      return Double.NaN;
    }
    double lat;
    double lon;
    long when;
    int i = s.lastLocatedAtOrBefore(t);
    if (i >= 0) {
      lat = s.latitude(i);
      lon = s.longitude(i);
      when = s.time(i);
    } else if (s.lastLocTime != Long.MIN_VALUE && s.lastLocTime <= t) {
      lat = s.lastLat;
      lon = s.lastLon;
      when = s.lastLocTime;
    } else {
      return Double.NaN;
    }
    double km = haversineKm(lat, lon, tx.latitude(), tx.longitude());
    if (!speed) {
      return km;
    }
    double hours = Math.max(1000, t - when) / 3_600_000.0;
    return km / hours;
  }

  /** Great-circle distance on a sphere of the Earth's mean radius (haversine formula). */
  static double haversineKm(double lat1, double lon1, double lat2, double lon2) {
    double p1 = Math.toRadians(lat1);
    double p2 = Math.toRadians(lat2);
    double dp = p2 - p1;
    double dl = Math.toRadians(lon2 - lon1);
    double h = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  /** Applies a label to the event of a transaction in the state it was recorded in, if still there. */
  boolean applyLabel(EntityState s, long t, int txHash, byte value, long labelTime) {
    synchronized (s) {
      if (deferred != null && deferred.used()) {
        deferred.drain(s);
      }
      return s.applyLabel(t, txHash, value, labelTime, windows);
    }
  }

  /** Returns the state of a key without counting it as an access, or {@code null}. */
  EntityState peek(String key) {
    return map.peek(key);
  }
}
