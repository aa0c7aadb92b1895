package dev.fraudengine.features;

import java.security.SecureRandom;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/*
 * The default entity map: a few million entities at a handful of cache misses a lookup, no object per entry.
 *
 * Layout. The map is split into 2^k segments (k chosen from the size bound, at most 64 segments), each an
 * open-addressing table with linear probing over primitive arrays: per slot two longs side by side in `table`
 * (the key's fingerprint, 0 for an empty slot, and the event time of the last access), and, in two parallel object
 * arrays, the state and the key (kept for snapshots only, never read by a lookup). A lookup computes the key's
 * fingerprint, reads the probe run in `table` (one or two cache lines at the load kept, at most one half) and the
 * state reference beside the match: no node, no key string and no access-order list is touched, where a
 * ConcurrentHashMap-backed cache reads its bucket, node, key string and key bytes and relinks its access list.
 * Deletion is backward-shift (Knuth, TAOCP vol. 3, 6.4, Algorithm R), so no tombstones build up.
 *
 * Keys. Entries are matched by a 64-bit fingerprint alone: the key string is not compared. The fingerprint is a
 * keyed hash of the key's characters (4 characters at a time through the MurmurHash3 64-bit finaliser, a
 * bijection, starting from a random per-map seed, then the length): two distinct keys of one map share a state
 * with probability about n^2 / 2^65 over n keys (3 * 10^-8 for a million cards). The seed is secret and new for
 * each map (snapshots hold keys, not fingerprints), so keys cannot be chosen offline to collide; the hash is not a
 * cryptographic MAC, though, so pseudonymise keys (HMAC) or pick the Caffeine map
 * (OnlineFeaturePipeline.Builder.entityMap) where an adversary may probe the map or even those odds are too high.
 *
 * Bounds, on the pipeline's event-time clock (the watermark), as the Caffeine map keeps them:
 *   - size: a segment holds at most maxEntities / segments entries (a map therefore may evict a little before it
 *     holds maxEntities in total, as the segments do not fill evenly). A full segment evicts before an insert:
 *     of 8 occupied slots from a random start, the least recently accessed (sampled approximate LRU, as Redis does;
 *     a segment of at most 8 entries is scanned whole, so small maps evict exactly the least recently used);
 *   - idle time: an entry whose last access is idleMillis or more before now is expired. A lookup that finds one
 *     replaces its state by a new one; each insert sweeps a few slots onward from a moving cursor, and a segment
 *     about to grow first removes all its expired entries, so that expired state does not pile up.
 * Every removal for size or idle time is counted.
 *
 * Thread-safety: each segment is its own lock, held for the probe and the bookkeeping only (never while a
 * state is computed on), so threads working on different segments do not wait for each other. prefetch and
 * prefetchState read without the lock, to warm the caches only: racy reads, every index checked, nothing kept.
 */
final class CompactEntityMap implements EntityMap {
  private static final int MAX_SEGMENT_BITS = 6;
  private static final long ENTRIES_PER_SEGMENT = 8192;
  private static final int INITIAL_SLOTS = 16;
  private static final int SAMPLE = 8;
  private static final int SWEEP = 8;

  private final Segment[] segments;
  private final int segmentShift;
  private final long seed;
  private final long segmentMax;
  private final long idleMillis;
  private final LongSupplier clock;
  private final LongAdder evictions;
  private final Supplier<EntityState> factory;

  /**
   * @param maxEntities the size bound, positive
   * @param idleMillis the idle time after which an entry expires, positive
   * @param clock the current event time in ms (the watermark)
   * @param evictions counts removals for size and idle time
   * @param factory makes the state of a new entity
   */
  CompactEntityMap(long maxEntities, long idleMillis, LongSupplier clock, LongAdder evictions,
      Supplier<EntityState> factory) {
    this(maxEntities, idleMillis, clock, evictions, factory, new SecureRandom().nextLong());
  }

  /** As above, with a given fingerprint seed (tests). */
  CompactEntityMap(long maxEntities, long idleMillis, LongSupplier clock, LongAdder evictions,
      Supplier<EntityState> factory, long seed) {
    int bits = 0;
    while (bits < MAX_SEGMENT_BITS && maxEntities >> (bits + 1) >= ENTRIES_PER_SEGMENT) {
      bits++;
    }
    this.segments = new Segment[1 << bits];
    for (int i = 0; i < segments.length; i++) {
      segments[i] = new Segment(seed + i);
    }
    this.segmentShift = 64 - bits;
    this.segmentMax = maxEntities >> bits;
    this.idleMillis = idleMillis;
    this.clock = clock;
    this.evictions = evictions;
    this.factory = factory;
    this.seed = seed;
  }

  /** The fingerprint of {@code key} under {@code seed}: never 0 (the empty slot's mark). */
  static long fingerprint(String key, long seed) {
    long h = seed;
    int n = key.length();
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      h = mix(h ^ (key.charAt(i) | (long) key.charAt(i + 1) << 16 | (long) key.charAt(i + 2) << 32
          | (long) key.charAt(i + 3) << 48));
    }
    long tail = 0;
    for (int shift = 0; i < n; i++, shift += 16) {
      tail |= (long) key.charAt(i) << shift;
    }
    h = mix(mix(h ^ tail) ^ n);
    return h == 0 ? 1 : h;
  }

  /** MurmurHash3's 64-bit finaliser (fmix64): a bijection that spreads every input bit over the output. */
  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  private Segment segment(long fp) {
    return segments.length == 1 ? segments[0] : segments[(int) (fp >>> segmentShift)];
  }

  private long now() {
    return Math.max(0, clock.getAsLong());
  }

  private boolean expired(long lastAccess, long now) {
    return now - lastAccess >= idleMillis;
  }

  /** The fingerprint of {@code key}: computed from the key alone. */
  @Override
  public long hint(String key) {
    return fingerprint(key, seed);
  }

  /**
   * Starts loading, without the lock, the home slot of a fingerprint in the table and, beside it, the line of the
   * state references that holds the home slot's state (the entry is in its home slot unless it collided), so that
   * both lines arrive together instead of one after the other.
   */
  @Override
  public long prefetch(long hint) {
    Segment g = segment(hint);
    long[] t = g.table;
    EntityState[] states = g.states;
    int home = (int) hint & (states.length - 1);
    long x = 0;
    if (2 * home < t.length) {
      x += t[2 * home];
    }
    if (states[home] != null) {
      x++;
    }
    return x;
  }

  /**
   * Finds, without the lock, the state of a fingerprint ({@link #hint}): a racy read of tables that
   * may be changing, used only to warm the caches (every index is checked; it may miss, or see a stale state).
   */
  @Override
  public EntityState prefetchState(long hint) {
    Segment g = segment(hint);
    long[] t = g.table;
    EntityState[] states = g.states;
    int mask = states.length - 1;
    if (hint == 0 || t.length != 2 * states.length) {
      return null;
    }
    for (int i = (int) hint & mask, n = 0; n < 8; i = (i + 1) & mask, n++) {
      long f = t[2 * i];
      if (f == hint) {
        return states[i];
      }
      if (f == 0) {
        return null;
      }
    }
    return null;
  }

  @Override
  public EntityState get(String key, long hint) {
    long fp = hint != 0 ? hint : fingerprint(key, seed);
    Segment g = segment(fp);
    long now = now();
    synchronized (g) {
      int i = g.find(fp);
      if (i >= 0) {
        long[] table = g.table;
        if (expired(table[2 * i + 1], now)) {
          evictions.increment();
          g.states[i] = factory.get();
          g.keys[i] = key;
        }
        table[2 * i + 1] = now;
        return g.states[i];
      }
      EntityState s = factory.get();
      insert(g, fp, key, s, now);
      return s;
    }
  }

  @Override
  public EntityState peek(String key) {
    long fp = fingerprint(key, seed);
    Segment g = segment(fp);
    long now = now();
    synchronized (g) {
      int i = g.find(fp);
      return i < 0 || expired(g.table[2 * i + 1], now) ? null : g.states[i];
    }
  }

  @Override
  public void put(String key, EntityState state) {
    long fp = fingerprint(key, seed);
    Segment g = segment(fp);
    long now = now();
    synchronized (g) {
      int i = g.find(fp);
      if (i >= 0) {
        if (expired(g.table[2 * i + 1], now)) {
          evictions.increment();
        }
        g.states[i] = state;
        g.keys[i] = key;
        g.table[2 * i + 1] = now;
      } else {
        insert(g, fp, key, state, now);
      }
    }
  }

  /** Inserts an absent fingerprint, making room first: evicts for size, or purges idle entries, or grows. */
  private void insert(Segment g, long fp, String key, EntityState state, long now) {
    sweep(g, now);
    if (g.size >= segmentMax) {
      evictOne(g);
    } else if (2 * (g.size + 1) > g.slots()) {
      purge(g, now);
      if (2 * (g.size + 1) > g.slots()) {
        g.resize(2 * g.slots());
      }
    }
    g.place(fp, key, state, now);
  }

  /** Looks at the next few slots of the idle sweep, removing the expired entries. */
  private void sweep(Segment g, long now) {
    int mask = g.slots() - 1;
    int i = g.sweep & mask;
    for (int n = 0; n < SWEEP; n++) {
      long[] table = g.table;
      if (table[2 * i] != 0 && expired(table[2 * i + 1], now)) {
        g.remove(i);
        evictions.increment();
        // the backward shift may have moved a later entry into slot i: look at it again
      } else {
        i = (i + 1) & mask;
      }
    }
    g.sweep = i;
  }

  /** Removes every expired entry of a segment. */
  private void purge(Segment g, long now) {
    long[] table = g.table;
    // Backward shifts only move entries towards the slot being looked at, so one pass from 0 sees every entry (an
    // entry wrapped around from the start may be seen twice, harmlessly).
    for (int i = 0; i < g.slots(); ) {
      if (table[2 * i] != 0 && expired(table[2 * i + 1], now)) {
        g.remove(i);
        evictions.increment();
      } else {
        i++;
      }
    }
  }

  /** Evicts the least recently accessed of a sample of occupied slots. */
  private void evictOne(Segment g) {
    long[] table = g.table;
    int mask = g.slots() - 1;
    int i = g.nextRandom() & mask;
    int victim = -1;
    long oldest = Long.MAX_VALUE;
    for (int seen = 0, n = 0; seen < SAMPLE && n <= mask; n++, i = (i + 1) & mask) {
      if (table[2 * i] != 0) {
        seen++;
        if (table[2 * i + 1] < oldest) {
          oldest = table[2 * i + 1];
          victim = i;
        }
      }
    }
    if (victim >= 0) {
      g.remove(victim);
      evictions.increment();
    }
  }

  @Override
  public List<Map.Entry<String, EntityState>> entries() {
    List<Map.Entry<String, EntityState>> list = new ArrayList<>();
    long now = now();
    for (Segment g : segments) {
      synchronized (g) {
        for (int i = 0; i < g.slots(); i++) {
          if (g.table[2 * i] != 0 && !expired(g.table[2 * i + 1], now)) {
            list.add(new AbstractMap.SimpleImmutableEntry<>(g.keys[i], g.states[i]));
          }
        }
      }
    }
    return list;
  }

  @Override
  public long size() {
    long now = now();
    long n = 0;
    for (Segment g : segments) {
      synchronized (g) {
        purge(g, now);
        n += g.size;
      }
    }
    return n;
  }

  @Override
  public void clear() {
    for (Segment g : segments) {
      synchronized (g) {
        g.allocate(INITIAL_SLOTS);
      }
    }
  }

  /** One lock's share of the map. Every method is called under the segment's lock. */
  private static final class Segment {
    /** Per slot: the fingerprint (0: empty), then the event time of the last access. */
    long[] table;
    EntityState[] states;
    String[] keys;
    int size;
    /** The next slot the idle sweep looks at. */
    int sweep;
    private long random;

    Segment(long seed) {
      random = seed | 1;
      allocate(INITIAL_SLOTS);
    }

    void allocate(int slots) {
      table = new long[2 * slots];
      states = new EntityState[slots];
      keys = new String[slots];
      size = 0;
      sweep = 0;
    }

    int slots() {
      return states.length;
    }

    /** The next number of a xorshift generator, for eviction samples. */
    int nextRandom() {
      long x = random;
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      random = x;
      return (int) (x >>> 32);
    }

    /** The slot holding {@code fp}, or -1. */
    int find(long fp) {
      long[] t = table;
      int mask = states.length - 1;
      for (int i = (int) fp & mask; ; i = (i + 1) & mask) {
        long f = t[2 * i];
        if (f == fp) {
          return i;
        }
        if (f == 0) {
          return -1;
        }
      }
    }

    /** Puts an absent fingerprint in the first free slot of its probe run; the table must have room. */
    void place(long fp, String key, EntityState state, long now) {
      int mask = states.length - 1;
      int i = (int) fp & mask;
      while (table[2 * i] != 0) {
        i = (i + 1) & mask;
      }
      table[2 * i] = fp;
      table[2 * i + 1] = now;
      states[i] = state;
      keys[i] = key;
      size++;
    }

    /** Empties slot {@code i}, moving later members of its probe run back into the hole where their home allows. */
    void remove(int i) {
      long[] t = table;
      int mask = states.length - 1;
      int hole = i;
      for (int j = (hole + 1) & mask; t[2 * j] != 0; j = (j + 1) & mask) {
        int home = (int) t[2 * j] & mask;
        if (((j - home) & mask) >= ((j - hole) & mask)) {
          t[2 * hole] = t[2 * j];
          t[2 * hole + 1] = t[2 * j + 1];
          states[hole] = states[j];
          keys[hole] = keys[j];
          hole = j;
        }
      }
      t[2 * hole] = 0;
      t[2 * hole + 1] = 0;
      states[hole] = null;
      keys[hole] = null;
      size--;
    }

    void resize(int slots) {
      long[] oldTable = table;
      EntityState[] oldStates = states;
      String[] oldKeys = keys;
      int oldSweep = sweep;
      allocate(slots);
      for (int i = 0; i < oldStates.length; i++) {
        if (oldTable[2 * i] != 0) {
          place(oldTable[2 * i], oldKeys[i], oldStates[i], oldTable[2 * i + 1]);
        }
      }
      sweep = oldSweep;
    }
  }
}
