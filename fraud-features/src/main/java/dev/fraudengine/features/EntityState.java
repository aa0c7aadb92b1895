package dev.fraudengine.features;

import dev.fraudengine.core.Label;
import java.util.List;

/*
 * What the pipeline remembers of one entity (one card, one terminal...): its recent events in event-time order,
 * a few all-time fields (first and latest event time, latest location) that outlive pruning, and the running
 * aggregates of its sliding windows (see Windows, which owns their layout and upkeep, in their own int array).
 *
 * Events are rows of one int array, data (one object, one header and one reference for all of them): row i holds
 * event i's fields at data[i * width...], in this order: time (one int, or two), amount (one int, or two), and
 * when the group reads labels, the transaction-id hash, the label and the label time (two ints); then one int per
 * other-key column; then, when located, latitude and longitude as float bits. A transaction reads and writes whole
 * rows (the window bounds' events, the newest one), so each row is one or two cache lines, where separate columns
 * were one line each. A row's width depends only on the group and on the two fallbacks below, fixed per state.
 *
 * Events live in rows [head, head + size): appending in order is O(1), an out-of-order event is inserted by
 * shifting the few later rows, and pruning old events moves head forward; when the end is reached, the rows are
 * compacted in place while that leaves enough room, else moved into a new array of a little more than needed (one
 * reference stored into the state: one dirty card for the next young collection to scan).
 *
 * Compact fields: an event time is kept as an int offset in milliseconds from a per-entity base (the retained
 * events of an entity span less than 2^32 ms, about 49 days, for every window up to 48 days; the base moves when
 * the span requires it, and an entity whose events span more falls back to long times, two ints), and an amount as
 * an int number of ten-thousandths when it is exactly one (the double nearest to units / 10^4, as decimal money
 * amounts are), else every row falls back to double amounts (two ints). Either way the values read back are exactly
 * the ones given.
 *
 * Not thread-safe: the owning EntityGroup locks the instance around every read and write.
 */
final class EntityState {
  static final byte NO_LABEL = 0;
  static final byte FRAUD = 1;
  static final byte LEGITIMATE = 2;
  /** Amounts are kept, and summed exactly, in units of 1 / SCALE. */
  static final double SCALE = 10_000;
  /** What {@link #units} returns for an amount that is not a whole number of units within range. */
  static final long NOT_UNITS = Long.MIN_VALUE;
  private static final long MAX_UNITS = 1L << 40;
  private static final long SPAN = (1L << 32) - 1;
  /** The most other-key columns a state holds (a row must stay well within a byte's offsets). */
  static final int MAX_OTHER_COLUMNS = 64;

  /** The events' rows, {@link #width} ints each. */
  int[] data;
  /** Times are offsets from this base, unless {@link #wideTime}. */
  long base;
  int head;
  int size;
  /** Whether times are longs (two ints, high half first) rather than int offsets from {@link #base}. */
  boolean wideTime;
  /** Whether amounts are doubles (their bits as two ints) rather than int units of 1 / SCALE. */
  boolean wideAmount;
  private final boolean labelled;
  private final boolean located;
  private final byte otherCount;
  /** Ints per row, and the offsets in a row of the amount, the id hash (then label, label time), others, location. */
  private byte width;
  private byte amountAt;
  private byte hashAt;
  private byte othersAt;
  private byte geoAt;

  long firstTime = Long.MAX_VALUE;
  long lastTime = Long.MIN_VALUE;
  long lastLocTime = Long.MIN_VALUE;
  double lastLat = Double.NaN;
  double lastLon = Double.NaN;

  /** The latest label time of any fraud label given to this entity's events (running risk counts need it). */
  long maxFraudLabelTime = Long.MIN_VALUE;
  /** Window bounds and aggregates (longs as pairs of ints), laid out by {@link Windows}; {@code null} until needed. */
  int[] win;
  /** Distinct-key multisets of the windows that need one now, or {@code null} entries. */
  IntCounts[] sets;
  /** The event time the windows are positioned at; {@code Long.MIN_VALUE}: not yet, every window empty. */
  long at = Long.MIN_VALUE;
  /**
   * The newest of this state's labels waiting in DeferredLabels (a record there, chained to the older ones), or -1.
   * Written under the DeferredLabels' lock; read by a drain under this state's lock (see DeferredLabels.drain).
   */
  int parked = -1;

  EntityState(boolean labels, int otherColumns, boolean geo, int capacity) {
    if (otherColumns < 0 || otherColumns > MAX_OTHER_COLUMNS) {
      throw new IllegalArgumentException(
          "otherColumns must be in [0, " + MAX_OTHER_COLUMNS + "], got " + otherColumns);
    }
    if (capacity < 0) {
      throw new IllegalArgumentException("capacity must not be negative, got " + capacity);
    }
    this.labelled = labels;
    this.located = geo;
    this.otherCount = (byte) otherColumns;
    layout(false, false);
    data = new int[capacity * width];
  }

  /** Sets the row layout for the given field widths. */
  private void layout(boolean longTimes, boolean doubleAmounts) {
    wideTime = longTimes;
    wideAmount = doubleAmounts;
    int at = longTimes ? 2 : 1;
    amountAt = (byte) at;
    at += doubleAmounts ? 2 : 1;
    hashAt = (byte) (labelled ? at : -1);
    at += labelled ? 4 : 0;
    othersAt = (byte) at;
    at += otherCount;
    geoAt = (byte) (located ? at : -1);
    at += located ? 2 : 0;
    width = (byte) at;
  }

  /** Builds the state an external store's history describes, with the row fields of the group reading it. */
  static EntityState of(EntityStore.History h, boolean labels, int otherColumns, boolean geo) {
    List<EntityStore.Event> events = h.events();
    int n = events.size();
    EntityState s = new EntityState(labels, otherColumns, geo, Math.max(1, n));
    for (int i = 0; i < n; i++) {
      EntityStore.Event e = events.get(i);
      s.load(e.time(), e.amount());
      if (labels) {
        byte label = e.label() == null ? NO_LABEL : e.label() == Label.FRAUD ? FRAUD : LEGITIMATE;
        s.setLabel(i, e.txHash(), label, e.labelTime());
      }
      int[] others = e.others();
      for (int c = 0; c < otherColumns; c++) {
        s.setOther(i, c, c < others.length ? others[c] : 0);
      }
      if (geo) {
        s.setLocation(i, (float) e.latitude(), (float) e.longitude());
      }
    }
    s.firstTime = h.firstTime();
    s.lastTime = h.lastTime();
    s.lastLocTime = h.lastLocationTime();
    s.lastLat = h.lastLatitude();
    s.lastLon = h.lastLongitude();
    return s;
  }

  /**
   * Appends an event's time and amount at the end of a state being loaded (other fields are set by the caller with
   * {@link #setLabel}, {@link #setOther} and {@link #setLocation}), in time order. The array must have room.
   */
  void load(long t, double amt) {
    fitTime(t);
    fitAmount(amt);
    int pos = end();
    setTime(pos, t);
    setAmount(pos, amt);
    size++;
  }

  /** Index one past the newest event. */
  int end() {
    return head + size;
  }

  /** Whether rows hold the transaction-id hash, label and label time. */
  boolean labelled() {
    return labelled;
  }

  /** Whether rows hold a location. */
  boolean located() {
    return located;
  }

  /** The number of other-key fields per row. */
  int otherColumns() {
    return otherCount;
  }

  /** The long stored as two ints at {@code i} (high half first). */
  static long getLong(int[] a, int i) {
    return (long) a[i] << 32 | a[i + 1] & 0xFFFF_FFFFL;
  }

  /** Stores a long as two ints at {@code i} (high half first). */
  static void setLong(int[] a, int i, long v) {
    a[i] = (int) (v >>> 32);
    a[i + 1] = (int) v;
  }

  /** The event time at index {@code i}. */
  long time(int i) {
    int r = i * width;
    return wideTime ? getLong(data, r) : base + data[r];
  }

  /** The amount at index {@code i}. */
  double amount(int i) {
    int r = i * width + amountAt;
    return wideAmount ? Double.longBitsToDouble(getLong(data, r)) : data[r] / SCALE;
  }

  /** The amount at index {@code i} in units of 1 / SCALE, or {@link #NOT_UNITS}. */
  long amountUnits(int i) {
    int r = i * width + amountAt;
    return wideAmount ? units(Double.longBitsToDouble(getLong(data, r))) : data[r];
  }

  /** The transaction-id hash of the event at index {@code i} (labelled states only). */
  int txHash(int i) {
    return data[i * width + hashAt];
  }

  /** The label of the event at index {@code i} (labelled states only). */
  byte label(int i) {
    return (byte) data[i * width + hashAt + 1];
  }

  /** When the label of the event at index {@code i} became known (labelled states only). */
  long labelTime(int i) {
    return getLong(data, i * width + hashAt + 2);
  }

  /** Other-key column {@code c} of the event at index {@code i}. */
  int other(int i, int c) {
    return data[i * width + othersAt + c];
  }

  /** The latitude of the event at index {@code i} (located states only; NaN: no location). */
  float latitude(int i) {
    return Float.intBitsToFloat(data[i * width + geoAt]);
  }

  /** The longitude of the event at index {@code i} (located states only). */
  float longitude(int i) {
    return Float.intBitsToFloat(data[i * width + geoAt + 1]);
  }

  /** Sets the id hash, label and label time of the event at index {@code i}, keeping maxFraudLabelTime. */
  void setLabel(int i, int hash, byte label, long labelTime) {
    int r = i * width + hashAt;
    data[r] = hash;
    data[r + 1] = label;
    setLong(data, r + 2, labelTime);
    if (label == FRAUD) {
      maxFraudLabelTime = Math.max(maxFraudLabelTime, labelTime);
    }
  }

  /** Sets other-key column {@code c} of the event at index {@code i}. */
  void setOther(int i, int c, int key) {
    data[i * width + othersAt + c] = key;
  }

  /** Sets the location of the event at index {@code i}. */
  void setLocation(int i, float latitude, float longitude) {
    int r = i * width + geoAt;
    data[r] = Float.floatToRawIntBits(latitude);
    data[r + 1] = Float.floatToRawIntBits(longitude);
  }

  /**
   * Returns an amount as a whole number of units of 1 / SCALE when it is exactly the double nearest to one (and
   * under 2^40 units in magnitude, so that sums of up to a million fit a long), else {@link #NOT_UNITS}.
   */
  static long units(double amount) {
    double scaled = amount * SCALE;
    if (!(Math.abs(scaled) < MAX_UNITS)) {
      return NOT_UNITS;
    }
    long u = Math.round(scaled);
    return Double.doubleToRawLongBits(u / SCALE) == Double.doubleToRawLongBits(amount) ? u : NOT_UNITS;
  }

  private void setTime(int i, long t) {
    int r = i * width;
    if (wideTime) {
      setLong(data, r, t);
    } else {
      data[r] = (int) (t - base);
    }
  }

  private void setAmount(int i, double amt) {
    int r = i * width + amountAt;
    if (wideAmount) {
      setLong(data, r, Double.doubleToRawLongBits(amt));
    } else {
      data[r] = (int) units(amt);
    }
  }

  /** Makes sure time {@code t} can be stored with the events held: moves the base, or falls back to long times. */
  private void fitTime(long t) {
    if (wideTime) {
      return;
    }
    if (size == 0) {
      base = t;
      return;
    }
    long offset = t - base;
    if (offset >= Integer.MIN_VALUE && offset <= Integer.MAX_VALUE) {
      return;
    }
    int end = end();
    long low = Math.min(t, time(head));
    long high = Math.max(t, time(end - 1));
    if (high - low < SPAN) {
      // Put the lowest time a quarter of the free room above the int range's bottom: room for late events
      // below it, and three quarters of it for the times to come.
      long newBase = low - Integer.MIN_VALUE - (SPAN - (high - low)) / 4;
      int shift = (int) (base - newBase);
      int w = width;
      for (int r = head * w; r < end * w; r += w) {
        data[r] += shift;
      }
      base = newBase;
      return;
    }
    relayout(true, wideAmount);
  }

  /** Makes sure {@code amt} can be stored exactly: falls back to double amounts when it is not a whole int. */
  private void fitAmount(double amt) {
    if (wideAmount) {
      return;
    }
    long u = units(amt);
    if (u != NOT_UNITS && u >= Integer.MIN_VALUE && u <= Integer.MAX_VALUE) {
      return;
    }
    relayout(wideTime, true);
  }

  /** Rewrites every row for new field widths, at the same indices and capacity. */
  private void relayout(boolean longTimes, boolean doubleAmounts) {
    int[] old = data;
    int oldWidth = width;
    int oldRest = amountAt + (wideAmount ? 2 : 1);
    int capacity = old.length / oldWidth;
    long[] times = new long[size];
    double[] amounts = new double[size];
    int end = end();
    for (int i = head; i < end; i++) {
      times[i - head] = time(i);
      amounts[i - head] = amount(i);
    }
    layout(longTimes, doubleAmounts);
    int rest = amountAt + (wideAmount ? 2 : 1);
    data = new int[capacity * width];
    for (int i = head; i < end; i++) {
      setTime(i, times[i - head]);
      setAmount(i, amounts[i - head]);
      System.arraycopy(old, i * oldWidth + oldRest, data, i * width + rest, width - rest);
    }
  }

  /** Returns the first index in [from, to) whose time is after {@code key}, or {@code to}. */
  int upperBound(int from, int to, long key) {
    if (wideTime) {
      return upperBound(data, width, true, from, to, key);
    }
    // an int offset compares with key - base as its time with key; saturated, should the difference overflow
    long k = key - base;
    if (((key ^ base) & (key ^ k)) < 0) {
      k = key < base ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return upperBound(data, width, false, from, to, k);
  }

  /**
   * The first index whose time is after {@code t} (as {@link #upperBound} over [head, end)): pruning usually drops
   * the oldest one or two events, so the rows after head are looked at first (one or two cache lines), and only
   * beyond them a binary search over the rest (a cold line per step).
   */
  private int firstAfter(long t) {
    int end = end();
    int i = head;
    for (int n = 0; n < 4 && i < end; n++, i++) {
      if (time(i) > t) {
        return i;
      }
    }
    return upperBound(i, end, t);
  }

  /**
   * The first index whose time is after {@code t} (as {@link #upperBound} over [head, end)), for a label: the search
   * is first narrowed by the rows at the windows' bounds, which the transaction being processed has loaded (see
   * OnlineFeaturePipeline.process; any row index in [head, end) narrows correctly, however stale), then the next rows
   * are looked at (a delayed label's event usually sits at the upper bound of a label-delayed window), and only beyond
   * them a binary search over the rest. A plain binary search over every event cost a cold line a step.
   */
  private int labelledFirstAfter(long t, Windows windows) {
    int lo = head;
    int hi = end();
    int[] w = win;
    if (w != null) {
      for (int k = 0, n = Math.min(2 * windows.slots(), w.length); k < n; k++) {
        int b = w[k];
        if (b >= lo && b < hi) {
          if (time(b) <= t) {
            lo = b + 1;
          } else {
            hi = b;
          }
        }
      }
    }
    for (int n = 0; n < 2 && lo < hi; n++, lo++) {
      if (time(lo) > t) {
        return lo;
      }
    }
    return upperBound(lo, hi, t);
  }

  /**
   * Returns the first row in [from, to) whose value at the row's start (a long as two ints when {@code wide}, else
   * an int; rows {@code width} ints apart) is after {@code key}, or {@code to}. Branch-free halving (the comparison
   * becomes a conditional move): the times are unpredictable, so a branchy search mispredicts about every other step.
   */
  static int upperBound(int[] rows, int width, boolean wide, int from, int to, long key) {
    int n = to - from;
    if (n <= 0) {
      return from;
    }
    int base = from;
    while (n > 1) {
      int half = n >>> 1;
      int r = (base + half) * width;
      base = (wide ? getLong(rows, r) : rows[r]) <= key ? base + half : base;
      n -= half;
    }
    int r = base * width;
    return (wide ? getLong(rows, r) : rows[r]) <= key ? base + 1 : base;
  }

  /**
   * Records an event at its place in time order (its other-key column {@code c} gets
   * {@code keyHashes[otherIndex[c]]}) (after every event at the same time), dropping events at or
   * before {@code newest - retention} and the oldest ones beyond {@code maxEvents}, and keeps the windows'
   * aggregates in step.
   *
   * @return the number of events dropped because of {@code maxEvents}
   */
  int record(long t, double amt, int hash, int[] keyHashes, int[] otherIndex, double latitude, double longitude,
      long retention, int maxEvents, Windows windows) {
    firstTime = Math.min(firstTime, t);
    lastTime = Math.max(lastTime, t);
    if (!Double.isNaN(latitude) && t >= lastLocTime) {
      lastLocTime = t;
      lastLat = latitude;
      lastLon = longitude;
    }
    long cutoff = lastTime - retention;
    int from = head;
    int end = end();
    int keep = size > 0 && time(head) <= cutoff ? firstAfter(cutoff) : head;
    int dropped = Math.max(0, (end - keep) - (maxEvents - 1));
    keep += dropped;
    if (keep > from) {
      windows.dropFront(this, keep);
      size -= keep - from;
      head = keep;
    }
    if (size == 0 && head != 0) {
      windows.shift(this, -head);
      head = 0;
    }
    if (t <= cutoff) {
      return dropped;
    }
    fitTime(t);
    fitAmount(amt);
    ensureRoom(windows);
    int pos = end();
    while (pos > head && time(pos - 1) > t) {
      pos--;
    }
    int tail = end() - pos;
    int w = width;
    if (tail > 0) {
      System.arraycopy(data, pos * w, data, (pos + 1) * w, tail * w);
    }
    setTime(pos, t);
    setAmount(pos, amt);
    if (labelled) {
      int r = pos * w + hashAt;
      data[r] = hash;
      data[r + 1] = NO_LABEL;
      data[r + 2] = 0;
      data[r + 3] = 0;
    }
    int o = pos * w + othersAt;
    for (int c = 0; c < otherCount; c++) {
      data[o + c] = keyHashes[otherIndex[c]];
    }
    if (located) {
      setLocation(pos, (float) latitude, (float) longitude);
    }
    size++;
    windows.inserted(this, pos, t);
    return dropped;
  }

  private int capacity() {
    return data.length / width;
  }

  private void ensureRoom(Windows windows) {
    int length = capacity();
    if (end() < length) {
      return;
    }
    // Compact in place while that leaves at least an eighth of the rows free and they are at most 1.4 times
    // what is needed. Else: an entity still growing (less than an eighth free) moves to half as many rows again as
    // it needs (geometric growth: one copy every n/2 appends while its retention fills up, where a sixth more made
    // one every n/6, allocating twice as much and leaving the old arrays to the old generation); one that shrank
    // moves to a sixth more than needed. Pruning moves head forward as fast as appends move the end, so an array
    // sized once for a peak would otherwise stay mostly empty: a steady entity's rows stay within about 1.1 to 1.4
    // times its events (the first compaction after growth shrinks a larger array), for one copy every size/8 appends.
    int n = size + 1;
    int capacity = length < n + (n >> 3) + 1 ? n + (n >> 1) + 2
        : length > n + (n >> 2) + (n >> 3) + 4 ? n + n / 6 + 2 : length;
    int w = width;
    if (capacity == length) {
      // In place, storing no reference: a reference stored into an old object dirties its card (G1's write barrier
      // does not look at whether the value changed), and every dirty card is scanned by the next young collection.
      System.arraycopy(data, head * w, data, 0, size * w);
    } else {
      int[] moved = new int[capacity * w];
      System.arraycopy(data, head * w, moved, 0, size * w);
      data = moved;
    }
    windows.shift(this, -head);
    head = 0;
  }

  /**
   * Sets the label of the event with this time and transaction-id hash, keeping the windows' fraud counts in step.
   *
   * @return whether the event was found
   */
  boolean applyLabel(long t, int hash, byte value, long at, Windows windows) {
    if (!labelled) {
      return false;
    }
    int end = end();
    // The first event at t: the first after t - 1 (t > Long.MIN_VALUE, as no event is recorded at it).
    int lo = t == Long.MIN_VALUE ? head : labelledFirstAfter(t - 1, windows);
    for (int i = lo; i < end && time(i) == t; i++) {
      if (txHash(i) == hash) {
        byte old = label(i);
        setLabel(i, hash, value, at);
        windows.relabelled(this, i, old, value);
        return true;
      }
    }
    return false;
  }

  /**
   * The first level of the racy warm-up (see OnlineFeaturePipeline.process): reads, without the lock, a field at
   * each end of this object (a long, laid out first, and a reference, laid out last), so that both of its cache
   * lines are on their way. Nothing is written.
   */
  int touchState() {
    return (int) firstTime + (data == null ? 0 : 1) + (sets == null ? 0 : 2);
  }

  /**
   * The second level: reads, without the lock, the headers of the rows, of the window array (whose first line also
   * holds the window bounds) and of the multiset array, so that the next level can load the rows at the bounds.
   * Racy; nothing is written.
   */
  int touchHeaders() {
    int x = head + size + data.length;
    int[] w = win;
    x += w == null || w.length == 0 ? 0 : w[0];
    IntCounts[] c = sets;
    return c == null || c.length == 0 || c[0] == null ? x : x + 1;
  }

  /**
   * The third level: reads, without the lock, one int in every further cache line of the window array (its
   * aggregates): 16 ints apart and the last one, so that every 64-byte line it spans is loaded, each with one load
   * instead of one per int; and the distinct-key multiset objects, for the cells a next level reads (see
   * Windows.touchSets). Racy; nothing is written.
   */
  int touchWindows() {
    int[] w = win;
    if (w == null || w.length == 0) {
      return 0;
    }
    int x = w[w.length - 1];
    for (int k = 16; k < w.length; k += 16) {
      x += w[k];
    }
    IntCounts[] c = sets;
    if (c != null) {
      for (IntCounts counts : c) {
        x += counts == null ? 0 : counts.touchObject();
      }
    }
    return x;
  }

  /**
   * Reads, without the lock, the rows a transaction will read or write (the newest event, the events at both bounds
   * of every window: the first {@code bounds} ints of {@link #win}; a row's first and last int, as a row may span two
   * cache lines) and returns their sum: a racy read that only warms the caches before the state is locked (see
   * OnlineFeaturePipeline.process). Every index is checked against the array it reads, whatever a concurrent
   * writer is doing; nothing is written.
   */
  int touch(int bounds) {
    int[] d = data;
    int w = width;
    int last = w - 1;
    int x = 0;
    int rows = d.length / w;
    int[] win = this.win;
    if (win != null) {
      for (int k = 0; k < win.length && k < bounds; k++) {
        int b = win[k];
        if (b >= 0 && b < rows) {
          x += d[b * w] + d[b * w + last];
        }
      }
    }
    int i = head + size - 1;
    if (i >= 0 && i < rows) {
      x += d[i * w] + d[i * w + last];
    }
    return x;
  }

  /** Returns the index of the newest located event at or before {@code t}, or -1. */
  int lastLocatedAtOrBefore(long t) {
    for (int i = end() - 1; i >= head; i--) {
      if (time(i) <= t && !Float.isNaN(latitude(i))) {
        return i;
      }
    }
    return -1;
  }

  /** Returns the newest event time at or before {@code t}, or {@code Long.MIN_VALUE}. */
  long lastTimeAtOrBefore(long t) {
    if (lastTime <= t) {
      return lastTime;
    }
    for (int i = end() - 1; i >= head; i--) {
      long ti = time(i);
      if (ti <= t) {
        return ti;
      }
    }
    return Long.MIN_VALUE;
  }

  /** Approximate heap bytes held, for the published memory figure. */
  long bytes() {
    long b = 12 + 4L * 3 + 4 * 3 + 8 * 8 + 8 + 8;
    b += 16 + 4L * data.length;
    if (win != null) {
      b += 16 + 4L * win.length;
    }
    if (sets != null) {
      b += 16 + 4L * sets.length;
      for (IntCounts c : sets) {
        b += c == null ? 0 : c.bytes();
      }
    }
    return b;
  }
}
