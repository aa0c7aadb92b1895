package dev.fraudengine.features;

/*
 * A multiset of non-zero int keys (key hashes of another entity) with a count per key: the distinct keys of a
 * sliding window, kept up to date as events enter and leave it, so that a distinct count or a "seen before" test
 * costs one lookup instead of a scan of the window.
 *
 * Open addressing with linear probing over (key, count) pairs interleaved in one int array (a power-of-two number
 * of slots, at most half full): a lookup reads one cache line where two parallel arrays read two, and a resize
 * stores one reference into the (usually old) owner. Removal uses backward-shift deletion (Knuth, TAOCP vol. 3,
 * 6.4, Algorithm R), so no tombstones accumulate however many keys come and go. The table halves when it falls
 * under an eighth full.
 *
 * Not thread-safe: owned by one EntityState, under its lock.
 */
final class IntCounts {
  private static final int MIN_SLOTS = 16;

  /** Slot i's key at 2 i (0: empty), its count at 2 i + 1. */
  private int[] cells;
  private int size;

  IntCounts(int expected) {
    int slots = MIN_SLOTS;
    while (slots < 2 * expected) {
      slots <<= 1;
    }
    cells = new int[2 * slots];
  }

  /** The number of distinct keys held. */
  int size() {
    return size;
  }

  /**
   * Reads, without the lock, the cell where a lookup of {@code key} starts, and returns it: a racy read that only
   * warms the caches (the number of slots is always a power of two, so the index is in range whatever a writer does).
   */
  int touch(int key) {
    int[] c = cells;
    return c[2 * (mix(key) & ((c.length >> 1) - 1))];
  }

  /** Reads, without the lock, this object's field (its cache line), for {@link #touch} to follow. */
  int touchObject() {
    return cells == null ? 0 : 1;
  }

  /** Whether {@code key} (non-zero) is held. */
  boolean contains(int key) {
    int[] c = cells;
    int mask = (c.length >> 1) - 1;
    for (int i = mix(key) & mask; c[2 * i] != 0; i = (i + 1) & mask) {
      if (c[2 * i] == key) {
        return true;
      }
    }
    return false;
  }

  /** Adds one occurrence of {@code key} (non-zero). */
  void add(int key) {
    int[] c = cells;
    int mask = (c.length >> 1) - 1;
    int i = mix(key) & mask;
    while (c[2 * i] != 0) {
      if (c[2 * i] == key) {
        c[2 * i + 1]++;
        return;
      }
      i = (i + 1) & mask;
    }
    c[2 * i] = key;
    c[2 * i + 1] = 1;
    size++;
    if (2 * size > mask + 1) {
      resize(2 * (mask + 1));
    }
  }

  /**
   * Removes one occurrence of {@code key} (non-zero), which must be held.
   *
   * @throws IllegalStateException if it is not: the window and this multiset disagree
   */
  void remove(int key) {
    int[] c = cells;
    int mask = (c.length >> 1) - 1;
    int i = mix(key) & mask;
    while (c[2 * i] != key) {
      if (c[2 * i] == 0) {
        throw new IllegalStateException("key " + key + " is not in the window's multiset");
      }
      i = (i + 1) & mask;
    }
    if (--c[2 * i + 1] > 0) {
      return;
    }
    size--;
    // Backward-shift deletion: move later members of the probe run into the hole when their home allows it.
    int hole = i;
    for (int j = (hole + 1) & mask; c[2 * j] != 0; j = (j + 1) & mask) {
      int home = mix(c[2 * j]) & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        c[2 * hole] = c[2 * j];
        c[2 * hole + 1] = c[2 * j + 1];
        hole = j;
      }
    }
    c[2 * hole] = 0;
    c[2 * hole + 1] = 0;
    if (mask + 1 > MIN_SLOTS && 8 * size < mask + 1) {
      resize((mask + 1) >> 1);
    }
  }

  private void resize(int slots) {
    int[] old = cells;
    int[] c = new int[2 * slots];
    int mask = slots - 1;
    for (int j = 0; j < old.length; j += 2) {
      if (old[j] != 0) {
        int i = mix(old[j]) & mask;
        while (c[2 * i] != 0) {
          i = (i + 1) & mask;
        }
        c[2 * i] = old[j];
        c[2 * i + 1] = old[j + 1];
      }
    }
    cells = c;
  }

  private static int mix(int h) {
    int x = h * 0x9E3779B9;
    return x ^ (x >>> 16);
  }

  /** Approximate heap bytes held. */
  long bytes() {
    return 16 + 4 + 4 + 16 + 4L * cells.length;
  }
}
