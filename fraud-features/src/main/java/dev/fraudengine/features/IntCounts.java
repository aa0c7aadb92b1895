package dev.fraudengine.features;

/*
 * A multiset of non-zero int keys (key hashes of another entity) with a count per key: the distinct keys of a
 * sliding window, kept up to date as events enter and leave it, so that a distinct count or a "seen before" test
 * costs one lookup instead of a scan of the window.
 *
 * Open addressing with linear probing in two parallel arrays (power-of-two length, at most half full); removal uses
 * backward-shift deletion (Knuth, TAOCP vol. 3, 6.4, Algorithm R), so no tombstones accumulate however many keys
 * come and go. The table halves when it falls under an eighth full.
 *
 * Not thread-safe: owned by one EntityState, under its lock.
 */
final class IntCounts {
  private static final int MIN_LENGTH = 16;

  private int[] keys;
  private int[] counts;
  private int size;

  IntCounts(int expected) {
    int length = MIN_LENGTH;
    while (length < 2 * expected) {
      length <<= 1;
    }
    keys = new int[length];
    counts = new int[length];
  }

  /** The number of distinct keys held. */
  int size() {
    return size;
  }

  /** Whether {@code key} (non-zero) is held. */
  /**
   * Reads, without the lock, the cell where a lookup of {@code key} starts, and returns it: a racy read that only
   * warms the caches (the table's length is always a power of two, so the index is in range whatever a writer does).
   */
  int touch(int key) {
    int[] k = keys;
    return k[mix(key) & (k.length - 1)];
  }

    boolean contains(int key) {
    int mask = keys.length - 1;
    for (int i = mix(key) & mask; keys[i] != 0; i = (i + 1) & mask) {
      if (keys[i] == key) {
        return true;
      }
    }
    return false;
  }

  /** Adds one occurrence of {@code key} (non-zero). */
  void add(int key) {
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (keys[i] != 0) {
      if (keys[i] == key) {
        counts[i]++;
        return;
      }
      i = (i + 1) & mask;
    }
    keys[i] = key;
    counts[i] = 1;
    size++;
    if (2 * size > keys.length) {
      resize(keys.length << 1);
    }
  }

  /**
   * Removes one occurrence of {@code key} (non-zero), which must be held.
   *
   * @throws IllegalStateException if it is not: the window and this multiset disagree
   */
  void remove(int key) {
    int mask = keys.length - 1;
    int i = mix(key) & mask;
    while (keys[i] != key) {
      if (keys[i] == 0) {
        throw new IllegalStateException("key " + key + " is not in the window's multiset");
      }
      i = (i + 1) & mask;
    }
    if (--counts[i] > 0) {
      return;
    }
    size--;
    // Backward-shift deletion: move later members of the probe run into the hole when their home allows it.
    int hole = i;
    for (int j = (hole + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
      int home = mix(keys[j]) & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        keys[hole] = keys[j];
        counts[hole] = counts[j];
        hole = j;
      }
    }
    keys[hole] = 0;
    counts[hole] = 0;
    if (keys.length > MIN_LENGTH && 8 * size < keys.length) {
      resize(keys.length >> 1);
    }
  }

  private void resize(int length) {
    int[] oldKeys = keys;
    int[] oldCounts = counts;
    keys = new int[length];
    counts = new int[length];
    int mask = length - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != 0) {
        int i = mix(oldKeys[j]) & mask;
        while (keys[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        counts[i] = oldCounts[j];
      }
    }
  }

  private static int mix(int h) {
    int x = h * 0x9E3779B9;
    return x ^ (x >>> 16);
  }

  /** Approximate heap bytes held. */
  long bytes() {
    return 16 + 4 + 8 + 2 * (16 + 4L * keys.length);
  }
}
