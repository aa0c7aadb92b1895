package dev.fraudengine.features;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/*
 * Finds, from a transaction id given to feedback, the events its label belongs to: the event time, the id's hash
 * and the states of the entities that keep labels. Entries are kept in arrival order (close to event-time order,
 * within the allowed lateness) and dropped once no label-delayed window can reach them any more
 * (time <= watermark - retention), or, oldest first, beyond a size bound (counted). A second put of an id updates
 * its entry in place, keeping its place in arrival order (as a LinkedHashMap would).
 *
 * No strings are kept, so that a put allocates nothing that outlives it:
 *
 * - Entity keys: a snapshot finds a state's key in its entity map (a state no longer there has been evicted, and its
 *   events with it). Keys held here would be the transactions' own strings, two or more per indexed transaction.
 * - Transaction ids: an entry is matched by the id's 64-bit keyed fingerprint alone (CompactEntityMap.fingerprint
 *   under a random per-index seed), held in a primitive column. An id String per indexed transaction (7 million,
 *   about 0.45 GB, in FeaturePipelineBenchmark) lived for the label retention: each was copied between survivor
 *   spaces and promoted, much of the young pauses' work. Two distinct ids of n indexed share a fingerprint with
 *   probability about n^2 / 2^65 (10^-6 for 7 million, 7 * 10^-5 at the default bound of 50 million); such a pair
 *   is one entry (the later put updates the earlier's in place) and a label for either reaches it. The seed is
 *   secret and new for each index, unless restored from a snapshot (which holds fingerprints and the seed, not ids),
 *   so ids cannot be chosen offline to collide; the hash is not a cryptographic MAC, though.
 *
 * Layout, for no object per transaction and no long pause when the index grows:
 *
 * - Every entry gets a sequence number, one more than the last; the live entries are the numbers
 *   [first, first + size). Their columns (time and fingerprint; id hash; per label-keeping entity its state) sit in
 *   fixed-size pages of 2^pageBits entries, and a directory of pages (power-of-two length d) is a ring: number s lives
 *   in page (s >>> pageBits) & (d - 1) at offset s & (page - 1). Pages are allocated when the tail first reaches
 *   them. When the ring is full the directory doubles and the pages keep their entries: each moves, by reference,
 *   to the place its page number now maps to. Only when the head is in the middle of a page is that page shared by
 *   the oldest and the newest entries; these then part, and the smaller part is copied to a fresh page (at most half
 *   a page of entries).
 * - An open-addressing table maps a fingerprint to its sequence number: 64 independent sub-tables, chosen by the top
 *   bits of the fingerprint, each probed linearly and kept at most half full, so one sweep or doubling touches about
 *   1/64 of the entries. A cell holds the fingerprint's high half beside the low 31 bits of the sequence number with
 *   bit 31 set (low half; 0 is an empty cell): live numbers span fewer than 2^31, so the low bits and `first` give
 *   the number back, and neither page moves nor the wrap of the low bits touch the table. Probing reads the full
 *   fingerprint of a cell whose high half matches (rarely more than the one found), and takes a cell for its entry
 *   only if the number it gives is live and that entry's row holds the fingerprint probed for.
 * - Removal is lazy. Dropping the oldest entries only moves `first`: their cells stay, dead, as the number they give
 *   is no longer live (or, after 2^31 later numbers, one whose row holds another fingerprint: such a cell is never
 *   taken for an entry, and deleted by a later sweep). A sub-table about to pass half full is swept in place instead:
 *   its dead cells are deleted in one pass over it (backward-shift deletion, Knuth, TAOCP vol. 3, 6.4, Algorithm R,
 *   started after an empty cell so that no probe run crosses the sweep's start), and only if more than 3/8 of it is
 *   still live does it double. Eager removal cost a random table access per indexed transaction (the oldest entry's
 *   cell, long out of cache); a sweep reads its sub-table in order, a few cells per transaction. Dead cells lengthen
 *   probe runs no more than live ones did (the bound is the same half).
 *
 * The largest single step is thus one sub-table sweep or doubling (1/64 of the table) or one page allocated or
 * half-copied, not a copy of everything.
 *
 * Thread-safe: one lock; each operation is O(1) amortized. touch reads without it, only to warm caches.
 */
final class LabelIndex {
  /**
   * One remembered transaction, as read or restored: its id's fingerprint (under the index's seed), its time and id
   * hash, and per label-keeping entity the state object it was recorded in, or null. Holding the state itself
   * spares a map lookup per label; if that state has been evicted since, the event is gone with it and the label is
   * rightly applied to nothing that matters.
   */
  record Entry(long fingerprint, long time, int txHash, EntityState[] states) {}

  /** Entries per page, as a power of two: 4,096. */
  static final int PAGE_BITS = 12;
  private static final int TABLE_BITS = 6;
  private static final int SUB_TABLE_INITIAL = 16;
  private static final long MARK = 1L << 31;

  /** One page of the ring; final fields, so that a racy reader sees the arrays of any page it sees. */
  private static final class Page {
    /** Per entry, two longs: the event time, then the id's fingerprint. */
    final long[] rows;
    /** Per entry, the id's String hash (what the entities' events hold). */
    final int[] txHashes;
    final EntityState[] states;

    Page(int entries, int groups) {
      rows = new long[2 * entries];
      txHashes = new int[entries];
      states = new EntityState[entries * groups];
    }
  }

  private final int groups;
  private final int[] groupIndex;
  private final long retention;
  private final long maxEntries;
  private final int pageBits;
  private final int pageMask;
  private Page[] pages;
  /** The sequence number of the oldest entry. */
  private long first;
  private int size;
  /** The fingerprints' key; written only by restore (see {@link #fingerprint}). */
  private volatile long seed;
  /** How many times {@link #restore} has run: a fingerprint taken before one may be under another seed. */
  private volatile int restores;
  /** The sub-tables; a cell holds the fingerprint's high half and MARK | its sequence number's low 31 bits. */
  private final long[][] tables = new long[1 << TABLE_BITS][];
  /** Per sub-table, its occupied cells, live or dead (see removeOldest). */
  private final int[] counts = new int[1 << TABLE_BITS];
  private long evicted;

  /**
   * @param groupIndex per label-keeping group, its index in the pipeline's group array
   */
  LabelIndex(int[] groupIndex, long retention, long maxEntries) {
    this(groupIndex, retention, maxEntries, PAGE_BITS, 0, new SecureRandom().nextLong());
  }

  /**
   * For tests: small pages, a first sequence number near a wrap of the table's low 31 bits, and a given fingerprint
   * seed.
   */
  LabelIndex(int[] groupIndex, long retention, long maxEntries, int pageBits, long firstSeq, long seed) {
    if (pageBits < 0 || pageBits > 20) {
      throw new IllegalArgumentException("pageBits must be in [0, 20], but was " + pageBits);
    }
    if (firstSeq < 0) {
      throw new IllegalArgumentException("firstSeq must be >= 0, but was " + firstSeq);
    }
    this.groups = groupIndex.length;
    this.groupIndex = groupIndex.clone();
    this.retention = retention;
    this.maxEntries = maxEntries;
    this.pageBits = pageBits;
    this.pageMask = (1 << pageBits) - 1;
    this.first = firstSeq;
    this.seed = seed;
    allocate();
  }

  private void allocate() {
    pages = new Page[1];
    for (int s = 0; s < tables.length; s++) {
      tables[s] = new long[SUB_TABLE_INITIAL];
      counts[s] = 0;
    }
    size = 0;
  }

  private Page page(long seq) {
    return pages[(int) (seq >>> pageBits) & (pages.length - 1)];
  }

  /**
   * The fingerprint of a transaction id under this index's seed: what {@link #touch} and {@link #put} take. Computed
   * without the lock; a fingerprint taken before a concurrent {@link #restore} (which may change the seed) would
   * miss, which is why restore is not to run concurrently with puts.
   */
  long fingerprint(String id) {
    return CompactEntityMap.fingerprint(id, seed);
  }

  /** The fingerprints' seed, as a snapshot keeps it. */
  long seed() {
    return seed;
  }

  /**
   * How many times {@link #restore} has run: fingerprints taken while this count stays the same were taken under
   * the same seed.
   */
  int restores() {
    return restores;
  }

  /**
   * Remembers a transaction by its id's {@link #fingerprint}: its recorded states are read from the pipeline's
   * per-transaction array. Allocates nothing but, now and then, a page or a larger sub-table.
   *
   * @return the entry's sequence number, a hint for {@link #get(String, long, long[], EntityState[])}
   */
  synchronized long put(long fp, long time, int txHash, EntityState[] recorded, long watermark) {
    long seq = seqFor(fp);
    Page p = page(seq);
    int o = (int) seq & pageMask;
    p.rows[2 * o] = time;
    p.txHashes[o] = txHash;
    for (int j = 0; j < groups; j++) {
      p.states[o * groups + j] = recorded[groupIndex[j]];
    }
    long cutoff = watermark - retention;
    while (size > 0) {
      if (page(first).rows[2 * ((int) first & pageMask)] <= cutoff) {
        removeOldest();
      } else if (size > maxEntries) {
        removeOldest();
        evicted++;
      } else {
        break;
      }
    }
    return seq;
  }

  private void putEntry(Entry e) {
    long seq = seqFor(e.fingerprint());
    Page p = page(seq);
    int o = (int) seq & pageMask;
    p.rows[2 * o] = e.time();
    p.txHashes[o] = e.txHash();
    for (int j = 0; j < groups; j++) {
      p.states[o * groups + j] = e.states() != null && j < e.states().length ? e.states()[j] : null;
    }
  }

  /** The sequence number of {@code fp}: its own if present (keeping its place), else a new one at the tail. */
  private long seqFor(long fp) {
    long seq = find(fp);
    if (seq >= 0) {
      return seq;
    }
    if (size == (long) pages.length << pageBits) {
      grow();
    }
    seq = first + size;
    int at = (int) (seq >>> pageBits) & (pages.length - 1);
    Page p = pages[at];
    if (p == null) {
      p = new Page(1 << pageBits, groups);
      pages[at] = p;
    }
    int o = (int) seq & pageMask;
    p.rows[2 * o + 1] = fp;
    size++;
    insert((int) (fp >>> 32), seq);
    return seq;
  }

  /**
   * Reads, without the lock, the table cell a {@link #put} of {@code fp} will probe first, and returns what it read:
   * a racy read that only warms the cache (see OnlineFeaturePipeline.process). Every index is checked; nothing is
   * written.
   */
  long touch(long fp) {
    int h = (int) (fp >>> 32);
    long[] t = tables[h >>> (32 - TABLE_BITS)];
    return t[h & (t.length - 1)];
  }

  /** The live sequence number whose low 31 bits a cell holds. */
  private long seqOf(long cell) {
    return first + (((int) cell - (int) first) & 0x7FFF_FFFF);
  }

  /**
   * The sequence number of {@code fp}, or -1. Probing compares high halves and reads the full fingerprint of a
   * match only: a live entry's (a dead cell gives a number that is not live, or one whose row holds another
   * fingerprint).
   */
  private long find(long fp) {
    int h = (int) (fp >>> 32);
    long[] t = tables[h >>> (32 - TABLE_BITS)];
    int mask = t.length - 1;
    for (int i = h & mask; t[i] != 0; i = (i + 1) & mask) {
      long cell = t[i];
      if ((int) (cell >>> 32) == h) {
        long seq = seqOf(cell);
        if (seq - first < size && page(seq).rows[2 * ((int) seq & pageMask) + 1] == fp) {
          return seq;
        }
      }
    }
    return -1;
  }

  /**
   * Whether a cell is occupied and the number it gives is not live: what a sweep deletes (a dead cell older than 2^31
   * numbers may pass for live, and waits for a later sweep). Without a short-circuit, so that a sweep takes one
   * branch per cell, rarely mispredicted, where empty, live and dead cells come in random order.
   */
  private boolean dead(long cell) {
    return cell != 0 & (((int) cell - (int) first) & 0x7FFF_FFFF) >= size;
  }

  private void insert(int h, long seq) {
    int s = h >>> (32 - TABLE_BITS);
    if (2 * (counts[s] + 1) > tables[s].length) {
      sweep(s);
      if (8 * (counts[s] + 1) > 3 * tables[s].length) {
        growTable(s);
      }
    }
    long[] t = tables[s];
    int mask = t.length - 1;
    int i = h & mask;
    while (t[i] != 0) {
      i = (i + 1) & mask;
    }
    t[i] = ((long) h << 32) | MARK | (seq & 0x7FFF_FFFFL);
    counts[s]++;
  }

  /**
   * Deletes the dead cells of sub-table {@code s} in one pass (see the class comment), leaving its live cells where
   * a probe finds them.
   */
  private void sweep(int s) {
    long[] t = tables[s];
    int mask = t.length - 1;
    int start = 0;
    while (t[start] != 0) {
      start++;
    }
    int removed = 0;
    // no probe run crosses the empty cell at start, and shifting never moves a cell before the hole it fills
    for (int n = 1, i = (start + 1) & mask; n < t.length; n++, i = (i + 1) & mask) {
      while (dead(t[i])) {
        int hole = i;
        for (int j = (hole + 1) & mask; t[j] != 0; j = (j + 1) & mask) {
          int home = (int) (t[j] >>> 32) & mask;
          if (((j - home) & mask) >= ((j - hole) & mask)) {
            t[hole] = t[j];
            hole = j;
          }
        }
        t[hole] = 0;
        removed++;
      }
    }
    counts[s] -= removed;
  }

  private void growTable(int s) {
    long[] old = tables[s];
    long[] t = new long[2 * old.length];
    int mask = t.length - 1;
    for (long cell : old) {
      if (cell != 0) {
        int i = (int) (cell >>> 32) & mask;
        while (t[i] != 0) {
          i = (i + 1) & mask;
        }
        t[i] = cell;
      }
    }
    tables[s] = t;
  }

  /** Drops the oldest entry; its table cell stays, dead, until its sub-table is swept. */
  private void removeOldest() {
    Page p = page(first);
    int o = (int) first & pageMask;
    for (int j = 0; j < groups; j++) {
      p.states[o * groups + j] = null;
    }
    first++;
    size--;
  }

  /**
   * Doubles the directory of a full ring. Each page number in use maps to a new place; its page moves there whole,
   * except the page the head and the tail share when the head is mid-page: the smaller part moves to a new page.
   */
  private void grow() {
    Page[] old = pages;
    int d = old.length;
    if ((long) d << (pageBits + 1) > Integer.MAX_VALUE) {
      throw new IllegalStateException("label index full at " + size + " entries");
    }
    Page[] dir = new Page[2 * d];
    long head = first >>> pageBits;
    int cut = (int) first & pageMask;
    for (long n = head; n < head + d; n++) {
      dir[(int) n & (2 * d - 1)] = old[(int) n & (d - 1)];
    }
    if (cut != 0) {
      Page shared = old[(int) head & (d - 1)];
      Page fresh = new Page(1 << pageBits, groups);
      int tailPlace = (int) (head + d) & (2 * d - 1);
      if (cut <= (1 << pageBits) - cut) {
        move(shared, fresh, 0, cut);
        dir[tailPlace] = fresh;
      } else {
        move(shared, fresh, cut, 1 << pageBits);
        dir[(int) head & (2 * d - 1)] = fresh;
        dir[tailPlace] = shared;
      }
    }
    pages = dir;
  }

  /** Moves the entries at offsets [from, to) of one page to the same offsets of another, clearing the source. */
  private void move(Page src, Page dst, int from, int to) {
    System.arraycopy(src.rows, 2 * from, dst.rows, 2 * from, 2 * (to - from));
    System.arraycopy(src.txHashes, from, dst.txHashes, from, to - from);
    System.arraycopy(src.states, from * groups, dst.states, from * groups, (to - from) * groups);
    Arrays.fill(src.states, from * groups, to * groups, null);
  }

  /** The entry of {@code id}, or {@code null}. */
  Entry get(String id) {
    long[] row = new long[2];
    EntityState[] s = new EntityState[groups];
    return get(id, -1, row, s) ? new Entry(fingerprint(id), row[0], (int) row[1], s) : null;
  }

  /**
   * Reads the entry of {@code id} into arrays of the caller's, allocating nothing: its time into {@code row[0]}, its
   * id hash into {@code row[1]} and its states into {@code states[0, groups)}.
   *
   * @param hint the sequence number {@link #put} returned for {@code id}, or -1: where the entry is looked at first.
   *     Only a hint: the entry found is always {@code id}'s own (a stale or wrong hint costs a table lookup). A
   *     replay delivers labels in about the order it put their transactions, so hinted entries are read in
   *     sequence, page after page, where a table lookup is a random access
   * @return whether {@code id}'s fingerprint is indexed (if not, the arrays are left as they were)
   */
  boolean get(String id, long hint, long[] row, EntityState[] states) {
    return get(fingerprint(id), hint, row, states);
  }

  /**
   * {@link #get(String, long, long[], EntityState[])} of the id whose {@link #fingerprint} is {@code fp}, taken
   * under the current seed (see {@link #restores}): what a replay kept from the put, so that the id, cold by the
   * time its label comes, is neither read nor hashed again.
   */
  synchronized boolean get(long fp, long hint, long[] row, EntityState[] states) {
    long seq = -1;
    if (hint >= first && hint - first < size && page(hint).rows[2 * ((int) hint & pageMask) + 1] == fp) {
      seq = hint;
    }
    if (seq < 0) {
      seq = find(fp);
      if (seq < 0) {
        return false;
      }
    }
    Page p = page(seq);
    int o = (int) seq & pageMask;
    row[0] = p.rows[2 * o];
    row[1] = p.txHashes[o];
    System.arraycopy(p.states, o * groups, states, 0, groups);
    return true;
  }

  synchronized long evicted() {
    return evicted;
  }

  synchronized int size() {
    return size;
  }

  /** The entries, oldest first. */
  synchronized List<Entry> entries() {
    List<Entry> list = new ArrayList<>(size);
    for (long seq = first; seq < first + size; seq++) {
      Page p = page(seq);
      int o = (int) seq & pageMask;
      EntityState[] s = new EntityState[groups];
      System.arraycopy(p.states, o * groups, s, 0, groups);
      list.add(new Entry(p.rows[2 * o + 1], p.rows[2 * o], p.txHashes[o], s));
    }
    return list;
  }

  synchronized void clear() {
    first += size;
    allocate();
  }

  /**
   * Replaces every entry by {@code restored}'s, in their order, and adopts the seed their fingerprints were taken
   * under, so that the ids they were put with are found again.
   */
  synchronized void restore(long restoredSeed, List<Entry> restored) {
    clear();
    seed = restoredSeed;
    restores++;
    for (Entry e : restored) {
      putEntry(e);
    }
  }

  /** Approximate heap bytes held. */
  synchronized long bytes() {
    long b = 16 + 4L * pages.length;
    long perPage = 16 + 3 * 16 + ((16L + 4 + 4L * groups) << pageBits);
    for (Page p : pages) {
      b += p == null ? 0 : perPage;
    }
    b += 2 * 16 + 4L * tables.length + 4L * counts.length;
    for (long[] t : tables) {
      b += 16 + 8L * t.length;
    }
    return b;
  }
}
