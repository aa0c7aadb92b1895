package dev.fraudengine.features;

import java.util.List;
import java.util.Map;

/*
 * The map from entity key to EntityState of one entity group: bounded in size and in idle time, both measured on
 * the pipeline's event-time clock (its watermark), with every eviction (for size or idle time) counted. Two
 * implementations: CompactEntityMap (the default: open addressing over primitive arrays, keyed by a 64-bit
 * fingerprint of the key) and CaffeineEntityMap (a Caffeine cache: W-TinyLFU eviction, keys compared exactly).
 *
 * Thread-safe. An access is a get; peek and the snapshot reads are not accesses.
 */
interface EntityMap {

  /** Returns the state of {@code key}, created empty if absent or idle too long; counts as an access. */
  default EntityState get(String key) {
    return get(key, 0);
  }

  /** As {@link #get(String)}, with the hint {@link #hint} returned for the same key (0: none). */
  EntityState get(String key, long hint);

  /**
   * Returns the hint for {@code key} that {@link #prefetch}, {@link #prefetchState} and {@link #get(String, long)}
   * take (0: none), computed from the key alone: it reads none of the map's memory, so that a caller can compute the
   * hints of all its keys first and then start their cache misses back to back.
   */
  default long hint(String key) {
    return 0;
  }

  /**
   * Starts loading into the CPU's caches the first cache lines a {@link #get} with this hint will read, without
   * locking or changing anything visible, and returns a value made of what it read (to be summed and kept by the
   * caller, so that the loads are not optimised away). With {@link #prefetchState} and EntityState's touches, a
   * caller can take the cache misses of several entities level by level, all entities at each level, so that they
   * overlap instead of following one another.
   */
  default long prefetch(long hint) {
    return 0;
  }

  /**
   * Returns, without locking, the state a {@link #get} with this hint would most likely return, or {@code null}:
   * a guess for warming the caches only, never to be read or written as the entity's state.
   */
  default EntityState prefetchState(long hint) {
    return null;
  }

  /** Returns the state of {@code key}, or {@code null} if absent or idle too long; not an access. */
  EntityState peek(String key);

  /** Sets the state of {@code key} (a restore), as accessed now; may evict another entity to stay in bounds. */
  void put(String key, EntityState state);

  /** The live entries (key, state), in no particular order; a weakly consistent view while others write. */
  List<Map.Entry<String, EntityState>> entries();

  /** Removes idle entities (counted), then returns how many are held. */
  long size();

  /** Removes everything, without counting evictions. */
  void clear();
}
