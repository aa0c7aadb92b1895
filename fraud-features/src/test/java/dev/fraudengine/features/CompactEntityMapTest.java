package dev.fraudengine.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class CompactEntityMapTest {
  private final long[] clock = {0};
  private final LongAdder evictions = new LongAdder();

  private CompactEntityMap map(long maxEntities, long idleMillis) {
    return new CompactEntityMap(maxEntities, idleMillis, () -> clock[0], evictions,
        () -> new EntityState(false, 0, false, 1));
  }

  /** The reference: a HashMap of key to state and last access, with expiry and eviction counting spelled out. */
  private static final class Reference {
    final Map<String, EntityState> states = new HashMap<>();
    final Map<String, Long> access = new HashMap<>();
    final long idle;
    long expirations;

    Reference(long idle) {
      this.idle = idle;
    }

    boolean live(String key, long now) {
      return states.containsKey(key) && now - access.get(key) < idle;
    }

    /** Removes what has expired by {@code now}, counting it, as the map's sweeps do sooner or later. */
    void expire(long now) {
      List<String> gone = new ArrayList<>();
      for (String k : states.keySet()) {
        if (!live(k, now)) {
          gone.add(k);
        }
      }
      for (String k : gone) {
        states.remove(k);
        access.remove(k);
        expirations++;
      }
    }
  }

  @Test
  void randomOperations_matchReferenceMap_withIdleExpiry() {
    long seed = System.nanoTime();
    System.out.println("CompactEntityMapTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    long idle = 1_000;
    CompactEntityMap m = map(Long.MAX_VALUE, idle);
    Reference ref = new Reference(idle);
    for (int op = 0; op < 300_000; op++) {
      clock[0] += r.nextInt(3);
      long now = clock[0];
      String key = "k" + r.nextInt(r.nextBoolean() ? 50 : 5_000);
      int what = r.nextInt(10);
      if (what < 7) {
        EntityState s = m.get(key);
        if (ref.live(key, now)) {
          assertThat(s).as("get %s at op %d (seed %d)", key, op, seed).isSameAs(ref.states.get(key));
        } else {
          assertThat(s).as("get %s at op %d (seed %d)", key, op, seed).isNotSameAs(ref.states.get(key));
          if (ref.states.containsKey(key)) {
            ref.expirations++;
          }
          ref.states.put(key, s);
        }
        ref.access.put(key, now);
      } else if (what < 9) {
        EntityState expected = ref.live(key, now) ? ref.states.get(key) : null;
        assertThat(m.peek(key)).as("peek %s at op %d (seed %d)", key, op, seed).isSameAs(expected);
      } else {
        EntityState s = new EntityState(false, 0, false, 1);
        m.put(key, s);
        if (ref.states.containsKey(key) && !ref.live(key, now)) {
          ref.expirations++;
        }
        ref.states.put(key, s);
        ref.access.put(key, now);
      }
    }
    ref.expire(clock[0]);
    assertThat(m.size()).as("seed %d", seed).isEqualTo(ref.states.size());
    assertThat(evictions.sum()).as("evictions, seed %d", seed).isEqualTo(ref.expirations);
    Map<String, EntityState> entries = new HashMap<>();
    for (Map.Entry<String, EntityState> e : m.entries()) {
      assertThat(entries.put(e.getKey(), e.getValue())).as("key %s listed twice", e.getKey()).isNull();
    }
    assertThat(entries).as("seed %d", seed).isEqualTo(ref.states);
  }

  @Test
  void idleTimeout_isMeasuredOnTheClock_andCounted() {
    CompactEntityMap m = map(100, 10);
    EntityState a = m.get("a");
    clock[0] = 9;
    assertThat(m.get("a")).isSameAs(a);
    clock[0] = 18;
    assertThat(m.peek("a")).isSameAs(a);
    clock[0] = 19;
    assertThat(m.peek("a")).isNull();
    assertThat(m.get("a")).isNotSameAs(a);
    assertThat(evictions.sum()).isEqualTo(1);
    clock[0] = 100;
    assertThat(m.size()).isZero();
    assertThat(evictions.sum()).isEqualTo(2);
  }

  @Test
  void sizeBound_smallMap_evictsTheLeastRecentlyUsed() {
    CompactEntityMap m = map(8, Long.MAX_VALUE);
    Map<String, EntityState> held = new HashMap<>();
    for (int i = 0; i < 8; i++) {
      clock[0]++;
      held.put("k" + i, m.get("k" + i));
    }
    clock[0]++;
    m.get("k0");
    clock[0]++;
    m.get("k8");
    assertThat(evictions.sum()).isEqualTo(1);
    assertThat(m.peek("k1")).isNull();
    assertThat(m.peek("k0")).isSameAs(held.get("k0"));
    for (int i = 2; i < 8; i++) {
      assertThat(m.peek("k" + i)).isSameAs(held.get("k" + i));
    }
    assertThat(m.size()).isEqualTo(8);
  }

  @Test
  void sizeBound_largeMap_staysInBound_countsEvictions_andKeepsTheRecent() {
    long max = 100_000;
    CompactEntityMap m = map(max, Long.MAX_VALUE);
    int n = 300_000;
    for (int i = 0; i < n; i++) {
      clock[0]++;
      m.get("card-" + i);
    }
    long size = m.size();
    assertThat(size).isLessThanOrEqualTo(max).isGreaterThan(max * 9 / 10);
    assertThat(evictions.sum()).isEqualTo(n - size);
    // The victim of an eviction is the oldest of 8 samples: one of the newest 10 % goes only if all 8 are.
    for (int i = n - 10_000; i < n; i++) {
      assertThat(m.peek("card-" + i)).as("card-%d", i).isNotNull();
    }
  }

  @Test
  void clear_forgetsEverything_withoutCountingEvictions() {
    CompactEntityMap m = map(1_000, 1_000);
    for (int i = 0; i < 500; i++) {
      m.get("k" + i);
    }
    m.clear();
    assertThat(m.size()).isZero();
    assertThat(m.entries()).isEmpty();
    assertThat(m.peek("k1")).isNull();
    assertThat(evictions.sum()).isZero();
  }

  @Test
  void concurrentGets_ofTheSameKeys_shareOneStatePerKey() throws Exception {
    CompactEntityMap m = map(Long.MAX_VALUE, Long.MAX_VALUE);
    int threads = 4;
    int keys = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Map<String, EntityState>>> seen = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long seed = t;
      seen.add(pool.submit(() -> {
        SplittableRandom r = new SplittableRandom(seed);
        Map<String, EntityState> mine = new HashMap<>();
        start.await();
        for (int i = 0; i < 200_000; i++) {
          String key = "k" + r.nextInt(keys);
          EntityState s = m.get(key);
          EntityState before = mine.putIfAbsent(key, s);
          if (before != null && before != s) {
            throw new AssertionError("two states for " + key);
          }
        }
        return mine;
      }));
    }
    start.countDown();
    Map<String, EntityState> all = new HashMap<>();
    for (Future<Map<String, EntityState>> f : seen) {
      for (Map.Entry<String, EntityState> e : f.get().entrySet()) {
        EntityState before = all.putIfAbsent(e.getKey(), e.getValue());
        assertThat(before == null || before == e.getValue()).as("one state for %s", e.getKey()).isTrue();
      }
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    assertThat(m.size()).isEqualTo(all.size());
    Set<EntityState> distinct = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    distinct.addAll(all.values());
    assertThat(distinct).hasSize(all.size());
  }

  @Test
  void hintAndPrefetch_findTheStateAGetReturns_andChangeNothing() {
    CompactEntityMap m = new CompactEntityMap(1_000, 60_000, () -> clock[0], evictions,
        () -> new EntityState(false, 0, false, 1), 42L);
    Map<String, EntityState> states = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      states.put("card-" + i, m.get("card-" + i));
    }
    long size = m.size();
    for (int i = 0; i < 300; i++) {
      String key = "card-" + i;
      long hint = m.hint(key);
      assertThat(hint).isEqualTo(CompactEntityMap.fingerprint(key, 42L)).isNotZero();
      m.prefetch(hint);
      assertThat(m.prefetchState(hint)).isSameAs(states.get(key));
      assertThat(m.get(key, hint)).isSameAs(states.get(key));
    }
    long absent = m.hint("card-absent");
    m.prefetch(absent);
    assertThat(m.prefetchState(absent)).isNull();
    assertThat(m.size()).isEqualTo(size);
    assertThat(evictions.sum()).isZero();
  }

  @Test
  void fingerprint_similarKeys_doNotCollide_andDependOnTheSeed() {
    Set<Long> seen = new HashSet<>();
    for (int i = 0; i < 1_000_000; i++) {
      assertThat(seen.add(CompactEntityMap.fingerprint("card-" + i, 42))).as("card-%d", i).isTrue();
    }
    assertThat(CompactEntityMap.fingerprint("ab", 42)).isNotEqualTo(CompactEntityMap.fingerprint("ab\u0000", 42));
    assertThat(CompactEntityMap.fingerprint("card-1", 42)).isNotEqualTo(CompactEntityMap.fingerprint("card-1", 43));
    assertThat(CompactEntityMap.fingerprint("", 42)).isNotZero();
  }
}
