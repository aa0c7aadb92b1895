package dev.fraudengine.features;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/*
 * Finds, from a transaction id given to feedback, the events its label belongs to: the event time, the id's hash
 * and the keys and states of the entities that keep labels. Entries are kept in arrival order (close to event-time
 * order, within the allowed lateness) and dropped once no label-delayed window can reach them any more
 * (time <= watermark - retention), or, oldest first, beyond a size bound (counted).
 *
 * Layout, for no object per transaction: the entries are a ring buffer of parallel columns (id; time and hashes;
 * per label-keeping entity its key and state), oldest at `first`; an open-addressing table (linear probing on the
 * id's String hash, at most half full, backward-shift deletion as in Knuth, TAOCP vol. 3, 6.4, Algorithm R) maps an
 * id to its ring slot. A table cell holds the id's hash beside the slot, so that probing, inserting and removing
 * read no cold id string and no other column (a lookup touches few cache lines). Both double when full. A second put of an id updates its entry in place, keeping its place
 * in arrival order (as a LinkedHashMap would).
 *
 * Thread-safe: one lock; each operation is O(1) amortized.
 */
final class LabelIndex {
  /**
   * One remembered transaction, as read or restored: its time and id hash, and per label-keeping entity its key
   * (for snapshots) and the state object it was recorded in. Holding the state itself spares a map lookup per
   * label; if that state has been evicted since, the event is gone with it and the label is rightly applied to
   * nothing that matters.
   */
  record Entry(long time, int txHash, String[] keys, EntityState[] states) {}

  private static final int INITIAL = 1 << 10;

  private final int groups;
  private final int[] keyIndex;
  private final int[] groupIndex;
  private final long retention;
  private final long maxEntries;
  private String[] ids;
  /** Per ring slot, two longs: the event time, then the id's table hash (high half) and the id hash (low half). */
  private long[] rows;
  private String[] keys;
  private EntityState[] states;
  private int first;
  private int size;
  /** Per table cell: the id's table hash (high half) and its ring slot + 1 (low half); 0 for an empty cell. */
  private long[] table;
  private long evicted;

  /**
   * @param keyIndex per label-keeping group, the index of its key in the pipeline's key array
   * @param groupIndex per label-keeping group, its index in the pipeline's group array
   */
  LabelIndex(int[] keyIndex, int[] groupIndex, long retention, long maxEntries) {
    this.groups = keyIndex.length;
    this.keyIndex = keyIndex.clone();
    this.groupIndex = groupIndex.clone();
    this.retention = retention;
    this.maxEntries = maxEntries;
    allocate(INITIAL);
  }

  private void allocate(int capacity) {
    ids = new String[capacity];
    rows = new long[2 * capacity];
    keys = new String[capacity * groups];
    states = new EntityState[capacity * groups];
    table = new long[2 * capacity];
    first = 0;
    size = 0;
  }

  /**
   * Remembers a transaction: its keys and recorded states are read from the pipeline's per-transaction arrays.
   */
  synchronized void put(String id, long time, int txHash, String[] allKeys, EntityState[] recorded, long watermark) {
    int slot = slotFor(id);
    rows[2 * slot] = time;
    rows[2 * slot + 1] = (rows[2 * slot + 1] & 0xFFFF_FFFF_0000_0000L) | (txHash & 0xFFFF_FFFFL);
    for (int j = 0; j < groups; j++) {
      keys[slot * groups + j] = allKeys[keyIndex[j]];
      states[slot * groups + j] = recorded[groupIndex[j]];
    }
    long cutoff = watermark - retention;
    while (size > 0) {
      if (rows[2 * first] <= cutoff) {
        removeOldest();
      } else if (size > maxEntries) {
        removeOldest();
        evicted++;
      } else {
        break;
      }
    }
  }

  private void putEntry(String id, Entry e) {
    int slot = slotFor(id);
    rows[2 * slot] = e.time();
    rows[2 * slot + 1] = (rows[2 * slot + 1] & 0xFFFF_FFFF_0000_0000L) | (e.txHash() & 0xFFFF_FFFFL);
    for (int j = 0; j < groups; j++) {
      keys[slot * groups + j] = j < e.keys().length ? e.keys()[j] : null;
      states[slot * groups + j] = e.states() != null && j < e.states().length ? e.states()[j] : null;
    }
  }

  /** The ring slot of {@code id}: its own if present (keeping its place), else a new one at the tail. */
  private int slotFor(String id) {
    int slot = find(id);
    if (slot >= 0) {
      return slot;
    }
    if (size == ids.length) {
      grow();
    }
    slot = (first + size) & (ids.length - 1);
    ids[slot] = id;
    size++;
    int h = mix(id);
    rows[2 * slot + 1] = (long) h << 32;
    insert(h, slot);
    return slot;
  }

  /**
   * Reads, without the lock, the table cell a {@link #put} of {@code id} will probe first and the row of the oldest
   * entry (which the put may remove; see {@link #touchOldest}), and returns what it read: a racy read that only warms the caches (see
   * OnlineFeaturePipeline.process). Every index is checked; nothing is written.
   */
  long touch(String id) {
    long[] t = table;
    long[] r = rows;
    int f = first;
    long x = t[mix(id) & (t.length - 1)];
    if (2 * f + 1 < r.length) {
      x += r[2 * f + 1];
    }
    return x;
  }

  /** The second step of {@link #touch}: the table cell of the oldest entry, found from its row (now cached). */
  long touchOldest() {
    long[] t = table;
    long[] r = rows;
    int f = first;
    return 2 * f + 1 < r.length ? t[(int) (r[2 * f + 1] >>> 32) & (t.length - 1)] : 0;
  }

  private static int mix(String id) {
    int h = id.hashCode() * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  /** The ring slot of {@code id}, or -1. Probing compares table hashes and reads no other id than a match. */
  private int find(String id) {
    int h = mix(id);
    int mask = table.length - 1;
    for (int i = h & mask; table[i] != 0; i = (i + 1) & mask) {
      long cell = table[i];
      if ((int) (cell >>> 32) == h) {
        int slot = (int) cell - 1;
        String other = ids[slot];
        if (other == id || other.equals(id)) {
          return slot;
        }
      }
    }
    return -1;
  }

  private void insert(int h, int slot) {
    int mask = table.length - 1;
    int i = h & mask;
    while (table[i] != 0) {
      i = (i + 1) & mask;
    }
    table[i] = ((long) h << 32) | (slot + 1);
  }

  private void removeOldest() {
    int slot = first;
    int mask = table.length - 1;
    int i = (int) (rows[2 * slot + 1] >>> 32) & mask;
    while ((int) table[i] != slot + 1) {
      i = (i + 1) & mask;
    }
    int hole = i;
    for (int j = (hole + 1) & mask; table[j] != 0; j = (j + 1) & mask) {
      int home = (int) (table[j] >>> 32) & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        table[hole] = table[j];
        hole = j;
      }
    }
    table[hole] = 0;
    ids[slot] = null;
    for (int j = 0; j < groups; j++) {
      keys[slot * groups + j] = null;
      states[slot * groups + j] = null;
    }
    first = (first + 1) & (ids.length - 1);
    size--;
  }

  private void grow() {
    String[] oldIds = ids;
    long[] oldRows = rows;
    String[] oldKeys = keys;
    EntityState[] oldStates = states;
    int oldFirst = first;
    int n = size;
    int mask = oldIds.length - 1;
    allocate(oldIds.length * 2);
    for (int x = 0; x < n; x++) {
      int from = (oldFirst + x) & mask;
      ids[x] = oldIds[from];
      rows[2 * x] = oldRows[2 * from];
      rows[2 * x + 1] = oldRows[2 * from + 1];
      System.arraycopy(oldKeys, from * groups, keys, x * groups, groups);
      System.arraycopy(oldStates, from * groups, states, x * groups, groups);
      insert((int) (rows[2 * x + 1] >>> 32), x);
    }
    size = n;
  }

  /** The entry of {@code id} without its keys (what feedback needs), or {@code null}. */
  synchronized Entry get(String id) {
    int slot = find(id);
    if (slot < 0) {
      return null;
    }
    EntityState[] s = new EntityState[groups];
    System.arraycopy(states, slot * groups, s, 0, groups);
    return new Entry(rows[2 * slot], (int) rows[2 * slot + 1], null, s);
  }

  private Entry entry(int slot) {
    String[] k = new String[groups];
    EntityState[] s = new EntityState[groups];
    System.arraycopy(keys, slot * groups, k, 0, groups);
    System.arraycopy(states, slot * groups, s, 0, groups);
    return new Entry(rows[2 * slot], (int) rows[2 * slot + 1], k, s);
  }

  synchronized long evicted() {
    return evicted;
  }

  synchronized int size() {
    return size;
  }

  /** The entries, oldest first. */
  synchronized List<Map.Entry<String, Entry>> entries() {
    List<Map.Entry<String, Entry>> list = new ArrayList<>(size);
    for (int x = 0; x < size; x++) {
      int slot = (first + x) & (ids.length - 1);
      list.add(new AbstractMap.SimpleImmutableEntry<>(ids[slot], entry(slot)));
    }
    return list;
  }

  synchronized void clear() {
    allocate(INITIAL);
  }

  synchronized void putAll(List<Map.Entry<String, Entry>> restored) {
    for (Map.Entry<String, Entry> e : restored) {
      putEntry(e.getKey(), e.getValue());
    }
  }

  /** Approximate heap bytes held (the ids' strings aside). */
  synchronized long bytes() {
    return 5 * 16L + ids.length * (4L + 16 + 8L * groups) + 8L * table.length;
  }
}
