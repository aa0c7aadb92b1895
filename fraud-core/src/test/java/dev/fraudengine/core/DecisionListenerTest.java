package dev.fraudengine.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudengine.core.testing.Transactions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DecisionListenerTest {

  private static FraudEngine.Builder builder() {
    return FraudEngine.builder().clock(java.time.Clock.fixed(Transactions.NOW, java.time.ZoneOffset.UTC));
  }

  @Test
  void listener_receivesEveryDecisionInOrderOffTheScoringThread() throws Exception {
    List<String> ids = new CopyOnWriteArrayList<>();
    List<String> threads = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(100);
    try (FraudEngine engine = builder().listener((tx, d) -> {
      ids.add(d.transactionId());
      threads.add(Thread.currentThread().getName());
      all.countDown();
    }).build()) {
      for (int i = 0; i < 100; i++) {
        engine.score(Transactions.valid().id("t" + i).build());
      }

      assertThat(all.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(ids).hasSize(100).startsWith("t0", "t1", "t2").endsWith("t99");
      assertThat(threads).allMatch(n -> n.startsWith("fraud-listener-0"))
          .doesNotContain(Thread.currentThread().getName());
    }
  }

  @Test
  void blockedListener_neverBlocksScoring_andDropsAreCounted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    AtomicInteger delivered = new AtomicInteger();
    try (FraudEngine engine = builder().listenerQueueCapacity(10).listener((tx, d) -> {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      delivered.incrementAndGet();
    }).build()) {
      engine.score(Transactions.valid().id("first").build());
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

      for (int i = 0; i < 1000; i++) {
        engine.score(Transactions.valid().id("t" + i).build());
      }

      EngineMetrics m = engine.metrics();
      assertThat(m.decisions()).isEqualTo(1001);
      assertThat(m.listenerDropped()).isEqualTo(1000 - 10);
      release.countDown();
      waitFor(() -> delivered.get() == 11);
      assertThat(delivered).hasValue(11);
    }
  }

  @Test
  void throwingListener_countedAndKeepsReceiving_otherListenersUnaffected() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger healthy = new AtomicInteger();
    try (FraudEngine engine = builder()
        .listener((tx, d) -> {
          calls.incrementAndGet();
          throw new IllegalStateException("audit log unavailable");
        })
        .listener((tx, d) -> healthy.incrementAndGet())
        .build()) {
      for (int i = 0; i < 20; i++) {
        assertThat(engine.score(Transactions.valid().id("t" + i).build())).isNotNull();
      }

      waitFor(() -> calls.get() == 20 && healthy.get() == 20);
      assertThat(engine.metrics().listenerFailures()).isEqualTo(20);
      assertThat(engine.metrics().listenerDropped()).isZero();
    }
  }

  @Test
  void close_drainsQueuedDecisionsToListeners() {
    AtomicInteger seen = new AtomicInteger();
    FraudEngine engine = builder().listener((tx, d) -> seen.incrementAndGet()).build();
    for (int i = 0; i < 500; i++) {
      engine.score(Transactions.valid().id("t" + i).build());
    }

    engine.close();

    assertThat(seen).hasValue(500);
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
  }
}
