package dev.fraudengine.features;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EntityStateTest {
  private static final Windows NONE = new Windows(new long[0], new long[0], new byte[0], new int[0], new int[0]);
  private static final long DAY = 86_400_000L;

  @Test
  void units_decimalAmounts_areWholeTenThousandths() {
    assertThat(EntityState.units(57.16)).isEqualTo(571_600);
    assertThat(EntityState.units(0.0001)).isEqualTo(1);
    assertThat(EntityState.units(1e8)).isEqualTo(1_000_000_000_000L);
  }

  @Test
  void units_otherAmounts_areNotUnits() {
    assertThat(EntityState.units(0.1 + 0.2)).isEqualTo(EntityState.NOT_UNITS);
    assertThat(EntityState.units(1.0 / 3)).isEqualTo(EntityState.NOT_UNITS);
    assertThat(EntityState.units(-0.0)).isEqualTo(EntityState.NOT_UNITS);
    assertThat(EntityState.units(Double.NaN)).isEqualTo(EntityState.NOT_UNITS);
    assertThat(EntityState.units(2e8)).isEqualTo(EntityState.NOT_UNITS);
  }

  @Test
  void record_eventsWithin49Days_keepIntTimesAcrossRebasesAndReadBackExactly() {
    EntityState s = new EntityState(false, 0, false, 4);
    long t0 = 1_700_000_000_123L;
    for (int i = 0; i < 200; i++) {
      long t = t0 + i * DAY + i;
      s.record(t, 10.25, 0, new int[0], new int[0], Double.NaN, Double.NaN, 30 * DAY, 10_000, NONE);
      assertThat(s.time(s.end() - 1)).isEqualTo(t);
      assertThat(s.time(s.head)).isEqualTo(t - (s.size - 1) * (DAY + 1));
    }
    assertThat(s.wideTime).isFalse();
    assertThat(s.wideAmount).isFalse();
    assertThat(s.amount(s.head)).isEqualTo(10.25);
  }

  @Test
  void record_eventsSpanningMoreThan2Pow32Millis_fallBackToLongTimes() {
    EntityState s = new EntityState(false, 0, false, 4);
    long t0 = -5_000L;
    s.record(t0, 1, 0, new int[0], new int[0], Double.NaN, Double.NaN, 90 * DAY, 10_000, NONE);
    s.record(t0 + 30 * DAY, 2, 0, new int[0], new int[0], Double.NaN, Double.NaN, 90 * DAY, 10_000, NONE);
    s.record(t0 + 60 * DAY, 3, 0, new int[0], new int[0], Double.NaN, Double.NaN, 90 * DAY, 10_000, NONE);
    assertThat(s.wideTime).isTrue();
    assertThat(s.size).isEqualTo(3);
    assertThat(new long[] {s.time(0), s.time(1), s.time(2)}).containsExactly(t0, t0 + 30 * DAY, t0 + 60 * DAY);
  }

  @Test
  void record_amountsThatAreNotIntUnits_fallBackToDoublesExactly() {
    EntityState s = new EntityState(false, 0, false, 4);
    s.record(0, 12.34, 0, new int[0], new int[0], Double.NaN, Double.NaN, DAY, 10_000, NONE);
    s.record(1, 1.0 / 3, 0, new int[0], new int[0], Double.NaN, Double.NaN, DAY, 10_000, NONE);
    s.record(2, 300_000.01, 0, new int[0], new int[0], Double.NaN, Double.NaN, DAY, 10_000, NONE);
    assertThat(s.wideAmount).isTrue();
    assertThat(new double[] {s.amount(0), s.amount(1), s.amount(2)}).containsExactly(12.34, 1.0 / 3, 300_000.01);
  }

  @Test
  void applyLabel_anyWindowBounds_labelsTheEventWithThatTimeAndHash() {
    // the search for a label's event starts from the rows at the window bounds: stale, out-of-range or unordered
    // bounds must find the same event as a search over every row (ties in time told apart by the id hash)
    long seed = System.nanoTime();
    System.out.println("EntityStateTest seed " + seed);
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    Windows three = new Windows(new long[] {DAY, 7 * DAY, 30 * DAY}, new long[3], new byte[3], new int[0], new int[0]);
    for (int round = 0; round < 200; round++) {
      EntityState s = new EntityState(true, 0, false, 4);
      int n = 1 + r.nextInt(60);
      long[] times = new long[n];
      long t = r.nextLong(1_000_000);
      for (int i = 0; i < n; i++) {
        t += r.nextInt(4) == 0 ? 0 : r.nextInt(1_000);
        times[i] = t;
        s.record(t, 1, 5_000 + i, new int[0], new int[0], 0, 0, Long.MAX_VALUE / 4, 10_000, NONE);
      }
      s.win = new int[6];
      for (int k = 0; k < 6; k++) {
        s.win[k] = s.head - 3 + r.nextInt(n + 6);
      }
      int target = r.nextInt(n);
      assertThat(s.applyLabel(times[target], 5_000 + target, EntityState.FRAUD, 1L, three))
          .as("seed %d, round %d", seed, round).isTrue();
      for (int i = 0; i < n; i++) {
        assertThat(s.label(s.head + i)).as("seed %d, round %d, event %d", seed, round, i)
            .isEqualTo(i == target ? EntityState.FRAUD : EntityState.NO_LABEL);
      }
      assertThat(s.applyLabel(times[target] + 1, 5_000 + target, EntityState.FRAUD, 1L, three)).isFalse();
    }
  }

  @Test
  void record_fallbacksToWideTimesAndAmounts_keepEveryOtherFieldOfEveryRow() {
    // a labelled, located state with two other-key fields: rows are rewritten when amounts, then times, widen
    EntityState s = new EntityState(true, 2, true, 4);
    long[] times = {-5_000L, 3_000L, 10 * DAY, 20 * DAY, 20 * DAY, 30 * DAY, 60 * DAY, 61 * DAY};
    double[] amounts = {1.5, 2.25, 1.0 / 3, 4, 5.0001, 0.1 + 0.2, 7, 8};
    for (int i = 0; i < times.length; i++) {
      s.record(times[i], amounts[i], 1_000 + i, new int[] {0, 10 + i, 20 + i}, new int[] {1, 2}, i, -i, 90 * DAY,
          10_000, NONE);
      if (i == 1) {
        assertThat(s.applyLabel(times[1], 1_001, EntityState.FRAUD, 77L, NONE)).isTrue();
        assertThat(s.wideAmount).isFalse();
      }
      if (i == 2) {
        assertThat(s.wideAmount).isTrue();
        assertThat(s.wideTime).isFalse();
      }
    }
    assertThat(s.wideTime).isTrue();
    assertThat(s.size).isEqualTo(times.length);
    for (int i = 0; i < times.length; i++) {
      int at = s.head + i;
      assertThat(s.time(at)).as("event %d", i).isEqualTo(times[i]);
      assertThat(s.amount(at)).as("event %d", i).isEqualTo(amounts[i]);
      assertThat(s.txHash(at)).isEqualTo(1_000 + i);
      assertThat(s.label(at)).isEqualTo(i == 1 ? EntityState.FRAUD : EntityState.NO_LABEL);
      assertThat(s.labelTime(at)).isEqualTo(i == 1 ? 77L : 0L);
      assertThat(s.other(at, 0)).isEqualTo(10 + i);
      assertThat(s.other(at, 1)).isEqualTo(20 + i);
      assertThat(s.latitude(at)).isEqualTo((float) i);
      assertThat(s.longitude(at)).isEqualTo((float) -i);
    }
    assertThat(s.maxFraudLabelTime).isEqualTo(77L);
    assertThat(s.applyLabel(20 * DAY, 1_004, EntityState.LEGITIMATE, 99L, NONE)).isTrue();
    assertThat(s.label(s.head + 4)).isEqualTo(EntityState.LEGITIMATE);
    assertThat(s.label(s.head + 3)).isEqualTo(EntityState.NO_LABEL);
    assertThat(s.applyLabel(20 * DAY, 12, EntityState.FRAUD, 99L, NONE)).as("no such id hash").isFalse();
  }

  @Test
  void upperBound_keysFarFromTheBase_saturateInsteadOfOverflowing() {
    EntityState s = new EntityState(false, 0, false, 4);
    long t0 = 1_700_000_000_000L;
    for (int i = 0; i < 3; i++) {
      s.record(t0 + i, 1, 0, new int[0], new int[0], Double.NaN, Double.NaN, DAY, 10_000, NONE);
    }
    assertThat(s.upperBound(0, 3, Long.MIN_VALUE)).isZero();
    assertThat(s.upperBound(0, 3, Long.MAX_VALUE)).isEqualTo(3);
    assertThat(s.upperBound(0, 3, t0)).isEqualTo(1);
    assertThat(s.upperBound(0, 3, t0 - (1L << 40))).isZero();
    EntityState negative = new EntityState(false, 0, false, 4);
    negative.record(-t0, 1, 0, new int[0], new int[0], Double.NaN, Double.NaN, DAY, 10_000, NONE);
    assertThat(negative.upperBound(0, 1, Long.MAX_VALUE)).isEqualTo(1);
    assertThat(negative.upperBound(0, 1, Long.MIN_VALUE)).isZero();
  }

  @Test
  void record_pruningFewOrManyEvents_keepsExactlyThoseAfterTheCutoff() {
    long seed = System.nanoTime();
    System.out.println("EntityStateTest pruning seed " + seed);
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    EntityState s = new EntityState(false, 0, false, 4);
    java.util.ArrayDeque<Long> kept = new java.util.ArrayDeque<>();
    long t = 0;
    long retention = 100_000;
    for (int i = 0; i < 5_000; i++) {
      // mostly small steps (a few events pruned), sometimes equal times, sometimes a jump pruning many or all
      t += r.nextInt(20) == 0 ? r.nextLong(retention * 2) : r.nextInt(4) == 0 ? 0 : r.nextLong(2_000);
      s.record(t, 1, 0, new int[0], new int[0], Double.NaN, Double.NaN, retention, 10_000, NONE);
      kept.addLast(t);
      while (kept.peekFirst() <= t - retention) {
        kept.removeFirst();
      }
      assertThat(s.size).as("seed %d, event %d", seed, i).isEqualTo(kept.size());
      assertThat(s.time(s.head)).as("seed %d, event %d", seed, i).isEqualTo(kept.peekFirst());
    }
  }

  @Test
  void constructor_tooManyOtherColumns_isRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new EntityState(false, 65, false, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("otherColumns must be in [0, 64], got 65");
  }

  @Test
  void touch_racyOrOddViews_neverThrowsNorChangesTheState() {
    EntityState s = new EntityState(true, 2, true, 4);
    s.touch(2);
    Windows w = new Windows(new long[] {DAY}, new long[] {0}, new byte[] {Windows.NEED_SUM}, new int[0], new int[0]);
    for (int i = 0; i < 20; i++) {
      s.record(i * 1000L, 1 + i, i, new int[] {7, 8}, new int[] {0, 1}, 45, 3, DAY, 10_000, w);
      w.moveTo(s, i * 1000L);
    }
    int before = s.touch(2);
    long bytes = s.bytes();
    // what a reader without the lock may see while a writer swaps arrays or moves bounds
    s.size += 1_000;
    s.win[0] = -5;
    s.win[1] = 1 << 20;
    assertThat(s.touch(2)).isNotNull();
    s.size -= 1_000;
    s.win[0] = 0;
    s.win[1] = s.end();
    s.head = -s.size - 3;
    assertThat(s.touch(2)).isNotNull();
    s.head = 0;
    assertThat(s.touch(2)).isEqualTo(before);
    assertThat(s.bytes()).isEqualTo(bytes);
  }
  @Test
  void touchLevels_readOneIntPerWindowLineAndTheHeaders_changingNothing() {
    // five slots with every aggregate: a window array of more than 32 ints (three lines or more), one multiset
    byte all = Windows.NEED_SUM | Windows.NEED_SQUARES | Windows.NEED_MIN_MAX | Windows.NEED_FRAUDS;
    Windows w = new Windows(new long[] {DAY, 2 * DAY, 3 * DAY, 4 * DAY, 5 * DAY}, new long[5],
        new byte[] {all, all, all, all, all}, new int[] {0}, new int[] {0});
    EntityState s = new EntityState(true, 1, false, 4);
    assertThat(s.touchWindows()).as("no windows yet").isZero();
    assertThat(s.touchHeaders()).as("no windows yet").isEqualTo(s.data.length);
    for (int i = 0; i < 40; i++) {
      w.moveTo(s, i * 1000L);
      s.record(i * 1000L, 1 + i, i, new int[] {1, 100 + i}, new int[] {1}, Double.NaN, Double.NaN, DAY, 10_000, w);
    }
    w.moveTo(s, 40_000L);
    assertThat(s.win.length).isGreaterThan(32);
    assertThat(s.sets[0]).isNotNull();
    int lines = s.win[s.win.length - 1] + 1;
    for (int k = 16; k < s.win.length; k += 16) {
      lines += s.win[k];
    }
    assertThat(s.touchWindows()).isEqualTo(lines);
    assertThat(s.touchHeaders()).isEqualTo(s.head + s.size + s.data.length + s.win[0] + 1);
    assertThat(s.touchState()).isEqualTo((int) s.firstTime + 1 + 2);
    long bytes = s.bytes();
    int[] win = s.win.clone();
    s.touchState();
    s.touchHeaders();
    s.touchWindows();
    assertThat(s.bytes()).isEqualTo(bytes);
    assertThat(s.win).isEqualTo(win);
    assertThat(w.distinct(s, 0, 0, 0)).isEqualTo(40);
  }

  @Test
  void touchSets_busyWindowOnly_readsTheKeysCellAndChangesNothing() {
    // one 1-day slot counting distinct keys of other-key column 0 (the pipeline's key 1)
    Windows w = new Windows(new long[] {DAY}, new long[] {0}, new byte[] {0}, new int[] {0}, new int[] {0});
    int[] otherIndex = {1};
    EntityState s = new EntityState(false, 1, false, 4);
    for (int i = 0; i < 20; i++) {
      w.moveTo(s, i * 1000L);
      s.record(i * 1000L, 1, 0, new int[] {99, 100 + i}, otherIndex, Double.NaN, Double.NaN, DAY, 10_000, w);
    }
    w.moveTo(s, 20_000L);
    assertThat(s.sets).as("no multiset below 33 events in the window").isNull();
    assertThat(w.touchSets(s, new int[] {99, 105}, otherIndex)).isZero();
    for (int i = 20; i < 40; i++) {
      w.moveTo(s, i * 1000L);
      s.record(i * 1000L, 1, 0, new int[] {99, 100 + i}, otherIndex, Double.NaN, Double.NaN, DAY, 10_000, w);
    }
    w.moveTo(s, 40_000L);
    assertThat(s.sets).isNotNull();
    assertThat(w.distinct(s, 0, 0, 0)).isEqualTo(40);
    // a lone key in an empty table reads its own cell; an absent one an empty cell or another key
    IntCounts one = new IntCounts(1);
    one.add(12_345);
    assertThat(one.touch(12_345)).isEqualTo(12_345);
    assertThat(new IntCounts(1).touch(12_345)).isZero();
    int read = w.touchSets(s, new int[] {99, 105}, otherIndex);
    assertThat(read).isNotZero();
    assertThat(w.touchSets(s, new int[] {99, 0}, otherIndex)).as("no key, nothing read").isZero();
    assertThat(w.distinct(s, 0, 0, 0)).isEqualTo(40);
    assertThat(w.contains(s, 0, 0, 105)).isTrue();
    assertThat(w.contains(s, 0, 0, 12_345)).isFalse();
  }
  @Test
  void windows_longAggregatesInTheIntArray_exactForHugeAndNegativeAmounts() {
    // sum, 128-bit sum of squares and min/max are pairs of ints in EntityState.win: check them where the halves
    // carry (squares above 2^64 units^2, negative sums, borrows when events leave) against exact arithmetic
    byte needs = Windows.NEED_SUM | Windows.NEED_SQUARES | Windows.NEED_MIN_MAX;
    Windows w = new Windows(new long[] {10_000}, new long[] {0}, new byte[] {needs}, new int[0], new int[0]);
    EntityState s = new EntityState(false, 0, false, 4);
    double[] amounts = {99_999_999.9999, -0.0001, 12.34, -99_999_999.9999, 0.0001, 77_777_777.7777, -5.5, 1e8 - 1,
        42, -3_000_000.0001, 99_999_999.9999, 0.5};
    for (int i = 0; i < amounts.length; i++) {
      long t = i * 1_000L;
      w.moveTo(s, t);
      s.record(t, amounts[i], 0, new int[0], new int[0], Double.NaN, Double.NaN, 1_000_000, 10_000, w);
      w.moveTo(s, t);
      // the slot covers (t - 10 s, t]: the last ten amounts at most
      int from = Math.max(0, i - 9);
      java.math.BigDecimal sum = java.math.BigDecimal.ZERO;
      java.math.BigDecimal squares = java.math.BigDecimal.ZERO;
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int j = from; j <= i; j++) {
        java.math.BigDecimal a = new java.math.BigDecimal(Double.toString(amounts[j]));
        sum = sum.add(a);
        squares = squares.add(a.multiply(a));
        min = Math.min(min, amounts[j]);
        max = Math.max(max, amounts[j]);
      }
      assertThat(w.count(s, 0)).as("event %d", i).isEqualTo(i - from + 1);
      assertThat(w.sum(s, 0)).as("event %d", i).isEqualTo(sum.doubleValue());
      assertThat(w.squares(s, 0)).as("event %d", i)
          .isCloseTo(squares.doubleValue(), org.assertj.core.data.Percentage.withPercentage(1e-12));
      assertThat(w.min(s, 0)).as("event %d", i).isEqualTo(min);
      assertThat(w.max(s, 0)).as("event %d", i).isEqualTo(max);
    }
  }
  @Test
  void distinct_smallWindows_countLikeASet_evenWhenKeysShareABit() {
    long seed = System.nanoTime();
    System.out.println("EntityStateTest distinct seed " + seed);
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    // keys in few bit positions of the 64-bit filter: many equal bits, some equal keys, some zeros (no key)
    int[] pool = new int[12];
    for (int p = 0; p < pool.length; p++) {
      pool[p] = p == 0 ? 0 : r.nextInt();
    }
    Windows w = new Windows(new long[] {1_000_000}, new long[] {0}, new byte[] {0}, new int[] {0}, new int[] {0});
    for (int run = 0; run < 200; run++) {
      EntityState s = new EntityState(false, 1, false, 4);
      int n = r.nextInt(33);
      java.util.Set<Integer> keys = new java.util.HashSet<>();
      for (int i = 0; i < n; i++) {
        int key = r.nextInt(3) == 0 ? pool[r.nextInt(pool.length)] : r.nextInt(4) == 0 ? 0 : r.nextInt(50);
        w.moveTo(s, i);
        s.record(i, 1, 0, new int[] {1, key}, new int[] {1}, Double.NaN, Double.NaN, 1_000_000, 10_000, w);
        if (key != 0) {
          keys.add(key);
        }
      }
      w.moveTo(s, n);
      assertThat(s.sets).isNull();
      int current = r.nextBoolean() ? pool[r.nextInt(pool.length)] : r.nextInt(60);
      java.util.Set<Integer> with = new java.util.HashSet<>(keys);
      if (current != 0) {
        with.add(current);
      }
      assertThat(w.distinct(s, 0, 0, 0)).as("seed %d, run %d", seed, run).isEqualTo(keys.size());
      assertThat(w.distinct(s, 0, 0, current)).as("seed %d, run %d", seed, run).isEqualTo(with.size());
    }
  }
  @Test
  void record_steadySlidingWindow_compactsInPlace_keepingTheSameArray() {
    EntityState s = new EntityState(true, 2, true, 4);
    Windows w = new Windows(new long[] {DAY}, new long[] {0}, new byte[] {Windows.NEED_SUM}, new int[0], new int[0]);
    int[] rows = null;
    for (int i = 0; i < 200; i++) {
      long t = i * 1000L;
      w.moveTo(s, t);
      // retention 4.5 s: five events kept, the oldest dropped as each new one comes
      s.record(t, 1 + i, i, new int[] {7, 100 + i, 200 + i}, new int[] {1, 2}, 45 + i, 3 - i, 4_500, 10_000, w);
      if (i == 50) {
        rows = s.data;
      }
      if (i > 50) {
        assertThat(s.data).as("event %d", i).isSameAs(rows);
      }
      assertThat(s.size).isEqualTo(Math.min(i + 1, 5));
      for (int e = 0; e < s.size; e++) {
        int j = i - s.size + 1 + e;
        int at = s.head + e;
        assertThat(s.time(at)).as("event %d at %d", i, e).isEqualTo(j * 1000L);
        assertThat(s.amount(at)).isEqualTo(1 + j);
        assertThat(s.txHash(at)).isEqualTo(j);
        assertThat(s.label(at)).isEqualTo(EntityState.NO_LABEL);
        assertThat(s.labelTime(at)).isZero();
        assertThat(s.other(at, 0)).isEqualTo(100 + j);
        assertThat(s.other(at, 1)).isEqualTo(200 + j);
        assertThat(s.latitude(at)).isEqualTo(45f + j);
        assertThat(s.longitude(at)).isEqualTo(3f - j);
      }
      w.moveTo(s, t);
      assertThat(w.sum(s, 0)).as("event %d", i).isEqualTo(sumOfOnePlus(i - Math.min(i + 1, 5) + 1, i));
    }
  }

  @Test
  void record_growingThenSteady_growsGeometricallyThenShrinksToTheSteadyBand() {
    EntityState s = new EntityState(false, 0, false, 4);
    int[] last = s.data;
    int moves = 0;
    // 10,000 events a second apart, retention 10,000 s: nothing pruned, the rows only grow
    for (int i = 0; i < 10_000; i++) {
      s.record(i * 1000L, 1, 0, new int[0], new int[0], Double.NaN, Double.NaN, 10_000_000L, 100_000, NONE);
      if (s.data != last) {
        moves++;
        last = s.data;
      }
    }
    assertThat(s.size).isEqualTo(10_000);
    // half again each time from 4 rows: about 20 moves (a sixth more each time would take about 50)
    assertThat(moves).isBetween(15, 22);
    // then steady, at 1,000 events: every move shrinks, and the rows end within 1.1 to 1.4 times the events
    for (int i = 10_000; i < 40_000; i++) {
      s.record(i * 1000L, 1, 0, new int[0], new int[0], Double.NaN, Double.NaN, 999_500L, 100_000, NONE);
    }
    assertThat(s.size).isEqualTo(1_000);
    int rows = s.data.length / 2; // a row: time and amount, an int each
    assertThat(rows).isBetween(1_100, 1_404);
    for (int i = 40_000; i < 50_000; i++) {
      s.record(i * 1000L, 1, 0, new int[0], new int[0], Double.NaN, Double.NaN, 999_500L, 100_000, NONE);
    }
    assertThat(s.data.length / 2).as("steady: compacted in place").isEqualTo(rows);
    assertThat(s.time(s.end() - 1)).isEqualTo(49_999_000L);
  }

  /** The sum of 1 + j for j in [from, to]. */
  private static double sumOfOnePlus(int from, int to) {
    double sum = 0;
    for (int j = from; j <= to; j++) {
      sum += 1 + j;
    }
    return sum;
  }
}
