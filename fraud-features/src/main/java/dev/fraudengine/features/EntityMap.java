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

  /** As {@link #get(String)}, with the hint {@link #prefetch} returned for the same key (0: none). */
  EntityState get(String key, long hint);

  /**
   * Starts loading into the CPU's caches what a {@link #get} of {@code key} and the computation on its state will
   * read, without locking or changing anything visible, so that the cache misses of several entities overlap
   * instead of following one another. Returns a hint for {@link #get(String, long)}.
   */
  default long prefetch(String key) {
    return 0;
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
