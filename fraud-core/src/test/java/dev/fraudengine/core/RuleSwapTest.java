package dev.fraudengine.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.testing.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RuleSwapTest {
  private static final RuleSet A = RuleCompiler.builder().build().compile("A", """
      a1: score +0.1 if amount > 0
      a2: score +0.1 if amount > 0
      a3: score +0.1 if amount > 0
      """);
  private static final RuleSet B = RuleCompiler.builder().build().compile("B", """
      b1: review if amount > 0
      b2: score +0.2 if amount > 0
      """);

  private static FraudEngine.Builder builder() {
    return FraudEngine.builder().clock(Clock.fixed(Transactions.NOW, ZoneOffset.UTC));
  }

  @Test
  void swapRules_underLoad_noDecisionSeesHalfOfTwoSets() throws Exception {
    try (FraudEngine engine = builder().rules(A).build()) {
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
            String version = d.ruleSetVersion();
            List<String> ids = d.ruleHits().stream().map(RuleHit::ruleId).toList();
            boolean consistent = version.equals("A")
                ? ids.equals(List.of("a1", "a2", "a3")) && Math.abs(d.score() - 0.3) < 1e-9
                : ids.equals(List.of("b1", "b2")) && d.verdict() == Verdict.REVIEW;
            if (!consistent) {
              broken.add(version + " " + ids + " " + d.score());
            }
          }
          return n;
        }));
      }
      Future<?> swapper = pool.submit(() -> {
        for (int i = 0; i < 2_000; i++) {
          engine.swapRules(i % 2 == 0 ? B : A);
        }
        return null;
      });
      swapper.get();
      stop.set(true);
      int decisions = 0;
      for (Future<Integer> f : scorers) {
        decisions += f.get();
      }
      pool.shutdown();

      assertThat(decisions).isPositive();
      assertThat(broken).isEmpty();
      assertThat(engine.rules().version()).isEqualTo("A");
      assertThat(engine.metrics().ruleFailures()).isZero();
    }
  }

  @Test
  void swapRules_wrongSchema_refusedAndOldSetKept() {
    FeatureSchema other = FeatureSchema.of("other", "1", "x");
    RuleSet wrong = RuleCompiler.builder().schema(other).build().compile("C", "review if x > 1");
    try (FraudEngine engine = builder().rules(A).build()) {
      assertThatThrownBy(() -> engine.swapRules(wrong)).isInstanceOf(FraudEngineException.class)
          .hasMessageContaining("FEATURE_SCHEMA_MISMATCH").hasMessageContaining("other@1[x]");

      assertThat(engine.rules().version()).isEqualTo("A");
      assertThat(engine.score(Transactions.valid().build()).ruleSetVersion()).isEqualTo("A");
    }
  }

  @Test
  void swapShadowRules_recordedNotActed_andLiveUntouched() {
    try (FraudEngine engine = builder().rules(A).build()) {
      engine.swapShadowRules(B);

      Decision d = engine.score(Transactions.valid().build());

      assertThat(d.ruleSetVersion()).isEqualTo("A");
      assertThat(d.verdict()).isEqualTo(Verdict.REVIEW);
      assertThat(d.ruleHits()).filteredOn(RuleHit::shadow).extracting(RuleHit::ruleId).containsExactly("b1", "b2");
      assertThat(d.score()).isCloseTo(0.3, org.assertj.core.api.Assertions.within(1e-9));
    }
  }

  @Test
  void suppressions_exemptEntityUntilExpiryInEventTime() {
    Suppressions suppressions = new Suppressions()
        .suppress("b1", Suppressions.Entity.CARD, "card-good", Transactions.EVENT_TIME.plus(Duration.ofMinutes(30)));
    try (FraudEngine engine = builder().rules(B).suppressions(suppressions).build()) {
      Decision exempt = engine.score(Transactions.valid().card("card-good").build());
      Decision other = engine.score(Transactions.valid().id("tx-2").card("card-other").build());
      Decision afterExpiry = engine.score(Transactions.valid().id("tx-3").card("card-good")
          .eventTime(Transactions.EVENT_TIME.plus(Duration.ofMinutes(30))).build());

      assertThat(exempt.ruleHits()).extracting(RuleHit::ruleId).containsExactly("b2");
      assertThat(exempt.verdict()).isEqualTo(Verdict.APPROVE);
      assertThat(other.ruleHits()).extracting(RuleHit::ruleId).containsExactly("b1", "b2");
      assertThat(afterExpiry.ruleHits()).extracting(RuleHit::ruleId).containsExactly("b1", "b2");
    }
    assertThat(suppressions.purgeExpired(Transactions.NOW.plus(Duration.ofDays(2)))).isEqualTo(1);
    assertThat(suppressions.size()).isZero();
    assertThatThrownBy(() -> suppressions.suppress(" ", Suppressions.Entity.CARD, "c", Transactions.NOW))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ruleId");
  }
}
