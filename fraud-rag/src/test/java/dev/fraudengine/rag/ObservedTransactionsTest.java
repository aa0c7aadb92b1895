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

  private static ObservedTransactions.Observed value(float x) {
    return new ObservedTransactions.Observed(new float[] {x}, T0);
  }

  @Test
  void put_beyondBound_evictsOldestFirst() {
    ObservedTransactions o = new ObservedTransactions(3);
    for (int i = 0; i < 5; i++) {
      o.put("t" + i, value(i));
    }

    assertThat(o.size()).isEqualTo(3);
    assertThat(o.get("t0")).isNull();
    assertThat(o.get("t1")).isNull();
    assertThat(o.get("t2").vector()).containsExactly(2f);
    assertThat(o.get("t4").vector()).containsExactly(4f);
  }

  @Test
  void put_knownId_replacesValueAndKeepsItsPlace() {
    ObservedTransactions o = new ObservedTransactions(3);
    o.put("a", value(1));
    o.put("b", value(2));
    o.put("c", value(3));
    o.put("a", value(10));

    assertThat(o.get("a").vector()).containsExactly(10f);
    o.put("d", value(4));
    assertThat(o.get("a")).isNull();
    assertThat(o.get("b")).isNotNull();
    assertThat(o.size()).isEqualTo(3);
  }

  @Test
  void removedThenPutAgain_goesToTheBackAndItsOldPlaceEvictsNothing() {
    ObservedTransactions o = new ObservedTransactions(3);
    o.put("a", value(1));
    o.put("b", value(2));
    o.put("c", value(3));
    assertThat(o.remove("a").vector()).containsExactly(1f);
    o.put("a", value(5));
    o.put("d", value(4));

    assertThat(o.get("a").vector()).containsExactly(5f);
    assertThat(o.get("b")).isNull();
    assertThat(o.get("c")).isNotNull();
    assertThat(o.get("d")).isNotNull();
  }

  @Test
  void removeWithValue_valueReplacedMeanwhile_keepsTheNewValue() {
    ObservedTransactions o = new ObservedTransactions(3);
    ObservedTransactions.Observed first = value(1);
    o.put("a", first);
    o.put("a", value(2));
    o.remove("a", first);
    assertThat(o.get("a").vector()).containsExactly(2f);

    o.remove("a", o.get("a"));
    assertThat(o.get("a")).isNull();
    assertThat(o.remove("a")).isNull();
  }

  @Test
  void putAndRemoveManyIds_queueOfStaleEntriesStaysBounded() {
    ObservedTransactions o = new ObservedTransactions(10);
    for (int i = 0; i < 20_000; i++) {
      o.put("t" + i, value(i));
      o.remove("t" + i);
    }
    assertThat(o.size()).isZero();
    assertThat(o.queued()).isLessThanOrEqualTo(1_024 + 10 + 1);
  }

  @Test
  void constructor_nonPositiveBound_rejects() {
    assertThatThrownBy(() -> new ObservedTransactions(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bound must be positive, but was 0");
  }

  @Test
  void put_manyThreads_staysWithinBoundAndThenEvictsInOrder() throws Exception {
    int bound = 1_000;
    int threads = 4;
    int each = 20_000;
    ObservedTransactions o = new ObservedTransactions(bound);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int w = t;
      done.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < each; i++) {
          o.put(w + "-" + i, value(i));
          if (i % 7 == 0) {
            o.remove(w + "-" + (i / 2));
          }
          assertThat(o.size()).isLessThanOrEqualTo(bound + threads);
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
      o.put("after-" + i, value(i));
    }
    assertThat(o.size()).isEqualTo(bound);
    for (int i = 0; i < bound; i++) {
      assertThat(o.get("after-" + i)).isNotNull();
    }
  }
}
