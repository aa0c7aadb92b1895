package dev.fraudengine.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The observed-transaction buffer behaves as a bounded first-in-first-out map, also under concurrent puts. */
class ObservedTransactionsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private static void put(ObservedTransactions o, String id, float x) {
    o.put(id, new float[] {x}, T0.plusNanos((long) x));
  }

  @Test
  void put_beyondBound_evictsOldestFirst() {
    ObservedTransactions o = new ObservedTransactions(3, 1);
    for (int i = 0; i < 5; i++) {
      put(o, "t" + i, i);
    }

    assertThat(o.size()).isEqualTo(3);
    assertThat(o.get("t0")).isNull();
    assertThat(o.get("t1")).isNull();
    assertThat(o.get("t2").vector()).containsExactly(2f);
    assertThat(o.get("t4").vector()).containsExactly(4f);
  }

  @Test
  void put_knownId_replacesValueAndKeepsItsPlace() {
    ObservedTransactions o = new ObservedTransactions(3, 1);
    put(o, "a", 1);
    put(o, "b", 2);
    put(o, "c", 3);
    put(o, "a", 10);

    assertThat(o.get("a").vector()).containsExactly(10f);
    put(o, "d", 4);
    assertThat(o.get("a")).isNull();
    assertThat(o.get("b")).isNotNull();
    assertThat(o.size()).isEqualTo(3);
  }

  @Test
  void removedThenPutAgain_goesToTheBackAndItsOldPlaceEvictsNothing() {
    ObservedTransactions o = new ObservedTransactions(3, 1);
    put(o, "a", 1);
    put(o, "b", 2);
    put(o, "c", 3);
    assertThat(o.remove("a").vector()).containsExactly(1f);
    put(o, "a", 5);
    put(o, "d", 4);

    assertThat(o.get("a").vector()).containsExactly(5f);
    assertThat(o.get("b")).isNull();
    assertThat(o.get("c")).isNotNull();
    assertThat(o.get("d")).isNotNull();
  }

  @Test
  void removeWithValue_valueReplacedMeanwhile_keepsTheNewValue() {
    ObservedTransactions o = new ObservedTransactions(3, 1);
    put(o, "a", 1);
    ObservedTransactions.Observed first = o.get("a");
    put(o, "a", 2);
    o.remove("a", first.stamp());
    assertThat(o.get("a").vector()).containsExactly(2f);
    assertThat(o.get("a").eventTime()).isEqualTo(T0.plusNanos(2));

    o.remove("a", o.get("a").stamp());
    assertThat(o.get("a")).isNull();
    assertThat(o.remove("a")).isNull();
  }

  @Test
  void putAndRemoveManyIds_ringStaysWithinItsCapacity() {
    ObservedTransactions o = new ObservedTransactions(1_000, 1);
    for (int i = 0; i < 200_000; i++) {
      put(o, "t" + i, i);
      if (i % 3 != 0) {
        o.remove("t" + i);
      }
    }
    // the last put (t199999) evicted the oldest kept id before it was removed itself
    assertThat(o.size()).isEqualTo(999);
    assertThat(o.capacity()).isLessThanOrEqualTo(2_048);
    // the live ones are the newest kept (every third id), oldest first out
    assertThat(o.get("t199998")).isNotNull();
    assertThat(o.get("t" + (199_998 - 3 * 998))).isNotNull();
    assertThat(o.get("t" + (199_998 - 3 * 999))).isNull();
  }

  @Test
  void randomOperations_behaveAsABoundedLinkedHashMap() {
    long seed = 20_261_121L;
    System.out.println("randomOperations_behaveAsABoundedLinkedHashMap seed=" + seed);
    java.util.SplittableRandom r = new java.util.SplittableRandom(seed);
    int bound = 50;
    ObservedTransactions o = new ObservedTransactions(bound, 2);
    java.util.LinkedHashMap<String, float[]> model = new java.util.LinkedHashMap<>();
    for (int step = 0; step < 100_000; step++) {
      String id = "t" + r.nextInt(120);
      int op = r.nextInt(10);
      if (op < 6) {
        float[] v = {step, -step};
        o.put(id, v, T0.plusSeconds(step));
        if (model.containsKey(id)) {
          model.put(id, v);
        } else {
          if (model.size() == bound) {
            model.remove(model.keySet().iterator().next());
          }
          model.put(id, v);
        }
      } else if (op < 8) {
        ObservedTransactions.Observed got = o.remove(id);
        float[] want = model.remove(id);
        assertThat(got == null ? null : got.vector()).as("remove %s at step %d", id, step).isEqualTo(want);
      } else {
        ObservedTransactions.Observed got = o.get(id);
        float[] want = model.get(id);
        assertThat(got == null ? null : got.vector()).as("get %s at step %d", id, step).isEqualTo(want);
        if (got != null) {
          assertThat(got.eventTime()).isEqualTo(T0.plusSeconds((long) want[0]));
        }
      }
      assertThat(o.size()).isEqualTo(model.size());
    }
  }

  @Test
  void constructor_nonPositiveBoundOrDimension_rejects() {
    assertThatThrownBy(() -> new ObservedTransactions(0, 4)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bound must be positive, but was 0");
    assertThatThrownBy(() -> new ObservedTransactions(4, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension must be positive, but was 0");
  }

  @Test
  void put_wrongDimension_rejectsAndKeepsTheMap() {
    ObservedTransactions o = new ObservedTransactions(4, 1);
    put(o, "a", 1);
    assertThatThrownBy(() -> o.put("b", new float[] {1, 2}, T0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vector must have dimension 1, but had 2");
    assertThat(o.size()).isEqualTo(1);
    assertThat(o.get("b")).isNull();
    assertThat(o.get("a").vector()).containsExactly(1f);
  }

  @Test
  void put_manyThreads_staysWithinBoundAndThenEvictsInOrder() throws Exception {
    int bound = 1_000;
    int threads = 4;
    int each = 20_000;
    ObservedTransactions o = new ObservedTransactions(bound, 1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int w = t;
      done.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < each; i++) {
          put(o, w + "-" + i, i);
          if (i % 7 == 0) {
            o.remove(w + "-" + (i / 2));
          }
          assertThat(o.size()).isLessThanOrEqualTo(bound);
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(60, TimeUnit.SECONDS);
    }
    pool.shutdown();

    assertThat(o.size()).isBetween(bound - threads, bound);
    // afterwards, still first in, first out: a bound's worth of new ids replaces every older one
    for (int i = 0; i < bound; i++) {
      put(o, "after-" + i, i);
    }
    assertThat(o.size()).isEqualTo(bound);
    for (int i = 0; i < bound; i++) {
      assertThat(o.get("after-" + i)).isNotNull();
    }
  }
}
