package dev.fraudengine.features;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.fraudengine.core.Transaction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/*
 * The features of one entity (all the card features, say) and the state they read: a Caffeine map from entity key
 * to EntityState, bounded in size and in idle time measured on an event-time ticker (the pipeline's watermark), so
 * that nothing here depends on the wall clock.
 *
 * Computing: the windowed features share "slots", one per distinct (window, delay) pair. One backward scan over
 * the entity's events, newest first, accumulates count, sum, sum of squares, min, max and visible frauds of every
 * slot, and stops at the oldest boundary; each feature then reads its slot (adding the current transaction when
 * its definition includes it). Distinct counts and new-pair flags scan the key-hash column of their window.
 *
 * Thread-safety: the map is concurrent; each EntityState is locked while it is read and updated, so updates of
 * one entity are never lost and a transaction reads an entity either before or after another one's update.
 */
final class EntityGroup {
  private static final int INITIAL_CAPACITY = 8;
  private static final int FIELDS = 6;
  private static final double EARTH_RADIUS_KM = 6371.0088;
  private static final int[] NO_HASHES = new int[0];
  private static final byte NEED_SUM = 1;
  private static final byte NEED_SQUARES = 2;
  private static final byte NEED_MIN_MAX = 4;
  private static final byte NEED_FRAUDS = 8;

  final Entity entity;
  final int keyIndex;
  final boolean labels;
  private final Feature[] features;
  private final int[] positions;
  private final int[] slotOf;
  private final long[] slotLo;
  private final long[] slotHi;
  private final byte[] slotNeeds;
  private final int[] otherIndex;
  private final int[] otherColumnOf;
  private final boolean geo;
  private final long retention;
  private final int maxEvents;
  final Cache<String, EntityState> map;
  private final Function<String, EntityState> factory;
  private final LongAdder droppedEvents;

  EntityGroup(Entity entity, int keyIndex, List<Feature> features, List<Integer> positions, List<Entity> keyEntities,
      OnlineFeaturePipeline.Config config, Ticker ticker, LongAdder evictions, LongAdder droppedEvents) {
    this.entity = entity;
    this.keyIndex = keyIndex;
    this.features = features.toArray(new Feature[0]);
    this.positions = positions.stream().mapToInt(Integer::intValue).toArray();
    this.droppedEvents = droppedEvents;
    this.maxEvents = config.maxEventsPerEntity();

    List<long[]> slots = new ArrayList<>();
    List<Entity> others = new ArrayList<>();
    slotOf = new int[this.features.length];
    otherColumnOf = new int[this.features.length];
    boolean hasLabels = false;
    boolean hasGeo = false;
    long horizon = 0;
    for (int i = 0; i < this.features.length; i++) {
      Feature f = this.features[i];
      horizon = Math.max(horizon, f.horizonMillis());
      slotOf[i] = -1;
      otherColumnOf[i] = -1;
      if (f.kind().windowed()) {
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
      hasLabels |= f.kind() == Feature.Kind.DELAYED_RISK;
      hasGeo |= f.kind() == Feature.Kind.GEO_DISTANCE || f.kind() == Feature.Kind.GEO_SPEED;
    }
    slotLo = new long[slots.size()];
    slotHi = new long[slots.size()];
    for (int s = 0; s < slots.size(); s++) {
      slotHi[s] = slots.get(s)[1];
      slotLo[s] = slots.get(s)[1] + slots.get(s)[0];
    }
    slotNeeds = new byte[slots.size()];
    for (int i = 0; i < this.features.length; i++) {
      if (slotOf[i] >= 0) {
        slotNeeds[slotOf[i]] |= switch (this.features[i].kind()) {
          case SUM, MEAN, RATIO -> NEED_SUM;
          case STD, ZSCORE -> NEED_SUM | NEED_SQUARES;
          case MIN, MAX -> NEED_MIN_MAX;
          case DELAYED_RISK -> NEED_FRAUDS;
          default -> 0;
        };
      }
    }
    this.otherIndex = others.stream().mapToInt(keyEntities::indexOf).toArray();
    this.labels = hasLabels;
    this.geo = hasGeo;
    this.retention = horizon + config.allowedLateness().toMillis();
    int otherColumns = others.size();
    this.factory = k -> new EntityState(labels, otherColumns, geo, INITIAL_CAPACITY);
    this.map = Caffeine.newBuilder()
        .maximumSize(config.maxEntities())
        .expireAfterAccess(config.idleTimeout())
        .ticker(ticker)
        .executor(Runnable::run)
        .<String, EntityState>evictionListener((k, v, cause) -> evictions.increment())
        .build();
  }

  private static int indexOf(List<long[]> slots, long[] slot) {
    for (int i = 0; i < slots.size(); i++) {
      if (Arrays.equals(slots.get(i), slot)) {
        return i;
      }
    }
    return -1;
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

  EntityState newState() {
    return factory.apply("");
  }

  /** Writes the group's features for a transaction without this entity's key. */
  void missing(float[] out) {
    for (int i = 0; i < features.length; i++) {
      out[positions[i]] = (float) features[i].missing();
    }
  }

  /**
   * Computes the group's features as of {@code t} into {@code out}, then records the transaction.
   *
   * @return the state the transaction was recorded in
   */
  EntityState process(Transaction tx, long t, String key, int[] keyHashes, int txHash, float[] out) {
    EntityState s = map.get(key, factory);
    int[] otherHashes = otherIndex.length == 0 ? NO_HASHES : new int[otherIndex.length];
    for (int o = 0; o < otherIndex.length; o++) {
      otherHashes[o] = keyHashes[otherIndex[o]];
    }
    int dropped;
    synchronized (s) {
      compute(s, tx, t, otherHashes, out);
      dropped = s.record(t, tx.amount(), txHash, otherHashes, tx.latitude(), tx.longitude(), retention, maxEvents);
    }
    if (dropped > 0) {
      droppedEvents.add(dropped);
    }
    return s;
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
    compute(s, tx, t, otherHashes(keyHashes), out);
  }

  private void compute(EntityState s, Transaction tx, long t, int[] otherHashes, float[] out) {
    int slots = slotLo.length;
    double[] acc = slots == 0 ? null : scan(s, t, slots);
    double amt = tx.amount();
    for (int i = 0; i < features.length; i++) {
      Feature f = features[i];
      double v;
      int b = slotOf[i] * FIELDS;
      switch (f.kind()) {
        case COUNT -> v = acc[b] + (f.includeCurrent() ? 1 : 0);
        case SUM -> v = acc[b + 1] + (f.includeCurrent() ? amt : 0);
        case MEAN -> {
          double n = acc[b] + (f.includeCurrent() ? 1 : 0);
          v = n == 0 ? Double.NaN : (acc[b + 1] + (f.includeCurrent() ? amt : 0)) / n;
        }
        case STD -> {
          double n = acc[b] + (f.includeCurrent() ? 1 : 0);
          double sum = acc[b + 1] + (f.includeCurrent() ? amt : 0);
          double sq = acc[b + 2] + (f.includeCurrent() ? amt * amt : 0);
          v = n == 0 ? Double.NaN : Math.sqrt(Math.max(0, sq / n - (sum / n) * (sum / n)));
        }
        case MIN -> v = f.includeCurrent() ? Math.min(acc[b + 3], amt) : acc[b] == 0 ? Double.NaN : acc[b + 3];
        case MAX -> v = f.includeCurrent() ? Math.max(acc[b + 4], amt) : acc[b] == 0 ? Double.NaN : acc[b + 4];
        case ZSCORE -> {
          double n = acc[b];
          double mean = acc[b + 1] / n;
          double std = Math.sqrt(Math.max(0, acc[b + 2] / n - mean * mean));
          v = n < 2 || !(std > 1e-9 * Math.abs(mean)) ? Double.NaN : (amt - mean) / std;
        }
        case RATIO -> {
          double mean = acc[b + 1] / acc[b];
          v = acc[b] == 0 || mean == 0 ? Double.NaN : amt / mean;
        }
        case DELAYED_COUNT -> v = acc[b];
        case DELAYED_RISK -> v = acc[b] == 0 ? Double.NaN : acc[b + 5] / acc[b];
        case DISTINCT -> v = distinct(s, t, f, otherColumnOf[i], otherHashes[otherColumnOf[i]]);
        case NEW_PAIR -> v = newPair(s, t, f, otherColumnOf[i], otherHashes[otherColumnOf[i]]);
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

  /**
   * Per slot: count, sum, sum of squares, min, max and visible frauds. Events are in time order, so each slot is a
   * contiguous index range found by binary search; only the aggregates some feature needs are summed over it.
   */
  private double[] scan(EntityState s, long t, int slots) {
    double[] acc = new double[slots * FIELDS];
    long[] time = s.time;
    double[] amount = s.amount;
    int head = s.head;
    int end = s.end();
    int top = end == head || time[end - 1] <= t ? end : upperBound(time, head, end, t);
    int hi = top;
    for (int k = 0; k < slots; k++) {
      int b = k * FIELDS;
      if (k == 0 || slotHi[k] != slotHi[k - 1]) {
        hi = slotHi[k] == 0 ? top : upperBound(time, head, top, t - slotHi[k]);
      }
      int lo = upperBound(time, head, hi, t - slotLo[k]);
      acc[b] = hi - lo;
      byte need = slotNeeds[k];
      if ((need & NEED_SUM) != 0) {
        double sum = 0;
        for (int i = lo; i < hi; i++) {
          sum += amount[i];
        }
        acc[b + 1] = sum;
      }
      if ((need & NEED_SQUARES) != 0) {
        double sq = 0;
        for (int i = lo; i < hi; i++) {
          sq += amount[i] * amount[i];
        }
        acc[b + 2] = sq;
      }
      if ((need & NEED_MIN_MAX) != 0) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = lo; i < hi; i++) {
          min = Math.min(min, amount[i]);
          max = Math.max(max, amount[i]);
        }
        acc[b + 3] = min;
        acc[b + 4] = max;
      }
      if ((need & NEED_FRAUDS) != 0) {
        byte[] label = s.label;
        long[] labelTime = s.labelTime;
        int frauds = 0;
        for (int i = lo; i < hi; i++) {
          if (label[i] == EntityState.FRAUD && labelTime[i] <= t) {
            frauds++;
          }
        }
        acc[b + 5] = frauds;
      }
    }
    return acc;
  }

  /**
   * Returns the first index in [from, to) whose time is after {@code key}, or {@code to}. Branch-free halving
   * (the comparison becomes a conditional move): the times are unpredictable, so a branchy search mispredicts
   * about every other step, and this is the hot loop of every windowed feature.
   */
  static int upperBound(long[] time, int from, int to, long key) {
    int n = to - from;
    if (n <= 0) {
      return from;
    }
    int base = from;
    while (n > 1) {
      int half = n >>> 1;
      base = time[base + half] <= key ? base + half : base;
      n -= half;
    }
    return time[base] <= key ? base + 1 : base;
  }

  private static double distinct(EntityState s, long t, Feature f, int column, int current) {
    int[] hashes = s.others[column];
    int[] seen = new int[Integer.highestOneBit(s.size + 1) << 2];
    int count = 0;
    if (f.includeCurrent() && current != 0) {
      count += add(seen, current);
    }
    long from = t - f.windowMillis();
    for (int i = s.end() - 1; i >= s.head; i--) {
      long ti = s.time[i];
      if (ti > t) {
        continue;
      }
      if (ti <= from) {
        break;
      }
      if (hashes[i] != 0) {
        count += add(seen, hashes[i]);
      }
    }
    return count;
  }

  /** Adds a non-zero hash to an open-addressing set (power-of-two length, under half full); 1 if it was new. */
  private static int add(int[] set, int h) {
    int mask = set.length - 1;
    int i = (h ^ (h >>> 16)) & mask;
    while (set[i] != 0) {
      if (set[i] == h) {
        return 0;
      }
      i = (i + 1) & mask;
    }
    set[i] = h;
    return 1;
  }

  private static double newPair(EntityState s, long t, Feature f, int column, int current) {
    if (current == 0) {
      return Double.NaN;
    }
    int[] hashes = s.others[column];
    long from = t - f.windowMillis();
    for (int i = s.end() - 1; i >= s.head; i--) {
      long ti = s.time[i];
      if (ti > t) {
        continue;
      }
      if (ti <= from) {
        break;
      }
      if (hashes[i] == current) {
        return 0;
      }
    }
    return 1;
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
      lat = s.lat[i];
      lon = s.lon[i];
      when = s.time[i];
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
  static boolean applyLabel(EntityState s, long t, int txHash, byte value, long labelTime) {
    synchronized (s) {
      return s.applyLabel(t, txHash, value, labelTime);
    }
  }

  /** Returns the state of a key without counting it as an access, or {@code null}. */
  EntityState peek(String key) {
    return map.policy().getIfPresentQuietly(key);
  }
}
