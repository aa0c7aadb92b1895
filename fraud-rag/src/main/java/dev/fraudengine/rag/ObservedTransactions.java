package dev.fraudengine.rag;

import java.time.Instant;
import java.util.Arrays;

/*
 * A bounded, first-in-first-out map from transaction id to its observed embedding, in flat arrays: the same
 * behaviour as a LinkedHashMap in insertion order with removeEldestEntry, without an object per transaction.
 *
 * Every scored transaction is observed and most are never labelled, so the map is written on every decision and
 * its entries live long enough (a bound's worth of decisions) to be copied by young collections and promoted. Here an
 * entry is a slot of a ring of parallel arrays (the id and its hash, the embedding's values in one float[], the event
 * time, a stamp), indexed by an open-addressing table of slot numbers keyed by the id's hash (linear probing,
 * deletion by backward shift; probes and shifts compare the stored hashes and read an id string only on a match).
 * Putting a new id writes the slot at the ring's tail; putting a known id overwrites its slot in place, keeping its
 * position, as LinkedHashMap does; removing an id leaves a hole (a null id) that the head skips. While the map holds
 * its bound, putting evicts the oldest live entry. When the ring is full of entries and holes, it grows (doubling up
 * to about 1.25 times the bound) or, at that size, is compacted: live entries move towards the head in order and the
 * table is rebuilt, O(capacity) once per at least a quarter-bound of removals. Nothing is allocated per put but the
 * caller's id.
 *
 * One lock guards it: a put is a few array writes, shorter than the lock-free map's allocations and CAS loops were.
 */
/** The embeddings of recently scored transactions awaiting a label; bounded, oldest first out; thread-safe. */
final class ObservedTransactions {

  /**
   * A copy of a transaction's embedding and event time, as observed.
   *
   * @param vector the embedding (a copy: the map keeps its own)
   * @param eventTime the transaction's event time
   * @param stamp identifies this value of the entry: a later put of the same id gives another
   */
  record Observed(float[] vector, Instant eventTime, long stamp) {}

  private static final int INITIAL_CAPACITY = 1_024;

  private final int bound;
  private final int dimension;
  private final int maxCapacity;
  private String[] ids;
  /** Per slot, the spread hash of its id: probes and shifts compare these, not the id strings. */
  private int[] hashes;
  private float[] vectors;
  private long[] seconds;
  private int[] nanos;
  private long[] stamps;
  /** Per table position, a slot + 1, or 0 when empty. */
  private int[] table;
  private long head;
  private long tail;
  private int size;
  private long nextStamp = 1;

  /**
   * An empty map.
   *
   * @param bound the most transactions it holds, positive
   * @param dimension the length of every embedding, positive
   */
  ObservedTransactions(int bound, int dimension) {
    if (bound < 1) {
      throw new IllegalArgumentException("bound must be positive, but was " + bound);
    }
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be positive, but was " + dimension);
    }
    this.bound = bound;
    this.dimension = dimension;
    this.maxCapacity = Math.max(16, Integer.highestOneBit(bound + (bound >> 2) - 1) << 1);
    allocate(Math.min(INITIAL_CAPACITY, maxCapacity));
  }

  /**
   * Remembers a transaction; a known id keeps its place and takes the new value.
   *
   * @param id the transaction's id
   * @param vector its embedding, of the map's dimension; copied
   * @param eventTime its event time
   */
  synchronized void put(String id, float[] vector, Instant eventTime) {
    if (vector.length != dimension) {
      throw new IllegalArgumentException("vector must have dimension " + dimension + ", but had " + vector.length);
    }
    int at = find(id);
    if (at >= 0) {
      write(table[at] - 1, vector, eventTime);
      return;
    }
    if (size >= bound) {
      evictOldest();
    }
    if (tail - head == ids.length) {
      if (ids.length < maxCapacity) {
        allocateAndMove(ids.length * 2);
      } else {
        allocateAndMove(ids.length);
      }
    }
    int slot = (int) (tail & (ids.length - 1));
    tail++;
    ids[slot] = id;
    hashes[slot] = spread(id.hashCode());
    write(slot, vector, eventTime);
    index(slot);
    size++;
  }

  /** Returns a copy of the value of an id, or null. */
  synchronized Observed get(String id) {
    int at = find(id);
    return at < 0 ? null : copy(table[at] - 1);
  }

  /** Forgets an id; returns a copy of its value, or null. */
  synchronized Observed remove(String id) {
    int at = find(id);
    if (at < 0) {
      return null;
    }
    int slot = table[at] - 1;
    Observed o = copy(slot);
    drop(at, slot);
    return o;
  }

  /** Forgets an id if its value is still the one of that stamp (no put of the id since). */
  synchronized void remove(String id, long stamp) {
    int at = find(id);
    if (at >= 0 && stamps[table[at] - 1] == stamp) {
      drop(at, table[at] - 1);
    }
  }

  /** The number of transactions remembered, at most the bound. */
  synchronized int size() {
    return size;
  }

  /** The ring's current number of slots, entries and holes (for tests): at most about 1.25 times the bound. */
  synchronized int capacity() {
    return ids.length;
  }

  private void write(int slot, float[] vector, Instant eventTime) {
    System.arraycopy(vector, 0, vectors, slot * dimension, dimension);
    seconds[slot] = eventTime.getEpochSecond();
    nanos[slot] = eventTime.getNano();
    stamps[slot] = nextStamp++;
  }

  private Observed copy(int slot) {
    float[] v = Arrays.copyOfRange(vectors, slot * dimension, (slot + 1) * dimension);
    return new Observed(v, Instant.ofEpochSecond(seconds[slot], nanos[slot]), stamps[slot]);
  }

  /** Removes the entry of a slot, indexed at table position at, and moves the head past holes. */
  private void drop(int at, int slot) {
    unindex(at);
    ids[slot] = null;
    size--;
    skipHoles();
  }

  private void evictOldest() {
    skipHoles();
    int slot = (int) (head & (ids.length - 1));
    drop(position(slot), slot);
  }

  /** The table position of a live slot. */
  private int position(int slot) {
    int tmask = table.length - 1;
    int i = hashes[slot] & tmask;
    while (table[i] != slot + 1) {
      i = (i + 1) & tmask;
    }
    return i;
  }

  private void skipHoles() {
    int mask = ids.length - 1;
    while (head < tail && ids[(int) (head & mask)] == null) {
      head++;
    }
  }

  /** The table position of an id, or -1. */
  private int find(String id) {
    int tmask = table.length - 1;
    int h = spread(id.hashCode());
    for (int i = h & tmask; ; i = (i + 1) & tmask) {
      int e = table[i];
      if (e == 0) {
        return -1;
      }
      if (hashes[e - 1] == h && id.equals(ids[e - 1])) {
        return i;
      }
    }
  }

  private void index(int slot) {
    int tmask = table.length - 1;
    int i = hashes[slot] & tmask;
    while (table[i] != 0) {
      i = (i + 1) & tmask;
    }
    table[i] = slot + 1;
  }

  /** Clears a table position, shifting back the entries after it whose probe passed it (linear probing). */
  private void unindex(int at) {
    int tmask = table.length - 1;
    int hole = at;
    for (int j = (at + 1) & tmask; table[j] != 0; j = (j + 1) & tmask) {
      int home = hashes[table[j] - 1] & tmask;
      // the entry at j may move to the hole unless its home lies cyclically in (hole, j]
      boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (!stays) {
        table[hole] = table[j];
        hole = j;
      }
    }
    table[hole] = 0;
  }

  private static int spread(int h) {
    h *= 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  private void allocate(int capacity) {
    ids = new String[capacity];
    hashes = new int[capacity];
    vectors = new float[capacity * dimension];
    seconds = new long[capacity];
    nanos = new int[capacity];
    stamps = new long[capacity];
    table = new int[capacity * 2];
  }

  /** Moves the live entries, in order, to the start of fresh arrays of a capacity, and indexes them again. */
  private void allocateAndMove(int capacity) {
    String[] oldIds = ids;
    int[] oldHashes = hashes;
    float[] oldVectors = vectors;
    long[] oldSeconds = seconds;
    int[] oldNanos = nanos;
    long[] oldStamps = stamps;
    int mask = oldIds.length - 1;
    allocate(capacity);
    int n = 0;
    for (long p = head; p < tail; p++) {
      int from = (int) (p & mask);
      if (oldIds[from] == null) {
        continue;
      }
      ids[n] = oldIds[from];
      hashes[n] = oldHashes[from];
      System.arraycopy(oldVectors, from * dimension, vectors, n * dimension, dimension);
      seconds[n] = oldSeconds[from];
      nanos[n] = oldNanos[from];
      stamps[n] = oldStamps[from];
      index(n);
      n++;
    }
    head = 0;
    tail = n;
  }
}
