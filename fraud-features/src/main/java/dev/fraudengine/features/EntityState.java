package dev.fraudengine.features;

import dev.fraudengine.core.Label;
import java.util.List;

/*
 * What the pipeline remembers of one entity (one card, one terminal...): its recent events in event-time order,
 * stored column-wise in parallel primitive arrays (no object per event), plus a few all-time fields (first and
 * latest event time, latest location) that outlive pruning.
 *
 * Events live in [head, head + size) of the arrays: appending in order is O(1), an out-of-order event is inserted
 * by shifting the few later ones, and pruning old events moves head forward; when the end is reached, the arrays
 * are compacted in place if at most three quarters full, else grown by half. Columns a group does not need (id
 * hashes and labels, other keys, locations) are never allocated.
 *
 * Not thread-safe: the owning EntityGroup locks the instance around every read and write.
 */
final class EntityState {
  static final byte NO_LABEL = 0;
  static final byte FRAUD = 1;
  static final byte LEGITIMATE = 2;
  private static final int[][] NO_COLUMNS = new int[0][];

  long[] time;
  double[] amount;
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

  EntityState(boolean labels, int otherColumns, boolean geo, int capacity) {
    time = new long[capacity];
    amount = new double[capacity];
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
      s.time[i] = e.time();
      s.amount[i] = e.amount();
      if (labels) {
        s.txHash[i] = e.txHash();
        s.label[i] = e.label() == null ? NO_LABEL : e.label() == Label.FRAUD ? FRAUD : LEGITIMATE;
        s.labelTime[i] = e.labelTime();
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
    s.size = n;
    s.firstTime = h.firstTime();
    s.lastTime = h.lastTime();
    s.lastLocTime = h.lastLocationTime();
    s.lastLat = h.lastLatitude();
    s.lastLon = h.lastLongitude();
    return s;
  }

  /** Index one past the newest event. */
  int end() {
    return head + size;
  }

  /**
   * Records an event at its place in time order (after every event at the same time), dropping events at or
   * before {@code newest - retention} and the oldest ones beyond {@code maxEvents}.
   *
   * @return the number of events dropped because of {@code maxEvents}
   */
  int record(long t, double amt, int hash, int[] otherHashes, double latitude, double longitude, long retention,
      int maxEvents) {
    firstTime = Math.min(firstTime, t);
    lastTime = Math.max(lastTime, t);
    if (!Double.isNaN(latitude) && t >= lastLocTime) {
      lastLocTime = t;
      lastLat = latitude;
      lastLon = longitude;
    }
    long cutoff = lastTime - retention;
    while (size > 0 && time[head] <= cutoff) {
      head++;
      size--;
    }
    int dropped = 0;
    while (size >= maxEvents) {
      head++;
      size--;
      dropped++;
    }
    if (size == 0) {
      head = 0;
    }
    if (t <= cutoff) {
      return dropped;
    }
    ensureRoom();
    int pos = end();
    while (pos > head && time[pos - 1] > t) {
      pos--;
    }
    int tail = end() - pos;
    if (tail > 0) {
      shift(pos, tail);
    }
    time[pos] = t;
    amount[pos] = amt;
    if (label != null) {
      txHash[pos] = hash;
      label[pos] = NO_LABEL;
      labelTime[pos] = 0;
    }
    for (int i = 0; i < others.length; i++) {
      others[i][pos] = otherHashes[i];
    }
    if (lat != null) {
      lat[pos] = (float) latitude;
      lon[pos] = (float) longitude;
    }
    size++;
    return dropped;
  }

  private void shift(int pos, int tail) {
    System.arraycopy(time, pos, time, pos + 1, tail);
    System.arraycopy(amount, pos, amount, pos + 1, tail);
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

  private void ensureRoom() {
    if (end() < time.length) {
      return;
    }
    // Compact in place while that leaves between an eighth and a third of the arrays free; else resize to a
    // quarter more than needed. Pruning moves head forward as fast as appends move the end, so arrays sized once
    // for a peak would otherwise stay mostly empty: this keeps an entity's arrays within about 1.1 to 1.5 times
    // its events, for one copy of its events every size/8 to size/4 appends.
    int n = size + 1;
    int length = time.length;
    int capacity = length < n + (n >> 3) + 1 || length > n + (n >> 1) + 4 ? n + (n >> 2) + 2 : length;
    time = move(time, capacity);
    amount = move(amount, capacity);
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
    head = 0;
  }

  private long[] move(long[] a, int capacity) {
    long[] b = capacity == a.length ? a : new long[capacity];
    System.arraycopy(a, head, b, 0, size);
    return b;
  }

  private double[] move(double[] a, int capacity) {
    double[] b = capacity == a.length ? a : new double[capacity];
    System.arraycopy(a, head, b, 0, size);
    return b;
  }

  private int[] move(int[] a, int capacity) {
    int[] b = capacity == a.length ? a : new int[capacity];
    System.arraycopy(a, head, b, 0, size);
    return b;
  }

  private byte[] move(byte[] a, int capacity) {
    byte[] b = capacity == a.length ? a : new byte[capacity];
    System.arraycopy(a, head, b, 0, size);
    return b;
  }

  private float[] move(float[] a, int capacity) {
    float[] b = capacity == a.length ? a : new float[capacity];
    System.arraycopy(a, head, b, 0, size);
    return b;
  }

  /**
   * Sets the label of the event with this time and transaction-id hash.
   *
   * @return whether the event was found
   */
  boolean applyLabel(long t, int hash, byte value, long at) {
    if (label == null) {
      return false;
    }
    int end = end();
    // The first event at t: the first after t - 1 (t > Long.MIN_VALUE, as no event is recorded at it).
    int lo = t == Long.MIN_VALUE ? head : EntityGroup.upperBound(time, head, end, t - 1);
    for (int i = lo; i < end && time[i] == t; i++) {
      if (txHash[i] == hash) {
        label[i] = value;
        labelTime[i] = at;
        return true;
      }
    }
    return false;
  }

  /** Returns the index of the newest located event at or before {@code t}, or -1. */
  int lastLocatedAtOrBefore(long t) {
    for (int i = end() - 1; i >= head; i--) {
      if (time[i] <= t && !Float.isNaN(lat[i])) {
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
      if (time[i] <= t) {
        return time[i];
      }
    }
    return Long.MIN_VALUE;
  }

  /** Approximate heap bytes held, for the published memory figure. */
  long bytes() {
    long b = 16 + 8L * 9 + 4 * 2 + 8 * 5;
    b += 16 + 8L * time.length + 16 + 8L * amount.length;
    if (label != null) {
      b += 16 + 4L * txHash.length + 16 + label.length + 16 + 8L * labelTime.length;
    }
    for (int[] o : others) {
      b += 16 + 4L * o.length;
    }
    if (lat != null) {
      b += 2 * (16 + 4L * lat.length);
    }
    return b;
  }
}
