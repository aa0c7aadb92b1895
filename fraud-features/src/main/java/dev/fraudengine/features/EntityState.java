package dev.fraudengine.features;

import dev.fraudengine.core.Label;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/*
 * What the pipeline remembers of one entity (one card, one terminal...): its recent events in event-time order,
 * stored column-wise in parallel primitive arrays (no object per event), a few all-time fields (first and latest
 * event time, latest location) that outlive pruning, and the running aggregates of its sliding windows (see
 * Windows, which owns their layout and upkeep).
 *
 * Events live in [head, head + size) of the arrays: appending in order is O(1), an out-of-order event is inserted
 * by shifting the few later ones, and pruning old events moves head forward; when the end is reached, the arrays
 * are compacted in place while that leaves enough room, else resized to a little more than needed. Columns a group
 * does not need (id hashes and labels, other keys, locations) are never allocated.
 *
 * Compact columns: an event time is kept as an int offset in milliseconds from a per-entity base (the retained
 * events of an entity span less than 2^32 ms, about 49 days, for every window up to 48 days; the base moves when
 * the span requires it, and an entity whose events span more falls back to long times), and an amount as an int
 * number of ten-thousandths when it is exactly one (the double nearest to units / 10^4, as decimal money amounts
 * are), else the whole column falls back to doubles. Either way the values read back are exactly the ones given.
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
  private static final int[][] NO_COLUMNS = new int[0][];

  /** Event times as offsets from {@link #base}, or {@code null} when {@link #ltime} holds them. */
  int[] itime;
  long[] ltime;
  long base;
  /** Amounts in units of 1 / SCALE, or {@code null} when {@link #damount} holds them. */
  int[] iamount;
  double[] damount;
  int[] txHash;
  byte[] label;
  long[] labelTime;
  int[][] others;
  float[] lat;
  float[] lon;
  int head;
  int size;

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
  /** A random number, the key of this state's labels waiting in DeferredLabels (not unique: only a hash). */
  final int serial;

  EntityState(boolean labels, int otherColumns, boolean geo, int capacity) {
    this(labels, otherColumns, geo, capacity, ThreadLocalRandom.current().nextInt());
  }

  /** As above, with a given serial (tests: states sharing one). */
  EntityState(boolean labels, int otherColumns, boolean geo, int capacity, int serial) {
    this.serial = serial;
    itime = new int[capacity];
    iamount = new int[capacity];
    if (labels) {
      txHash = new int[capacity];
      label = new byte[capacity];
      labelTime = new long[capacity];
    }
    others = otherColumns == 0 ? NO_COLUMNS : new int[otherColumns][];
    for (int i = 0; i < otherColumns; i++) {
      others[i] = new int[capacity];
    }
    if (geo) {
      lat = new float[capacity];
      lon = new float[capacity];
    }
  }

  /** Builds the state an external store's history describes, with the columns of the group reading it. */
  static EntityState of(EntityStore.History h, boolean labels, int otherColumns, boolean geo) {
    List<EntityStore.Event> events = h.events();
    int n = events.size();
    EntityState s = new EntityState(labels, otherColumns, geo, Math.max(1, n));
    for (int i = 0; i < n; i++) {
      EntityStore.Event e = events.get(i);
      s.load(e.time(), e.amount());
      if (labels) {
        s.txHash[i] = e.txHash();
        s.label[i] = e.label() == null ? NO_LABEL : e.label() == Label.FRAUD ? FRAUD : LEGITIMATE;
        s.labelTime[i] = e.labelTime();
        if (s.label[i] == FRAUD) {
          s.maxFraudLabelTime = Math.max(s.maxFraudLabelTime, s.labelTime[i]);
        }
      }
      if (otherColumns > 0) {
        int[] others = e.others();
        for (int c = 0; c < otherColumns; c++) {
          s.others[c][i] = c < others.length ? others[c] : 0;
        }
      }
      if (geo) {
        s.lat[i] = (float) e.latitude();
        s.lon[i] = (float) e.longitude();
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
   * Appends an event's time and amount at the end of a state being loaded (other columns are set by the caller),
   * in time order. The arrays must have room.
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

  /** The event time at index {@code i}. */
  long time(int i) {
    return itime != null ? base + itime[i] : ltime[i];
  }

  /** The amount at index {@code i}. */
  double amount(int i) {
    return iamount != null ? iamount[i] / SCALE : damount[i];
  }

  /** The amount at index {@code i} in units of 1 / SCALE, or {@link #NOT_UNITS}. */
  long amountUnits(int i) {
    return iamount != null ? iamount[i] : units(damount[i]);
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
    if (itime != null) {
      itime[i] = (int) (t - base);
    } else {
      ltime[i] = t;
    }
  }

  private void setAmount(int i, double amt) {
    if (iamount != null) {
      iamount[i] = (int) units(amt);
    } else {
      damount[i] = amt;
    }
  }

  /** Makes sure time {@code t} can be stored with the events held: moves the base, or falls back to long times. */
  private void fitTime(long t) {
    if (itime == null) {
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
    long low = Math.min(t, base + itime[head]);
    long high = Math.max(t, base + itime[end - 1]);
    if (high - low < SPAN) {
      // Put the lowest time a quarter of the free room above the int range's bottom: room for late events
      // below it, and three quarters of it for the times to come.
      long newBase = low - Integer.MIN_VALUE - (SPAN - (high - low)) / 4;
      long shift = base - newBase;
      for (int i = head; i < end; i++) {
        itime[i] = (int) (itime[i] + shift);
      }
      base = newBase;
      return;
    }
    long[] l = new long[itime.length];
    for (int i = head; i < end; i++) {
      l[i] = base + itime[i];
    }
    ltime = l;
    itime = null;
  }

  /** Makes sure {@code amt} can be stored exactly: falls back to a double column when it is not a whole int. */
  private void fitAmount(double amt) {
    if (iamount == null) {
      return;
    }
    long u = units(amt);
    if (u != NOT_UNITS && u >= Integer.MIN_VALUE && u <= Integer.MAX_VALUE) {
      return;
    }
    double[] d = new double[iamount.length];
    int end = end();
    for (int i = head; i < end; i++) {
      d[i] = iamount[i] / SCALE;
    }
    damount = d;
    iamount = null;
  }

  /** Returns the first index in [from, to) whose time is after {@code key}, or {@code to}. */
  int upperBound(int from, int to, long key) {
    if (itime == null) {
      return EntityGroup.upperBound(ltime, from, to, key);
    }
    long k = key - base;
    if (k < Integer.MIN_VALUE) {
      return from;
    }
    if (k >= Integer.MAX_VALUE) {
      return to;
    }
    return EntityGroup.upperBound(itime, from, to, (int) k);
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
    int keep = size > 0 && time(head) <= cutoff ? upperBound(head, end, cutoff) : head;
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
    if (tail > 0) {
      shift(pos, tail);
    }
    setTime(pos, t);
    setAmount(pos, amt);
    if (label != null) {
      txHash[pos] = hash;
      label[pos] = NO_LABEL;
      labelTime[pos] = 0;
    }
    for (int i = 0; i < others.length; i++) {
      others[i][pos] = keyHashes[otherIndex[i]];
    }
    if (lat != null) {
      lat[pos] = (float) latitude;
      lon[pos] = (float) longitude;
    }
    size++;
    windows.inserted(this, pos, t);
    return dropped;
  }

  private void shift(int pos, int tail) {
    if (itime != null) {
      System.arraycopy(itime, pos, itime, pos + 1, tail);
    } else {
      System.arraycopy(ltime, pos, ltime, pos + 1, tail);
    }
    if (iamount != null) {
      System.arraycopy(iamount, pos, iamount, pos + 1, tail);
    } else {
      System.arraycopy(damount, pos, damount, pos + 1, tail);
    }
    if (label != null) {
      System.arraycopy(txHash, pos, txHash, pos + 1, tail);
      System.arraycopy(label, pos, label, pos + 1, tail);
      System.arraycopy(labelTime, pos, labelTime, pos + 1, tail);
    }
    for (int[] o : others) {
      System.arraycopy(o, pos, o, pos + 1, tail);
    }
    if (lat != null) {
      System.arraycopy(lat, pos, lat, pos + 1, tail);
      System.arraycopy(lon, pos, lon, pos + 1, tail);
    }
  }

  private int capacity() {
    return itime != null ? itime.length : ltime.length;
  }

  private void ensureRoom(Windows windows) {
    int length = capacity();
    if (end() < length) {
      return;
    }
    // Compact in place while that leaves at least an eighth of the arrays free and they are at most 1.4 times
    // what is needed; else resize to a sixth more than needed (at least 2 more). Pruning moves head forward as
    // fast as appends move the end, so arrays sized once for a peak would otherwise stay mostly empty: this keeps
    // an entity's arrays within about 1.1 to 1.4 times its events, for one copy of them every size/8 to size/6
    // appends, and an entity's many small arrays close to its need.
    int n = size + 1;
    int capacity = length < n + (n >> 3) + 1 || length > n + (n >> 2) + (n >> 3) + 4 ? n + n / 6 + 2 : length;
    if (capacity == length) {
      // In place, storing no reference: a reference stored into an old object dirties its card (G1's write barrier
      // does not look at whether the value changed), and every dirty card is scanned by the next young collection.
      compactInPlace();
    } else {
      reallocate(capacity);
    }
    windows.shift(this, -head);
    head = 0;
  }

  private void compactInPlace() {
    slide(itime != null ? itime : ltime);
    slide(iamount != null ? iamount : damount);
    if (label != null) {
      slide(txHash);
      slide(label);
      slide(labelTime);
    }
    for (int[] o : others) {
      slide(o);
    }
    if (lat != null) {
      slide(lat);
      slide(lon);
    }
  }

  /** Moves the events of a primitive column to its start. */
  private void slide(Object column) {
    System.arraycopy(column, head, column, 0, size);
  }

  private void reallocate(int capacity) {
    if (itime != null) {
      itime = move(itime, capacity);
    } else {
      ltime = move(ltime, capacity);
    }
    if (iamount != null) {
      iamount = move(iamount, capacity);
    } else {
      damount = move(damount, capacity);
    }
    if (label != null) {
      txHash = move(txHash, capacity);
      label = move(label, capacity);
      labelTime = move(labelTime, capacity);
    }
    for (int i = 0; i < others.length; i++) {
      others[i] = move(others[i], capacity);
    }
    if (lat != null) {
      lat = move(lat, capacity);
      lon = move(lon, capacity);
    }
  }

  private long[] move(long[] a, int capacity) {
    long[] b = new long[capacity];
    System.arraycopy(a, head, b, 0, size);
    return b;
  }

  private double[] move(double[] a, int capacity) {
    double[] b = new double[capacity];
    System.arraycopy(a, head, b, 0, size);
    return b;
  }

  private int[] move(int[] a, int capacity) {
    int[] b = new int[capacity];
    System.arraycopy(a, head, b, 0, size);
    return b;
  }

  private byte[] move(byte[] a, int capacity) {
    byte[] b = new byte[capacity];
    System.arraycopy(a, head, b, 0, size);
    return b;
  }

  private float[] move(float[] a, int capacity) {
    float[] b = new float[capacity];
    System.arraycopy(a, head, b, 0, size);
    return b;
  }

  /**
   * Sets the label of the event with this time and transaction-id hash, keeping the windows' fraud counts in step.
   *
   * @return whether the event was found
   */
  boolean applyLabel(long t, int hash, byte value, long at, Windows windows) {
    if (label == null) {
      return false;
    }
    int end = end();
    // The first event at t: the first after t - 1 (t > Long.MIN_VALUE, as no event is recorded at it).
    int lo = t == Long.MIN_VALUE ? head : upperBound(head, end, t - 1);
    for (int i = lo; i < end && time(i) == t; i++) {
      if (txHash[i] == hash) {
        byte old = label[i];
        label[i] = value;
        labelTime[i] = at;
        if (value == FRAUD) {
          maxFraudLabelTime = Math.max(maxFraudLabelTime, at);
        }
        windows.relabelled(this, i, old, value);
        return true;
      }
    }
    return false;
  }

  /**
   * The first step of {@link #touch}: reads, without the lock, the fields, the window bounds and the columns'
   * lengths (their headers), so that the elements can be loaded in a next step. Racy; nothing is written.
   */
  int touchHeaders() {
    int x = head + size;
    int[] w = win;
    if (w != null) {
      for (int k = 0; k < w.length; k++) {
        x += w[k];
      }
    }
    int[] t = itime;
    int[] a = iamount;
    byte[] l = label;
    x += (t == null ? 0 : t.length) + (a == null ? 0 : a.length) + (l == null ? 0 : l.length);
    int[] h = txHash;
    long[] lt = labelTime;
    x += (h == null ? 0 : h.length) + (lt == null ? 0 : lt.length);
    for (int[] o : others) {
      x += o == null ? 0 : o.length;
    }
    float[] la = lat;
    float[] lo = lon;
    x += (la == null ? 0 : la.length) + (lo == null ? 0 : lo.length);
    return x;
  }

  /**
   * Reads, without the lock, one value from each column a transaction will read or write (the newest event, both
   * bounds of every window: the first {@code bounds} ints of {@link #win}) and returns their sum: a racy read that
   * only warms the caches before the state is locked (see OnlineFeaturePipeline.process). Every index is checked
   * against the array it reads, whatever a concurrent writer is doing; nothing is written.
   */
  int touch(int bounds) {
    int i = head + size - 1;
    int x = 0;
    int[] t = itime;
    int[] w = win;
    int[] a = iamount;
    byte[] l = label;
    if (w != null && t != null && a != null) {
      for (int k = 0; k < w.length && k < bounds; k++) {
        int b = w[k];
        if (b >= 0 && b < t.length && b < a.length) {
          x += t[b] + a[b];
          if (l != null && b < l.length) {
            x += l[b];
          }
        }
      }
    }
    if (i < 0) {
      return x;
    }
    if (t != null && i < t.length) {
      x += t[i];
    }
    if (a != null && i < a.length) {
      x += a[i];
    }
    if (l != null && i < l.length) {
      x += l[i];
    }
    int[] h = txHash;
    if (h != null && i < h.length) {
      x += h[i];
    }
    long[] lt = labelTime;
    if (lt != null && i < lt.length) {
      x += (int) lt[i];
    }
    for (int[] o : others) {
      if (o != null && i < o.length) {
        x += o[i];
      }
    }
    float[] la = lat;
    float[] lo = lon;
    if (la != null && lo != null && i < la.length && i < lo.length) {
      x += Float.floatToRawIntBits(la[i]) + Float.floatToRawIntBits(lo[i]);
    }
    return x;
  }

  /** Returns the index of the newest located event at or before {@code t}, or -1. */
  int lastLocatedAtOrBefore(long t) {
    for (int i = end() - 1; i >= head; i--) {
      if (time(i) <= t && !Float.isNaN(lat[i])) {
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
    long b = 12 + 4L * 12 + 4 * 3 + 8 * 8;
    b += itime != null ? 16 + 4L * itime.length : 16 + 8L * ltime.length;
    b += iamount != null ? 16 + 4L * iamount.length : 16 + 8L * damount.length;
    if (label != null) {
      b += 16 + 4L * txHash.length + 16 + label.length + 16 + 8L * labelTime.length;
    }
    for (int[] o : others) {
      b += 16 + 4L * o.length;
    }
    if (lat != null) {
      b += 2 * (16 + 4L * lat.length);
    }
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
