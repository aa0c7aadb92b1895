package dev.fraudengine.features;

/*
 * Exact sliding-window aggregates in O(1) amortized per event: the running count, sum, sum of squares, minimum,
 * maximum, fraud count and distinct keys of every window ("slot": one per distinct window length and label delay)
 * of an entity, kept in its EntityState and moved along as event time goes by, instead of a scan of the window at
 * every transaction.
 *
 * A slot (w, d) positioned at event time q covers the events with time in (q - d - w, q - d]: since events are kept
 * in time order, that is an index range [lo, hi). Moving to a later time advances hi over the events that enter
 * (adding them) and lo over those that leave (removing them): two-pointer sliding windows, each event entering and
 * leaving each slot once. A late transaction moves the pointers back the same way. An event inserted at its place
 * (late, or appended) enters the aggregates of every slot whose range its time falls in; pruned and dropped events
 * leave them; compaction only moves indices; a label given to an event inside a range updates its fraud count.
 *
 * Exactness: sums are integers. An amount that is a whole number of 1/10,000 units (decimal money) is added as a
 * long, its square as a 128-bit integer, so that the running value of a window depends only on the events in it,
 * never on the order they came and went in, and equals a fresh computation bit for bit (the sum read is the double
 * nearest the exact decimal sum). A window holding any other amount (more decimals, NaN, huge) falls back to
 * summing its doubles in time order, as a scan does. Minimum and maximum are kept as values and recomputed by a scan
 * when the event that may hold them leaves (O(1) amortized for amounts in random order, as the extreme of a window
 * rarely is its oldest event). A fraud count counts every fraud label in the range; it is what a feature reads only
 * while no fraud label of the entity has a label time after the transaction's time, else the range is scanned for
 * labels known at that time. Distinct keys: a window of more than 32 events keeps a multiset of its keys
 * (IntCounts); a smaller one is scanned, without allocating.
 *
 * Layout, all in one int array, EntityState.win (one object, one header and a few cache lines to load per entity):
 * per slot two ints of bounds (the first 2 * slots ints), then per slot optional ints (inexact-amount count, fraud
 * count, min/max validity), then per slot optional longs (sum, 128-bit sum of squares, min, max), each a pair of
 * ints (high half first). Stateless
 * and thread-safe itself; every method is called under the EntityState's lock.
 */
final class Windows {
  static final byte NEED_SUM = 1;
  static final byte NEED_SQUARES = 2;
  static final byte NEED_MIN_MAX = 4;
  static final byte NEED_FRAUDS = 8;
  private static final int SET_ABOVE = 32;
  private static final int SET_BELOW = 8;
  private static final double SCALE_SQUARED = EntityState.SCALE * EntityState.SCALE;
  private static final double TWO_64 = 0x1p64;

  private final int slots;
  private final long[] width;
  private final long[] delay;
  private final int[] badAt;
  private final int[] fraudAt;
  private final int[] validAt;
  private final int[] sumAt;
  private final int[] sqAt;
  private final int[] minAt;
  private final int[] maxAt;
  /** The length of EntityState.win: the ints, then two per long. */
  private final int length;
  private final int[][] setsOf;
  private final int[] setColumn;

  /**
   * @param width per slot, the window's length in ms
   * @param delay per slot, its label delay in ms
   * @param needs per slot, the NEED_ flags of the features reading it
   * @param setSlot per distinct-key set, its slot
   * @param setColumn per distinct-key set, the other-key column it counts
   */
  Windows(long[] width, long[] delay, byte[] needs, int[] setSlot, int[] setColumn) {
    this.slots = width.length;
    this.width = width.clone();
    this.delay = delay.clone();
    badAt = new int[slots];
    fraudAt = new int[slots];
    validAt = new int[slots];
    sumAt = new int[slots];
    sqAt = new int[slots];
    minAt = new int[slots];
    maxAt = new int[slots];
    int i = 2 * slots;
    int l = 0;
    for (int k = 0; k < slots; k++) {
      byte need = needs[k];
      boolean sums = (need & (NEED_SUM | NEED_SQUARES)) != 0;
      badAt[k] = sums ? i++ : -1;
      fraudAt[k] = (need & NEED_FRAUDS) != 0 ? i++ : -1;
      validAt[k] = (need & NEED_MIN_MAX) != 0 ? i++ : -1;
      sumAt[k] = sums ? l++ : -1;
      sqAt[k] = (need & NEED_SQUARES) != 0 ? l : -1;
      l += (need & NEED_SQUARES) != 0 ? 2 : 0;
      minAt[k] = (need & NEED_MIN_MAX) != 0 ? l++ : -1;
      maxAt[k] = (need & NEED_MIN_MAX) != 0 ? l++ : -1;
    }
    // long number n is the int pair at i + 2 n
    for (int k = 0; k < slots; k++) {
      sumAt[k] = sumAt[k] < 0 ? -1 : i + 2 * sumAt[k];
      sqAt[k] = sqAt[k] < 0 ? -1 : i + 2 * sqAt[k];
      minAt[k] = minAt[k] < 0 ? -1 : i + 2 * minAt[k];
      maxAt[k] = maxAt[k] < 0 ? -1 : i + 2 * maxAt[k];
    }
    this.length = i + 2 * l;
    this.setColumn = setColumn.clone();
    setsOf = new int[slots][];
    for (int k = 0; k < slots; k++) {
      int n = 0;
      for (int s : setSlot) {
        n += s == k ? 1 : 0;
      }
      setsOf[k] = new int[n];
      n = 0;
      for (int j = 0; j < setSlot.length; j++) {
        if (setSlot[j] == k) {
          setsOf[k][n++] = j;
        }
      }
    }
  }

  int slots() {
    return slots;
  }

  private static long get(int[] win, int i) {
    return EntityState.getLong(win, i);
  }

  private static void set(int[] win, int i, long v) {
    EntityState.setLong(win, i, v);
  }

  private static double getDouble(int[] win, int i) {
    return Double.longBitsToDouble(get(win, i));
  }

  private static void setDouble(int[] win, int i, double v) {
    set(win, i, Double.doubleToRawLongBits(v));
  }

  private void ensure(EntityState s) {
    if (s.win == null) {
      int[] win = new int[length];
      for (int k = 0; k < slots; k++) {
        win[2 * k] = s.head;
        win[2 * k + 1] = s.head;
      }
      s.win = win;
    }
  }

  /** Positions every slot at event time {@code t}. */
  void moveTo(EntityState s, long t) {
    ensure(s);
    int[] win = s.win;
    boolean forward = t >= s.at;
    int head = s.head;
    int end = s.end();
    for (int k = 0; k < slots; k++) {
      long upper = t - delay[k];
      long lower = upper - width[k];
      int l = 2 * k;
      int h = l + 1;
      // add and remove see the range as it is before the event enters or leaves it
      if (forward) {
        while (win[h] < end && s.time(win[h]) <= upper) {
          add(s, k, win[h]);
          win[h]++;
        }
        while (win[l] < win[h] && s.time(win[l]) <= lower) {
          remove(s, k, win[l]);
          win[l]++;
        }
      } else {
        while (win[l] > head && s.time(win[l] - 1) > lower) {
          add(s, k, win[l] - 1);
          win[l]--;
        }
        while (win[h] > win[l] && s.time(win[h] - 1) > upper) {
          remove(s, k, win[h] - 1);
          win[h]--;
        }
      }
      int lo = win[l];
      int hi = win[h];
      for (int j : setsOf[k]) {
        int n = hi - lo;
        IntCounts[] sets = s.sets;
        if ((sets == null || sets[j] == null) && n > SET_ABOVE) {
          IntCounts c = new IntCounts(n);
          int column = setColumn[j];
          for (int i = lo; i < hi; i++) {
            int key = s.other(i, column);
            if (key != 0) {
              c.add(key);
            }
          }
          if (sets == null) {
            // allocated with the first busy window: most entities never have one
            sets = new IntCounts[setColumn.length];
            s.sets = sets;
          }
          sets[j] = c;
        } else if (sets != null && sets[j] != null && n < SET_BELOW) {
          sets[j] = null;
        }
      }
    }
    s.at = t;
  }

  private void add(EntityState s, int k, int i) {
    if (badAt[k] >= 0) {
      long u = s.amountUnits(i);
      if (u == EntityState.NOT_UNITS) {
        s.win[badAt[k]]++;
      } else {
        int[] win = s.win;
        set(win, sumAt[k], get(win, sumAt[k]) + u);
        int q = sqAt[k];
        if (q >= 0) {
          long lo = get(win, q + 2);
          long p = u * u;
          long sum = lo + p;
          set(win, q, get(win, q) + Math.multiplyHigh(u, u) + (Long.compareUnsigned(sum, lo) < 0 ? 1 : 0));
          set(win, q + 2, sum);
        }
      }
    }
    if (fraudAt[k] >= 0 && s.label(i) == EntityState.FRAUD) {
      s.win[fraudAt[k]]++;
    }
    if (validAt[k] >= 0) {
      int[] win = s.win;
      double a = s.amount(i);
      if (win[2 * k] == win[2 * k + 1]) {
        setDouble(win, minAt[k], a);
        setDouble(win, maxAt[k], a);
        win[validAt[k]] = 1;
      } else if (win[validAt[k]] != 0) {
        setDouble(win, minAt[k], Math.min(getDouble(win, minAt[k]), a));
        setDouble(win, maxAt[k], Math.max(getDouble(win, maxAt[k]), a));
      }
    }
    countKeys(s, k, i, true);
  }

  /** Adds event i's other keys to window k's distinct-key multisets, or removes them, where the state has them. */
  private void countKeys(EntityState s, int k, int i, boolean add) {
    IntCounts[] sets = s.sets;
    if (sets == null) {
      return;
    }
    for (int j : setsOf[k]) {
      IntCounts c = sets[j];
      if (c != null) {
        int key = s.other(i, setColumn[j]);
        if (key != 0) {
          if (add) {
            c.add(key);
          } else {
            c.remove(key);
          }
        }
      }
    }
  }

  private void remove(EntityState s, int k, int i) {
    if (badAt[k] >= 0) {
      long u = s.amountUnits(i);
      if (u == EntityState.NOT_UNITS) {
        s.win[badAt[k]]--;
      } else {
        int[] win = s.win;
        set(win, sumAt[k], get(win, sumAt[k]) - u);
        int q = sqAt[k];
        if (q >= 0) {
          long lo = get(win, q + 2);
          long p = u * u;
          set(win, q, get(win, q) - Math.multiplyHigh(u, u) - (Long.compareUnsigned(lo, p) < 0 ? 1 : 0));
          set(win, q + 2, lo - p);
        }
      }
    }
    if (fraudAt[k] >= 0 && s.label(i) == EntityState.FRAUD) {
      s.win[fraudAt[k]]--;
    }
    if (validAt[k] >= 0 && s.win[validAt[k]] != 0) {
      // The leaving amount may be the one the extreme came from: recompute lazily (a tie or a NaN included).
      double a = s.amount(i);
      if (!(a > getDouble(s.win, minAt[k])) || !(a < getDouble(s.win, maxAt[k]))) {
        s.win[validAt[k]] = 0;
      }
    }
    countKeys(s, k, i, false);
  }

  /** Events before index {@code newHead} are being dropped: they leave every range. */
  void dropFront(EntityState s, int newHead) {
    if (s.win == null) {
      return;
    }
    int[] win = s.win;
    for (int k = 0; k < slots; k++) {
      int lo = win[2 * k];
      int hi = win[2 * k + 1];
      for (int i = lo; i < Math.min(hi, newHead); i++) {
        remove(s, k, i);
      }
      win[2 * k] = Math.max(lo, newHead);
      win[2 * k + 1] = Math.max(hi, newHead);
    }
  }

  /** Every event moved by {@code delta} indices (compaction). */
  void shift(EntityState s, int delta) {
    if (s.win == null) {
      return;
    }
    for (int k = 0; k < 2 * slots; k++) {
      s.win[k] += delta;
    }
  }

  /** An event of time {@code t} was inserted at index {@code pos}, the later ones shifted up by one. */
  void inserted(EntityState s, int pos, long t) {
    if (s.win == null || s.at == Long.MIN_VALUE) {
      return;
    }
    int[] win = s.win;
    for (int k = 0; k < slots; k++) {
      long upper = s.at - delay[k];
      if (t <= upper - width[k]) {
        win[2 * k]++;
        win[2 * k + 1]++;
      } else if (t <= upper) {
        add(s, k, pos);
        win[2 * k + 1]++;
      }
    }
  }

  /** The label of the event at index {@code i} changed. */
  void relabelled(EntityState s, int i, byte old, byte value) {
    if (s.win == null) {
      return;
    }
    int delta = (value == EntityState.FRAUD ? 1 : 0) - (old == EntityState.FRAUD ? 1 : 0);
    if (delta == 0) {
      return;
    }
    for (int k = 0; k < slots; k++) {
      if (fraudAt[k] >= 0 && s.win[2 * k] <= i && i < s.win[2 * k + 1]) {
        s.win[fraudAt[k]] += delta;
      }
    }
  }

  int lo(EntityState s, int k) {
    return s.win[2 * k];
  }

  int hi(EntityState s, int k) {
    return s.win[2 * k + 1];
  }

  /** The number of events in slot {@code k}. */
  int count(EntityState s, int k) {
    return s.win[2 * k + 1] - s.win[2 * k];
  }

  /** The sum of the amounts in slot {@code k}. */
  double sum(EntityState s, int k) {
    int lo = s.win[2 * k];
    int hi = s.win[2 * k + 1];
    if (s.win[badAt[k]] == 0) {
      return get(s.win, sumAt[k]) / EntityState.SCALE;
    }
    double sum = 0;
    for (int i = lo; i < hi; i++) {
      sum += s.amount(i);
    }
    return sum;
  }

  /** The sum of the squared amounts in slot {@code k}. */
  double squares(EntityState s, int k) {
    int lo = s.win[2 * k];
    int hi = s.win[2 * k + 1];
    if (s.win[badAt[k]] == 0) {
      long h = get(s.win, sqAt[k]);
      long l = get(s.win, sqAt[k] + 2);
      double low = l >= 0 ? (double) l : ((l >>> 1) | (l & 1)) * 2.0;
      return (h == 0 ? low : h * TWO_64 + low) / SCALE_SQUARED;
    }
    double sq = 0;
    for (int i = lo; i < hi; i++) {
      double a = s.amount(i);
      sq += a * a;
    }
    return sq;
  }

  /** The smallest amount in slot {@code k}, or +infinity if it is empty. */
  double min(EntityState s, int k) {
    return extremes(s, k) ? getDouble(s.win, minAt[k]) : Double.POSITIVE_INFINITY;
  }

  /** The largest amount in slot {@code k}, or -infinity if it is empty. */
  double max(EntityState s, int k) {
    return extremes(s, k) ? getDouble(s.win, maxAt[k]) : Double.NEGATIVE_INFINITY;
  }

  private boolean extremes(EntityState s, int k) {
    int lo = s.win[2 * k];
    int hi = s.win[2 * k + 1];
    if (lo == hi) {
      return false;
    }
    if (s.win[validAt[k]] == 0) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int i = lo; i < hi; i++) {
        double a = s.amount(i);
        min = Math.min(min, a);
        max = Math.max(max, a);
      }
      setDouble(s.win, minAt[k], min);
      setDouble(s.win, maxAt[k], max);
      s.win[validAt[k]] = 1;
    }
    return true;
  }

  /** The events of slot {@code k} whose fraud label is known at {@code t}. */
  int frauds(EntityState s, int k, long t) {
    if (s.maxFraudLabelTime <= t) {
      return s.win[fraudAt[k]];
    }
    int frauds = 0;
    for (int i = s.win[2 * k]; i < s.win[2 * k + 1]; i++) {
      if (s.label(i) == EntityState.FRAUD && s.labelTime(i) <= t) {
        frauds++;
      }
    }
    return frauds;
  }

  /** The number of distinct non-zero keys of set {@code j}'s window, plus {@code current} if new and non-zero. */
  int distinct(EntityState s, int k, int j, int current) {
    IntCounts c = s.sets == null ? null : s.sets[j];
    if (c != null) {
      return c.size() + (current != 0 && !c.contains(current) ? 1 : 0);
    }
    int column = setColumn[j];
    int lo = s.win[2 * k];
    int hi = s.win[2 * k + 1];
    // A key is new unless an earlier one equals it. One bit per key's hash, of the keys seen so far: a key whose bit
    // is clear cannot equal any of them, and only a key whose bit is set is looked for among them (a window of at
    // most SET_ABOVE keys in 64 bits: most of the quadratic scan is skipped, the count is the same).
    long seen = 0;
    int count = 0;
    for (int i = lo; i < hi; i++) {
      int key = s.other(i, column);
      if (key != 0) {
        long bit = bit(key);
        if ((seen & bit) == 0 || !holds(s, column, lo, i, key)) {
          count++;
        }
        seen |= bit;
      }
    }
    if (current != 0 && ((seen & bit(current)) == 0 || !holds(s, column, lo, hi, current))) {
      count++;
    }
    return count;
  }

  /** A key's bit in a 64-bit set of hashed keys. */
  private static long bit(int key) {
    return 1L << ((key * 0x9E3779B9) >>> 26);
  }

  /**
   * Reads, without the lock, the cell of each of a state's distinct-key multisets that the transaction's own key
   * hashes to ({@code keyHashes}, in the pipeline's key order; {@code otherIndex}: per other-key column, its index
   * there), and returns what it read: a racy read that only warms the caches before the state is locked (see
   * OnlineFeaturePipeline.process). Nothing is written.
   */
  int touchSets(EntityState s, int[] keyHashes, int[] otherIndex) {
    IntCounts[] sets = s.sets;
    if (sets == null) {
      return 0;
    }
    int x = 0;
    for (int j = 0; j < sets.length && j < setColumn.length; j++) {
      IntCounts c = sets[j];
      int column = setColumn[j];
      int key = column < otherIndex.length ? keyHashes[otherIndex[column]] : 0;
      if (c != null && key != 0) {
        x += c.touch(key);
      }
    }
    return x;
  }

  /** Whether set {@code j}'s window holds the non-zero key {@code key}. */
  boolean contains(EntityState s, int k, int j, int key) {
    IntCounts c = s.sets == null ? null : s.sets[j];
    if (c != null) {
      return c.contains(key);
    }
    return holds(s, setColumn[j], s.win[2 * k], s.win[2 * k + 1], key);
  }

  /**
   * Whether an event in [from, to) has {@code key} in other-key column {@code column}. Newest first: a key seen
   * lately is found in the rows the transaction has loaded already, not in older, colder ones.
   */
  private static boolean holds(EntityState s, int column, int from, int to, int key) {
    for (int i = to - 1; i >= from; i--) {
      if (s.other(i, column) == key) {
        return true;
      }
    }
    return false;
  }
}
