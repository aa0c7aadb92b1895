package dev.fraudengine.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.FeaturePipeline;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.PartialFeaturesException;
import dev.fraudengine.core.Reason;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.features.EntityStore;
import dev.fraudengine.features.FeaturePipelines;
import dev.fraudengine.features.OnlineFeaturePipeline;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Redis slow (CLIENT PAUSE), then down (the process killed), then back (restarted on the same port, empty): fail-open
 * gives the transaction-only features and counts the failure, fail-closed throws FEATURE_STATE_FAILED (a degraded
 * decision inside the engine), and both recover by themselves once Redis answers again.
 */
class RedisFaultTest {
  private static final Instant T0 = Instant.parse("2024-03-04T12:00:00Z");
  private final AtomicInteger ids = new AtomicInteger();

  private Transaction tx(String card, int minutes) {
    return Transaction.builder().id("f" + ids.incrementAndGet()).eventTime(T0.plus(Duration.ofMinutes(minutes)))
        .amount(42.5, "EUR").card(card).terminal("term").build();
  }

  private static OnlineFeaturePipeline pipeline(RedisEntityStore store, EntityStore.FailurePolicy policy) {
    return FeaturePipelines.builder().schema("handbook", "1").addAll(FeaturePipelines.handbookFeatures())
        .store(store, policy).build();
  }

  @Test
  void redisSlowThenDownThenBack_policiesApplyFailuresCountedAndRecovers() throws Exception {
    try (RedisServer server = RedisServer.start()) {
      RedisEntityStore openStore = RedisEntityStore.builder().uri(server.uri()).timeout(Duration.ofMillis(150))
          .keyPrefix("open:").build();
      RedisEntityStore closedStore = RedisEntityStore.builder().uri(server.uri()).timeout(Duration.ofMillis(150))
          .keyPrefix("closed:").build();
      OnlineFeaturePipeline open = pipeline(openStore, EntityStore.FailurePolicy.FAIL_OPEN);
      OnlineFeaturePipeline closed = pipeline(closedStore, EntityStore.FailurePolicy.FAIL_CLOSED);
      int count1d = open.schema().features().indexOf("card.txn_count_1d");
      int amount = open.schema().features().indexOf("tx.amount");
      try (FraudEngine engine = FraudEngine.builder().features(closed).build()) {
        for (int i = 0; i < 5; i++) {
          assertThat(open.process(tx("c1", i))[count1d]).isEqualTo(i + 1f);
          assertThat(engine.score(tx("c1", i)).degraded()).isFalse();
        }

        // Slow: the server answers nothing for 600 ms, longer than the 150 ms timeout.
        assertThat(server.answers("CLIENT PAUSE 600", "+OK")).isTrue();
        float[] partial = partial(open, tx("c1", 10));
        assertThat(partial[amount]).isEqualTo(42.5f);
        assertThat(partial[count1d]).isNaN();
        assertThatThrownBy(() -> closed.process(tx("c1", 10)))
            .isInstanceOf(FraudEngineException.class)
            .satisfies(e -> assertThat(((FraudEngineException) e).code()).isEqualTo(ErrorCode.FEATURE_STATE_FAILED));
        assertThat(openStore.stats().recordFailures()).isEqualTo(1);
        Thread.sleep(700);
        assertThat(open.process(tx("c2", 11))[count1d]).isEqualTo(1f);

        // Down: every call fails at once; nothing is queued to run later.
        server.stopProcess();
        for (int i = 0; i < 20; i++) {
          float[] f = partial(open, tx("c1", 20 + i));
          assertThat(f[amount]).isEqualTo(42.5f);
          assertThat(f[count1d]).isNaN();
        }
        open.feedback("f1", Label.FRAUD, T0.plus(Duration.ofDays(7)));
        assertThatThrownBy(() -> closed.feedback("f1", Label.FRAUD, T0.plus(Duration.ofDays(7))))
            .isInstanceOf(FraudEngineException.class).hasMessageContaining("label");
        Decision d = engine.score(tx("c1", 40));
        assertThat(d.degraded()).isTrue();
        assertThat(d.reasons()).extracting(Reason::code).contains("FEATURES_UNAVAILABLE");
        assertThat(openStore.stats().recordFailures()).isEqualTo(21);
        assertThat(openStore.stats().labelFailures()).isEqualTo(1);
        assertThat(closedStore.stats().recordFailures()).isGreaterThanOrEqualTo(2);
        FeaturePipeline borrowed = new FeaturePipeline() {
          @Override
          public FeatureSchema schema() {
            return open.schema();
          }

          @Override
          public float[] process(Transaction tx) {
            return open.process(tx);
          }
        };
        try (FraudEngine openEngine = FraudEngine.builder().features(borrowed).build()) {
          Decision partialDecision = openEngine.score(tx("c1", 41));
          assertThat(partialDecision.degraded()).isTrue();
          assertThat(partialDecision.reasons()).extracting(Reason::code).contains("FEATURES_PARTIAL")
              .doesNotContain("FEATURES_UNAVAILABLE");
        }

        // Back: restarted empty on the same port; the client reconnects and reloads its scripts by itself.
        server.startProcess();
        long deadline = System.nanoTime() + 15_000_000_000L;
        float recovered = Float.NaN;
        while (Float.isNaN(recovered) && System.nanoTime() < deadline) {
          try {
            recovered = open.process(tx("c3", 50))[count1d];
          } catch (PartialFeaturesException e) {
            recovered = Float.NaN;
          }
          if (Float.isNaN(recovered)) {
            Thread.sleep(50);
          }
        }
        assertThat(recovered).as("recovered within 15 s").isEqualTo(1f);
        assertThat(open.process(tx("c3", 51))[count1d]).isEqualTo(2f);
        deadline = System.nanoTime() + 15_000_000_000L;
        Decision after = engine.score(tx("c4", 52));
        while (after.degraded() && System.nanoTime() < deadline) {
          Thread.sleep(50);
          after = engine.score(tx("c4", 53));
        }
        assertThat(after.degraded()).isFalse();
        assertThat(openStore.stats().scriptReloads()).isPositive();
        System.out.println("redis faults: open " + openStore.stats() + "; closed " + closedStore.stats());
      }
      open.close();
    }
  }

  /** Processes a transaction in fail-open mode while the store fails: the pipeline throws its partial vector. */
  private static float[] partial(OnlineFeaturePipeline pipeline, Transaction tx) {
    try {
      pipeline.process(tx);
    } catch (PartialFeaturesException e) {
      return e.features();
    }
    throw new AssertionError("expected partial features for " + tx.id());
  }
}
