package dev.fraudengine.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.testing.TestModels;
import dev.fraudengine.core.testing.Transactions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ModelSwapTest {

  /** A model of one version that fails loudly if it is scored after it was closed. */
  static class Versioned implements FraudModel {
    final String version;
    final double score;
    final AtomicBoolean closed = new AtomicBoolean();
    final AtomicInteger scoredAfterClose = new AtomicInteger();

    Versioned(String version, double score) {
      this.version = version;
      this.score = score;
    }

    @Override
    public String id() {
      return "gbt";
    }

    @Override
    public String version() {
      return version;
    }

    @Override
    public double score(float[] features) {
      if (closed.get()) {
        scoredAfterClose.incrementAndGet();
        throw new IllegalStateException("scored after close");
      }
      return score;
    }

    @Override
    public void close() {
      closed.set(true);
    }
  }

  private static FraudEngine.Builder builder() {
    return FraudEngine.builder().clock(Clock.fixed(Transactions.NOW, ZoneOffset.UTC));
  }

  @Test
  void swapModel_underLoad_noDecisionFailsOrMixesVersions_andOldVersionsCloseAfterUse() throws Exception {
    List<Versioned> versions = new ArrayList<>();
    for (int v = 0; v < 200; v++) {
      versions.add(new Versioned("v" + v, v % 2 == 0 ? 0.2 : 0.7));
    }
    try (FraudEngine engine = builder().model(versions.get(0)).build()) {
      AtomicBoolean stop = new AtomicBoolean();
      ConcurrentLinkedQueue<String> broken = new ConcurrentLinkedQueue<>();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      List<Future<Integer>> scorers = new ArrayList<>();
      for (int t = 0; t < 3; t++) {
        int thread = t;
        scorers.add(pool.submit(() -> {
          int n = 0;
          while (!stop.get()) {
            Decision d = engine.score(Transactions.valid().id("t" + thread + "-" + n++).build());
            ModelScore ms = d.modelScores().isEmpty() ? null : d.modelScores().get(0);
            int v = ms == null ? -1 : Integer.parseInt(ms.version().substring(1));
            if (d.degraded() || ms == null || ms.score() != (v % 2 == 0 ? 0.2 : 0.7)) {
              broken.add(d.toString());
            }
          }
          return n;
        }));
      }
      for (int v = 1; v < versions.size(); v++) {
        engine.swapModel(versions.get(v));
        Thread.sleep(0, 200_000);
      }
      stop.set(true);
      int decisions = 0;
      for (Future<Integer> f : scorers) {
        decisions += f.get();
      }
      pool.shutdown();

      assertThat(decisions).isPositive();
      assertThat(broken).isEmpty();
      assertThat(versions).allSatisfy(v -> assertThat(v.scoredAfterClose).hasValue(0));
      assertThat(versions.subList(0, versions.size() - 1)).allSatisfy(v -> assertThat(v.closed).isTrue());
      assertThat(versions.get(versions.size() - 1).closed).isFalse();
      assertThat(engine.health().models()).singleElement()
          .satisfies(h -> assertThat(h.version()).isEqualTo("v199"));
      assertThat(engine.metrics().modelFailures()).isEmpty();
    }
    assertThat(versions.get(versions.size() - 1).closed).isTrue();
  }

  @Test
  void swapModel_unknownIdOrWrongSchema_refusedAndOldKeepsServing() {
    Versioned v1 = new Versioned("v1", 0.2);
    try (FraudEngine engine = builder().model(v1).build()) {
      assertThatThrownBy(() -> engine.swapModel(TestModels.constant("other", 0.5)))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no model 'other' to replace")
          .hasMessageContaining("[gbt]");
      FraudModel picky = new Versioned("v2", 0.9) {
        @Override
        public void checkSchema(FeatureSchema schema) {
          throw new FraudEngineException(ErrorCode.FEATURE_SCHEMA_MISMATCH, "wants handbook@1, got " + schema);
        }
      };
      assertThatThrownBy(() -> engine.swapModel(picky)).isInstanceOf(FraudEngineException.class)
          .hasMessageContaining("FEATURE_SCHEMA_MISMATCH");

      Decision d = engine.score(Transactions.valid().build());

      assertThat(d.modelScores()).extracting(ModelScore::version).containsExactly("v1");
      assertThat(v1.closed).isFalse();
    }
  }

  @Test
  void shadowModel_scoredAndRecorded_neverActs_failureDoesNotDegrade() {
    TestModels.Flaky broken = new TestModels.Flaky("broken-challenger", 0.9);
    try (FraudEngine engine = builder().model(TestModels.constant("champion", 0.1))
        .shadowModel(TestModels.constant("challenger", 0.95)).shadowModel(broken).build()) {
      Decision d = engine.score(Transactions.valid().build());

      assertThat(d.score()).isEqualTo(0.1);
      assertThat(d.verdict()).isEqualTo(Verdict.APPROVE);
      assertThat(d.modelScores()).extracting(ModelScore::modelId).containsExactly("champion");
      assertThat(d.shadowModelScores()).extracting(ModelScore::modelId, ModelScore::score)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("challenger", 0.95));
      assertThat(d.degraded()).isFalse();
      assertThat(engine.metrics().modelFailures()).containsEntry("broken-challenger", 1L);
      assertThat(engine.health().status()).isEqualTo(EngineHealth.Status.UP);
      assertThat(engine.health().models()).extracting(ModelHealth::modelId, ModelHealth::shadow).containsExactly(
          org.assertj.core.groups.Tuple.tuple("champion", false),
          org.assertj.core.groups.Tuple.tuple("challenger", true),
          org.assertj.core.groups.Tuple.tuple("broken-challenger", true));

      broken.failing.set(false);
      engine.swapModel(TestModels.constant("challenger", 0.4));
      assertThat(engine.score(Transactions.valid().id("tx-2").build()).shadowModelScores())
          .extracting(ModelScore::score).containsExactly(0.4, 0.9);
    }
  }

  @Test
  void build_shadowIdClashingWithLiveModel_rejected() {
    assertThatThrownBy(() -> builder().model(TestModels.constant("m", 0.1)).shadowModel(TestModels.constant("m", 0.2))
        .build()).isInstanceOf(IllegalStateException.class).hasMessageContaining("'m' was added twice");
  }
}
