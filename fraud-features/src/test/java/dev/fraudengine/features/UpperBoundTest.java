package dev.fraudengine.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class UpperBoundTest {
  /** The first index in [from, to) whose time is after key, by a plain linear scan. */
  private static int reference(long[] time, int from, int to, long key) {
    int i = from;
    while (i < to && time[i] <= key) {
      i++;
    }
    return i;
  }

  /** Rows of {@code width} ints, each starting with a time as two ints (high half first). */
  private static int[] longRows(long[] time, int width) {
    int[] rows = new int[time.length * width];
    for (int i = 0; i < time.length; i++) {
      EntityState.setLong(rows, i * width, time[i]);
      rows[i * width + width - 1] = -1;
    }
    return rows;
  }

  /** Rows of {@code width} ints, each starting with an int time. */
  private static int[] intRows(long[] time, int width) {
    int[] rows = new int[time.length * width];
    for (int i = 0; i < time.length; i++) {
      rows[i * width] = (int) time[i];
      rows[i * width + width - 1] = -1;
    }
    return rows;
  }

  private static int upperBound(long[] time, int from, int to, long key) {
    int wide = EntityState.upperBound(longRows(time, 3), 3, true, from, to, key);
    if (fitsInts(time)) {
      assertEquals(wide, EntityState.upperBound(intRows(time, 2), 2, false, from, to, key), "int rows");
    }
    return wide;
  }

  private static boolean fitsInts(long[] time) {
    for (long t : time) {
      if (t < Integer.MIN_VALUE || t > Integer.MAX_VALUE) {
        return false;
      }
    }
    return true;
  }

  @Test
  void upperBoundAgreesWithALinearScanOnSortedTimesWithTies() {
    SplittableRandom r = new SplittableRandom(7);
    for (int round = 0; round < 20_000; round++) {
      int n = r.nextInt(70);
      long[] time = new long[n];
      for (int i = 0; i < n; i++) {
        time[i] = r.nextLong(-20, 20);
      }
      Arrays.sort(time);
      int from = n == 0 ? 0 : r.nextInt(n + 1);
      int to = from + (n == from ? 0 : r.nextInt(n - from + 1));
      long key = r.nextLong(-25, 25);
      assertEquals(reference(time, from, to, key), upperBound(time, from, to, key),
          () -> Arrays.toString(time) + " [" + from + ", " + to + ") key " + key);
    }
  }

  @Test
  void upperBoundHandlesTheExtremes() {
    long[] time = {Long.MIN_VALUE + 1, 0, Long.MAX_VALUE};
    assertEquals(0, upperBound(time, 0, 3, Long.MIN_VALUE));
    assertEquals(3, upperBound(time, 0, 3, Long.MAX_VALUE));
    assertEquals(2, upperBound(time, 1, 3, 0));
    assertEquals(1, upperBound(time, 1, 1, 0));
  }
}
