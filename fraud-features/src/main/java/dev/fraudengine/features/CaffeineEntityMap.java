package dev.fraudengine.features;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Supplier;

/*
 * The entity map as a Caffeine cache: bounded by maximumSize (Caffeine's W-TinyLFU policy) and expireAfterAccess on
 * an event-time ticker; maintenance runs on the calling thread, and its eviction listener counts size and idle
 * evictions. Keys are compared with equals, so two keys never share a state. Slower than CompactEntityMap on large
 * maps: every read is recorded in a buffer that is later replayed on an access-order deque, whose relinking touches
 * the neighbours' nodes, each a likely cache miss among millions of entities.
 */
final class CaffeineEntityMap implements EntityMap {
  private final Cache<String, EntityState> cache;
  private final Function<String, EntityState> factory;

  CaffeineEntityMap(long maxEntities, Duration idleTimeout, Ticker ticker, LongAdder evictions,
      Supplier<EntityState> factory) {
    this.factory = k -> factory.get();
    this.cache = Caffeine.newBuilder()
        .maximumSize(maxEntities)
        .expireAfterAccess(idleTimeout)
        .ticker(ticker)
        .executor(Runnable::run)
        .<String, EntityState>evictionListener((k, v, cause) -> evictions.increment())
        .build();
  }

  @Override
  public EntityState get(String key, long hint) {
    return cache.get(key, factory);
  }

  @Override
  public EntityState peek(String key) {
    return cache.policy().getIfPresentQuietly(key);
  }

  @Override
  public void put(String key, EntityState state) {
    cache.put(key, state);
  }

  @Override
  public List<Map.Entry<String, EntityState>> entries() {
    return new ArrayList<>(cache.asMap().entrySet());
  }

  @Override
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  @Override
  public void clear() {
    cache.invalidateAll();
    cache.cleanUp();
  }
}
