package dev.fraudengine.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fraudengine.core.testing.CountingPipeline;
import dev.fraudengine.core.testing.MutableClock;
import dev.fraudengine.core.testing.TestModels;
import dev.fraudengine.core.testing.Transactions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FraudEngineTest {
  private final MutableClock clock = new MutableClock(Transactions.NOW);

  private FraudEngine.Builder builder() {
    return FraudEngine.builder().clock(clock);
  }

  private static Transaction tx() {
    return Transactions.valid().build();
  }

  @Test
  void score_weightedModels_combinesScoresAndAgreement() {
    try (FraudEngine engine = builder()
        .model(TestModels.constant("low", 0.2), 1)
        .model(TestModels.constant("high", 0.8), 3)
        .build()) {
      Decision d = engine.score(tx());

      assertThat(d.score()).isCloseTo(0.65, within(1e-12));
      assertThat(d.score100()).isEqualTo(65);
      assertThat(d.riskLevel()).isEqualTo(RiskLevel.HIGH);
      assertThat(d.verdict()).isEqualTo(Verdict.HOLD);
      assertThat(d.agreement()).isCloseTo(0.4, within(1e-12));
      assertThat(d.modelScores()).extracting(ModelScore::modelId, ModelScore::version, ModelScore::score)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("low", "test-1", 0.2),
              org.assertj.core.groups.Tuple.tuple("high", "test-1", 0.8));
      assertThat(d.degraded()).isFalse();
      assertThat(d.reasons()).extracting(Reason::code).containsExactly("MODEL_SCORE", "MODEL_SCORE");
      assertThat(d.reasons().get(0).values()).containsEntry("model", "high");
      assertThat(d.reasons().get(0).weight()).isCloseTo(0.6, within(1e-12));
      assertThat(d.featureSchema()).isEqualTo("none@1");
      assertThat(d.ruleSetVersion()).isEqualTo("none");
    }
  }

  @Test
  void score_failingModel_leftOutAndDecisionDegraded() {
    TestModels.Flaky flaky = new TestModels.Flaky("flaky", 0.9);
    try (FraudEngine engine = builder().model(TestModels.constant("ok", 0.1)).model(flaky, 5).build()) {
      Decision d = engine.score(tx());

      assertThat(d.degraded()).isTrue();
      assertThat(d.score()).isCloseTo(0.1, within(1e-12));
      assertThat(d.modelScores()).extracting(ModelScore::modelId).containsExactly("ok");
      assertThat(d.reason(ReasonCode.MODEL_FAILED).values()).containsEntry("model", "flaky")
          .containsEntry("version", "flaky-1");
      assertThat(d.reasons().get(d.reasons().size() - 1).code()).isEqualTo(ReasonCode.MODEL_FAILED);
      assertThat(engine.metrics().modelFailures()).containsEntry("flaky", 1L);
      assertThat(engine.metrics().degraded()).isEqualTo(1);
      assertThat(engine.health().status()).isEqualTo(EngineHealth.Status.DEGRADED);
      assertThat(engine.health().models().get(1).state()).isEqualTo(ModelHealth.State.FAILING);
      assertThat(engine.health().models().get(1).lastError()).contains("model flaky is down");

      flaky.failing.set(false);
      Decision recovered = engine.score(Transactions.valid().id("tx-2").build());

      assertThat(recovered.degraded()).isFalse();
      assertThat(recovered.score()).isCloseTo((0.1 + 5 * 0.9) / 6, within(1e-12));
      assertThat(engine.health().status()).isEqualTo(EngineHealth.Status.UP);
      assertThat(engine.health().models().get(1).failures()).isEqualTo(1);
    }
  }

  @Test
  void score_modelAnsweringOutOfRange_countsAsFailure() {
    try (FraudEngine engine = builder().model(TestModels.constant("nan", Double.NaN))
        .model(TestModels.constant("big", 1.5)).build()) {
      Decision d = engine.score(tx());

      assertThat(d.modelScores()).isEmpty();
      assertThat(d.degraded()).isTrue();
      assertThat(engine.metrics().modelFailures()).containsOnlyKeys("big", "nan");
      assertThat(engine.health().models().get(1).lastError()).contains("returned 1.5, outside [0, 1]");
    }
  }

  @Test
  void score_allModelsFail_rulesAloneDecide() {
    try (FraudEngine engine = builder().model(new TestModels.Flaky("a", 0.9))
        .rules(RuleSet.of("r1", Rule.score("s", 0.4, ctx -> true)))
        .build()) {
      Decision d = engine.score(tx());

      assertThat(d.score()).isCloseTo(0.4, within(1e-12));
      assertThat(d.verdict()).isEqualTo(Verdict.REVIEW);
      assertThat(d.degraded()).isTrue();
    }
  }

  @Test
  void score_hardRules_followPrecedenceAllowBlockHoldReview() {
    Rule allow = Rule.allow("allow", ctx -> ctx.transaction().cardId().equals("vip"));
    Rule block = Rule.block("block", ctx -> ctx.transaction().amount() > 1000);
    Rule hold = Rule.hold("hold", ctx -> ctx.transaction().amount() > 500);
    Rule review = Rule.review("review", ctx -> ctx.transaction().amount() > 100);
    try (FraudEngine engine = builder().model(TestModels.constant("m", 0.9))
        .rules(RuleSet.of("v1", review, hold, block, allow)).build()) {
      assertThat(engine.score(Transactions.valid().card("vip").amount(5000, "EUR").build()).verdict())
          .isEqualTo(Verdict.APPROVE);
      Decision blocked = engine.score(Transactions.valid().amount(5000, "EUR").build());
      assertThat(blocked.verdict()).isEqualTo(Verdict.BLOCK);
      assertThat(blocked.reasons()).extracting(Reason::code).startsWith("RULE_BLOCK", "RULE_HOLD", "RULE_REVIEW");
      assertThat(blocked.ruleHits()).extracting(RuleHit::ruleId).containsExactly("review", "hold", "block");
    }
  }

  @Test
  void score_hardRuleMilderThanScore_keepsStricterVerdict() {
    try (FraudEngine engine = builder().model(TestModels.constant("m", 0.9))
        .rules(RuleSet.of("v1", Rule.review("review", ctx -> true))).build()) {
      Decision d = engine.score(tx());

      assertThat(d.riskLevel()).isEqualTo(RiskLevel.CRITICAL);
      assertThat(d.verdict()).isEqualTo(Verdict.BLOCK);
    }
    try (FraudEngine engine = builder().model(TestModels.constant("m", 0.05))
        .rules(RuleSet.of("v1", Rule.hold("hold", ctx -> true))).build()) {
      Decision d = engine.score(tx());

      assertThat(d.riskLevel()).isEqualTo(RiskLevel.LOW);
      assertThat(d.verdict()).isEqualTo(Verdict.HOLD);
    }
  }

  @Test
  void score_scoreRules_addToModelScoreAndClamp() {
    try (FraudEngine engine = builder().model(TestModels.constant("m", 0.5))
        .rules(RuleSet.of("v1", Rule.score("up", 0.4, ctx -> true), Rule.score("up2", 0.3, ctx -> true)))
        .build()) {
      assertThat(engine.score(tx()).score()).isEqualTo(1.0);
    }
    try (FraudEngine engine = builder().model(TestModels.constant("m", 0.1))
        .rules(RuleSet.of("v1", Rule.score("down", -0.5, ctx -> true))).build()) {
      assertThat(engine.score(tx()).score()).isEqualTo(0.0);
    }
  }

  @Test
  void score_firedRule_showsTheValuesItRead() {
    try (FraudEngine engine = builder().features(new CountingPipeline()).model(TestModels.constant("m", 0.2))
        .rules(RuleSet.of("v7",
            Rule.review("busy-card", ctx -> ctx.feature("card.txn_count") >= 1 && ctx.modelScore("m") > 0.1),
            Rule.block("never", ctx -> ctx.feature("amount") > 1e6)))
        .build()) {
      assertThat(engine.score(tx()).ruleHits()).isEmpty();

      Decision d = engine.score(Transactions.valid().id("tx-2").build());

      assertThat(d.verdict()).isEqualTo(Verdict.REVIEW);
      assertThat(d.ruleSetVersion()).isEqualTo("v7");
      RuleHit hit = d.ruleHits().get(0);
      assertThat(hit.ruleId()).isEqualTo("busy-card");
      assertThat(hit.values()).containsExactly(
          java.util.Map.entry("card.txn_count", 1.0), java.util.Map.entry("model.m", 0.2));
      assertThat(d.reasons().get(0).code()).isEqualTo(ReasonCode.RULE_REVIEW);
      assertThat(d.reasons().get(0).values()).containsEntry("rule", "busy-card").containsEntry("card.txn_count", 1.0);
    }
  }

  @Test
  void score_ruleThatScoresOnTheSameThread_keepsTheOuterDecisionsReads() {
    // The engine reuses one rule context per thread; a decision made from inside a rule must not touch the one the
    // outer decision is reading through.
    java.util.concurrent.atomic.AtomicReference<FraudEngine> self = new java.util.concurrent.atomic.AtomicReference<>();
    java.util.concurrent.atomic.AtomicReference<Decision> inner = new java.util.concurrent.atomic.AtomicReference<>();
    try (FraudEngine engine = builder().features(new CountingPipeline()).model(TestModels.constant("m", 0.2))
        .rules(RuleSet.of("v1", Rule.review("nested", ctx -> {
          double count = ctx.feature("card.txn_count");
          if (inner.get() == null && ctx.transaction().id().equals("outer")) {
            inner.set(self.get().score(Transactions.valid().id("inner").amount(7, "EUR").build()));
          }
          return count >= 0 && ctx.feature("amount") > 0 && ctx.modelScore("m") > 0.1;
        })))
        .build()) {
      self.set(engine);
      Decision outer = engine.score(Transactions.valid().id("outer").amount(900, "EUR").build());

      assertThat(outer.ruleHits()).hasSize(1);
      assertThat(outer.ruleHits().get(0).values()).containsExactly(java.util.Map.entry("card.txn_count", 0.0),
          java.util.Map.entry("amount", 900.0), java.util.Map.entry("model.m", 0.2));
      assertThat(inner.get().ruleHits().get(0).values()).containsEntry("amount", 7.0);

      Decision next = engine.score(Transactions.valid().id("next").amount(55, "EUR").build());
      assertThat(next.ruleHits().get(0).values()).containsExactly(java.util.Map.entry("card.txn_count", 2.0),
          java.util.Map.entry("amount", 55.0), java.util.Map.entry("model.m", 0.2));
    }
  }

  @Test
  void score_missingFeature_comparesFalse() {
    FeaturePipeline missing = new FeaturePipeline() {
      @Override
      public FeatureSchema schema() {
        return FeatureSchema.of("m", "1", "x");
      }

      @Override
      public float[] process(Transaction tx) {
        return new float[] {Float.NaN};
      }
    };
    try (FraudEngine engine = builder().features(missing)
        .rules(RuleSet.of("v1", Rule.block("x-high", ctx -> ctx.feature("x") > 1),
            Rule.block("x-low", ctx -> ctx.feature("x") <= 1)))
        .build()) {
      assertThat(engine.score(tx()).verdict()).isEqualTo(Verdict.APPROVE);
    }
  }

  @Test
  void score_throwingRule_countsAsNotFiredAndDegrades() {
    try (FraudEngine engine = builder()
        .rules(RuleSet.of("v1", Rule.block("typo", ctx -> ctx.feature("no.such.feature") > 0),
            Rule.review("ok", ctx -> true)))
        .build()) {
      Decision d = engine.score(tx());

      assertThat(d.verdict()).isEqualTo(Verdict.REVIEW);
      assertThat(d.degraded()).isTrue();
      assertThat(d.reason(ReasonCode.RULE_FAILED).values()).containsEntry("rule", "typo");
      assertThat(engine.metrics().ruleFailures()).isEqualTo(1);
    }
  }

  @Test
  void score_pipelineFails_decidesByRulesWithoutModels() {
    TestModels.Flaky model = new TestModels.Flaky("m", 0.9);
    model.failing.set(false);
    FeaturePipeline broken = new FeaturePipeline() {
      @Override
      public FeatureSchema schema() {
        return FeatureSchema.of("broken", "1", "a");
      }

      @Override
      public float[] process(Transaction tx) {
        throw new IllegalStateException("state store unreachable");
      }
    };
    try (FraudEngine engine = builder().features(broken).model(model)
        .rules(RuleSet.of("v1", Rule.review("large", ctx -> ctx.transaction().amount() > 10))).build()) {
      Decision d = engine.score(tx());

      assertThat(d.verdict()).isEqualTo(Verdict.REVIEW);
      assertThat(d.degraded()).isTrue();
      assertThat(d.modelScores()).isEmpty();
      assertThat(model.calls).hasValue(0);
      assertThat(d.reason(ReasonCode.FEATURES_UNAVAILABLE).values().get("error").toString())
          .contains("state store unreachable");
    }
  }

  @Test
  void score_pipelineGivesPartialFeatures_modelsUseThemAndDecisionDegraded() {
    FeaturePipeline partial = new FeaturePipeline() {
      @Override
      public FeatureSchema schema() {
        return FeatureSchema.of("p", "1", "amount", "card.count");
      }

      @Override
      public float[] process(Transaction tx) {
        throw new PartialFeaturesException("card state unreachable", new float[] {(float) tx.amount(), Float.NaN},
            new IllegalStateException("timeout"));
      }
    };
    try (FraudEngine engine = builder().features(partial)
        .model(TestModels.of("amount", f -> Float.isNaN(f[1]) ? Math.min(1, f[0] / 100) : 0))
        .rules(RuleSet.of("v1", Rule.review("busy", ctx -> ctx.feature("card.count") > 3))).build()) {
      Decision d = engine.score(tx());

      assertThat(d.modelScores().get(0).score()).isCloseTo(0.425, within(1e-6));
      assertThat(d.degraded()).isTrue();
      assertThat(d.ruleHits()).isEmpty();
      assertThat(d.reason(ReasonCode.FEATURES_PARTIAL).values().get("error").toString())
          .contains("card state unreachable");
      assertThat(d.reason(ReasonCode.FEATURES_UNAVAILABLE)).isNull();
    }
  }

  @Test
  void partialFeaturesException_copiesItsVector() {
    float[] v = {1, 2};
    PartialFeaturesException e = new PartialFeaturesException("m", v, null);
    v[0] = 9;

    assertThat(e.features()).containsExactly(1, 2);
    assertThat(e.code()).isEqualTo(ErrorCode.FEATURE_STATE_FAILED);
  }

  @Test
  void score_pipelineReturnsWrongLength_treatedAsFailure() {
    FeaturePipeline wrong = new FeaturePipeline() {
      @Override
      public FeatureSchema schema() {
        return FeatureSchema.of("w", "1", "a", "b");
      }

      @Override
      public float[] process(Transaction tx) {
        return new float[1];
      }
    };
    try (FraudEngine engine = builder().features(wrong).build()) {
      assertThat(engine.score(tx()).reason(ReasonCode.FEATURES_UNAVAILABLE).values().get("error").toString())
          .contains("returned 1 features, its schema w@1 has 2");
    }
  }

  @Test
  void score_caseStore_givesSignalsEvidenceAndRuleInputs() {
    Instant t = Transactions.EVENT_TIME.minusSeconds(86_400);
    CaseStore store = (tx, features, k) -> List.of(
        new SimilarCase("legit-1", 0.97, Label.LEGITIMATE, null, t),
        new SimilarCase("fraud-9", 0.91, Label.FRAUD, "card_testing", t),
        new SimilarCase("fraud-3", 0.80, Label.FRAUD, null, t),
        new SimilarCase("legit-2", 0.75, Label.LEGITIMATE, null, t));
    try (FraudEngine engine = builder().caseStore(store).nearestCases(4)
        .rules(RuleSet.of("v1", Rule.score("near-fraud", 0.3,
            ctx -> ctx.nearestFraudSimilarity() > 0.9 && ctx.fraudShare() >= 0.5)))
        .build()) {
      Decision d = engine.score(tx());

      assertThat(d.similarCases()).extracting(SimilarCase::caseId)
          .containsExactly("legit-1", "fraud-9", "fraud-3", "legit-2");
      assertThat(d.score()).isCloseTo(0.3, within(1e-12));
      assertThat(d.ruleHits().get(0).values()).containsEntry("cases.nearest_fraud_similarity", 0.91)
          .containsEntry("cases.fraud_share", 0.5);
      Reason evidence = d.reason(ReasonCode.SIMILAR_FRAUD_CASE);
      assertThat(evidence.values()).containsEntry("case", "fraud-9").containsEntry("fraudType", "card_testing");
    }
  }

  @Test
  void score_caseStoreFails_degradedWithoutCases() {
    CaseStore broken = (tx, features, k) -> {
      throw new IllegalStateException("index corrupt");
    };
    try (FraudEngine engine = builder().caseStore(broken).build()) {
      Decision d = engine.score(tx());

      assertThat(d.degraded()).isTrue();
      assertThat(d.similarCases()).isEmpty();
      assertThat(d.reason(ReasonCode.CASE_STORE_FAILED)).isNotNull();
    }
  }

  @Test
  void score_caseStoreObserveFails_keepsCasesAndIsNotDegraded() {
    Instant t = Transactions.EVENT_TIME.minusSeconds(3_600);
    CaseStore store = new CaseStore() {
      @Override
      public List<SimilarCase> nearest(Transaction tx, float[] features, int k) {
        return List.of(new SimilarCase("fraud-1", 0.95, Label.FRAUD, null, t));
      }

      @Override
      public void observe(Transaction tx, float[] features) {
        throw new IllegalStateException("observation buffer full");
      }
    };
    try (FraudEngine engine = builder().caseStore(store).build()) {
      Decision d = engine.score(tx());

      assertThat(d.degraded()).isFalse();
      assertThat(d.similarCases()).extracting(SimilarCase::caseId).containsExactly("fraud-1");
      assertThat(d.reason(ReasonCode.CASE_STORE_FAILED)).isNull();
    }
  }

  @Test
  void score_shadowRules_recordedNeverActedOn() {
    try (FraudEngine engine = builder().model(TestModels.constant("m", 0.1))
        .shadowRules(RuleSet.of("shadow-2", Rule.block("would-block", ctx -> true),
            Rule.score("would-add", 0.9, ctx -> true)))
        .build()) {
      Decision d = engine.score(tx());

      assertThat(d.verdict()).isEqualTo(Verdict.APPROVE);
      assertThat(d.score()).isCloseTo(0.1, within(1e-12));
      assertThat(d.ruleHits()).extracting(RuleHit::ruleId, RuleHit::shadow).containsExactly(
          org.assertj.core.groups.Tuple.tuple("would-block", true),
          org.assertj.core.groups.Tuple.tuple("would-add", true));
      assertThat(d.reasons()).extracting(Reason::code).doesNotContain("RULE_BLOCK", "RULE_SCORE");
    }
  }

  @Test
  void score_reasons_orderedHardRulesThenByAbsoluteWeight() {
    FraudModel explaining = TestModels.explaining("gbt", 0.4, List.of(
        new FeatureContribution("amount", 900, 1.2),
        new FeatureContribution("card.txn_count", 3, -0.4),
        new FeatureContribution("hour", 3, 0.2),
        new FeatureContribution("unused", 0, 0.1)));
    try (FraudEngine engine = builder().model(explaining).topFeatures(3)
        .rules(RuleSet.of("v1", Rule.score("small-boost", 0.05, ctx -> true),
            Rule.score("big-cut", -0.35, ctx -> true), Rule.review("always", ctx -> true)))
        .build()) {
      Decision d = engine.score(tx());

      assertThat(d.reasons()).extracting(Reason::code).containsExactly(
          "RULE_REVIEW", "MODEL_SCORE", "RULE_SCORE", "FEATURE_CONTRIBUTION", "FEATURE_CONTRIBUTION",
          "RULE_SCORE", "FEATURE_CONTRIBUTION");
      List<Reason> features = d.reasons().stream().filter(r -> r.code().equals("FEATURE_CONTRIBUTION")).toList();
      assertThat(features).extracting(r -> r.values().get("feature")).containsExactly("amount", "card.txn_count", "hour");
      assertThat(features.get(0).weight()).isCloseTo(0.4 * 1.2 / 1.8, within(1e-12));
      assertThat(features.get(1).weight()).isCloseTo(-0.4 * 0.4 / 1.8, within(1e-12));
      assertThat(features.get(1).message()).contains("lowered");
    }
  }

  @Test
  void score_moreThanTenReasons_exactOrderStableTiesAndMessages() {
    // Shares: model a 0.5 * 0.4 = 0.2, model b 0.5 * 0.8 = 0.4; b's contributions 0.4 * (0.5, -0.5) / 1 = +-0.2; so
    // five reasons weigh exactly 0.2 in absolute value and must keep the order they were made in.
    FraudModel a = TestModels.explaining("a", 0.4, List.of(
        new FeatureContribution("amount", 900, 1.2),
        new FeatureContribution("card.txn_count", 3, -0.4),
        new FeatureContribution("hour", 3, 0.2)));
    FraudModel b = TestModels.explaining("b", 0.8, List.of(
        new FeatureContribution("ratio", 0.25, 0.5),
        new FeatureContribution("night", 1, -0.5)));
    Instant t = Transactions.EVENT_TIME.minusSeconds(60);
    CaseStore store = (tx, features, k) -> List.of(
        new SimilarCase("legit-1", 0.99, Label.LEGITIMATE, null, t),
        new SimilarCase("fraud-1", 0.9126, Label.FRAUD, null, t));
    try (FraudEngine engine = builder().model(a).model(b).model(new TestModels.Flaky("c", 0.5)).topFeatures(3)
        .caseStore(store)
        .rules(RuleSet.of("v1", Rule.review("rev", ctx -> true), Rule.score("s1", 0.2, ctx -> true),
            Rule.block("blk", ctx -> true), Rule.score("s2", -0.2, ctx -> true), Rule.hold("hld", ctx -> true),
            Rule.allow("alw", ctx -> true)))
        .build()) {
      for (int run = 0; run < 2; run++) {
        Decision d = engine.score(tx());

        assertThat(d.verdict()).isEqualTo(Verdict.APPROVE);
        assertThat(d.modelScores()).extracting(ModelScore::modelId).containsExactly("a", "b");
        assertThat(d.ruleHits()).extracting(RuleHit::ruleId).containsExactly("rev", "s1", "blk", "s2", "hld", "alw");
        assertThat(d.reasons()).extracting(Reason::code, Reason::message).containsExactly(
            org.assertj.core.groups.Tuple.tuple("RULE_ALLOW", "alw"),
            org.assertj.core.groups.Tuple.tuple("RULE_BLOCK", "blk"),
            org.assertj.core.groups.Tuple.tuple("RULE_HOLD", "hld"),
            org.assertj.core.groups.Tuple.tuple("RULE_REVIEW", "rev"),
            org.assertj.core.groups.Tuple.tuple("MODEL_SCORE", "model 'b' scored 0.8"),
            org.assertj.core.groups.Tuple.tuple("MODEL_SCORE", "model 'a' scored 0.4"),
            org.assertj.core.groups.Tuple.tuple("FEATURE_CONTRIBUTION", "ratio = 0.25 raised the score of model 'b'"),
            org.assertj.core.groups.Tuple.tuple("FEATURE_CONTRIBUTION", "night = 1 lowered the score of model 'b'"),
            org.assertj.core.groups.Tuple.tuple("RULE_SCORE", "s1"),
            org.assertj.core.groups.Tuple.tuple("RULE_SCORE", "s2"),
            org.assertj.core.groups.Tuple.tuple("FEATURE_CONTRIBUTION", "amount = 900 raised the score of model 'a'"),
            org.assertj.core.groups.Tuple.tuple("FEATURE_CONTRIBUTION",
                "card.txn_count = 3 lowered the score of model 'a'"),
            org.assertj.core.groups.Tuple.tuple("FEATURE_CONTRIBUTION", "hour = 3 raised the score of model 'a'"),
            org.assertj.core.groups.Tuple.tuple("SIMILAR_FRAUD_CASE",
                "similar to known fraud case 'fraud-1' (similarity 0.913)"),
            org.assertj.core.groups.Tuple.tuple("MODEL_FAILED", "model 'c' failed and was left out"));
        assertThat(d.reasons().get(4).values()).containsExactly(java.util.Map.entry("model", "b"),
            java.util.Map.entry("version", "test-1"), java.util.Map.entry("score", 0.8), java.util.Map.entry("weight", 1.0));
        assertThat(d.reasons().get(10).weight()).isCloseTo(0.2 * 1.2 / 1.8, within(1e-12));
        assertThatThrownBy(() -> d.reasons().add(d.reasons().get(0))).isInstanceOf(UnsupportedOperationException.class);
        assertThat(List.copyOf(d.reasons())).isSameAs(d.reasons());
        assertThat(List.copyOf(d.modelScores())).isSameAs(d.modelScores());
        assertThat(List.copyOf(d.ruleHits())).isSameAs(d.ruleHits());
      }
    }
  }

  @Test
  void score_explainedModel_scoresAndExplainsInOneCall() {
    java.util.concurrent.atomic.AtomicInteger fused = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.atomic.AtomicInteger separate = new java.util.concurrent.atomic.AtomicInteger();
    FraudModel model = new TestModels.Base("fused", 0.7) {
      @Override
      public double score(float[] features) {
        separate.incrementAndGet();
        return 0.7;
      }

      @Override
      public ExplainedScore scoreExplained(float[] features, int limit) {
        fused.incrementAndGet();
        return new ExplainedScore(0.7, List.of(new FeatureContribution("amount", 900, 0.8)));
      }
    };
    try (FraudEngine engine = builder().model(model).topFeatures(2).build()) {
      Decision d = engine.score(tx());

      assertThat(fused).hasValue(1);
      assertThat(separate).hasValue(0);
      assertThat(d.score()).isEqualTo(0.7);
      assertThat(d.reason(ReasonCode.FEATURE_CONTRIBUTION).values()).containsEntry("feature", "amount");
    }
  }

  @Test
  void score_explanationThrows_keepsScoreWithoutContributions() {
    FraudModel model = new TestModels.Base("unexplained", 0.5) {
      @Override
      public List<FeatureContribution> explain(float[] features, int limit) {
        throw new IllegalStateException("no path recorded");
      }
    };
    try (FraudEngine engine = builder().model(model).topFeatures(3).build()) {
      Decision d = engine.score(tx());

      assertThat(d.degraded()).isFalse();
      assertThat(d.score()).isEqualTo(0.5);
      assertThat(d.reason(ReasonCode.FEATURE_CONTRIBUTION)).isNull();
    }
  }

  @Test
  void score_explainedScoreOutOfRange_leavesModelOut() {
    FraudModel model = new TestModels.Base("wild", 0.5) {
      @Override
      public ExplainedScore scoreExplained(float[] features, int limit) {
        return new ExplainedScore(1.5, List.of());
      }
    };
    try (FraudEngine engine = builder().model(model).model(TestModels.constant("steady", 0.2)).topFeatures(3)
        .build()) {
      Decision d = engine.score(tx());

      assertThat(d.degraded()).isTrue();
      assertThat(d.modelScores()).extracting(ModelScore::modelId).containsExactly("steady");
      assertThat(d.score()).isEqualTo(0.2);
    }
  }

  @Test
  void build_modelWithOtherSchema_failsWithSchemaMismatch() {
    FraudModel picky = new FraudModel() {
      @Override
      public String id() {
        return "picky";
      }

      @Override
      public String version() {
        return "1";
      }

      @Override
      public void checkSchema(FeatureSchema schema) {
        FeatureSchema mine = FeatureSchema.of("handbook", "1", "amount");
        if (!mine.compatibleWith(schema)) {
          throw new FraudEngineException(ErrorCode.FEATURE_SCHEMA_MISMATCH,
              "model picky expects " + mine + ", the pipeline gives " + schema);
        }
      }

      @Override
      public double score(float[] features) {
        return 0;
      }
    };

    assertThatThrownBy(() -> builder().features(new CountingPipeline()).model(picky).build())
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("FEATURE_SCHEMA_MISMATCH")
        .hasMessageContaining("handbook@1[amount]").hasMessageContaining("counting@1[amount, card.txn_count]")
        .satisfies(e -> assertThat(((FraudEngineException) e).code()).isEqualTo(ErrorCode.FEATURE_SCHEMA_MISMATCH));
  }

  @Test
  void build_duplicateModelIds_rejected() {
    assertThatThrownBy(() -> builder().model(TestModels.constant("m", 0.1)).model(TestModels.constant("m", 0.2))
        .build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("'m' was added twice");
  }

  @Test
  void builder_badArguments_rejectedAtOnce() {
    FraudEngine.Builder b = FraudEngine.builder();
    assertThatThrownBy(() -> b.model(TestModels.constant("m", 0.1), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight of model 'm' must be positive and finite, but was 0.0");
    assertThatThrownBy(() -> b.nearestCases(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("nearestCases must be in [1, 100], but was 0");
    assertThatThrownBy(() -> b.listenerQueueCapacity(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("listenerQueueCapacity");
    assertThatThrownBy(() -> b.maxAmount(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxAmount");
    assertThatThrownBy(() -> b.topFeatures(21)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topFeatures");
    assertThatThrownBy(() -> b.failureLogInterval(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("failureLogInterval");
    assertThatThrownBy(() -> b.features(null)).isInstanceOf(NullPointerException.class).hasMessage("pipeline");
  }

  @Test
  void rules_badDefinitions_rejected() {
    assertThatThrownBy(() -> Rule.score("s", 1.5, ctx -> true)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight of SCORE rule 's' must be in [-1, 1] and non-zero, but was 1.5");
    assertThatThrownBy(() -> Rule.of("b", RuleAction.BLOCK, 0.2, "b", ctx -> true))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be 0");
    assertThatThrownBy(() -> Rule.block(" ", ctx -> true)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id must not be blank");
    assertThatThrownBy(() -> RuleSet.of("v1", Rule.block("a", ctx -> true), Rule.review("a", ctx -> true)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a' appears twice");
  }

  @Test
  void feedback_reachesPipelineAndCaseStore() {
    CountingPipeline pipeline = new CountingPipeline();
    List<String> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
    CaseStore store = new CaseStore() {
      @Override
      public List<SimilarCase> nearest(Transaction tx, float[] features, int k) {
        return List.of();
      }

      @Override
      public void feedback(String transactionId, Label label, Instant labelTime) {
        stored.add(transactionId + "@" + labelTime);
      }
    };
    try (FraudEngine engine = builder().features(pipeline).caseStore(store).build()) {
      engine.feedback("tx-1", Label.FRAUD, Transactions.NOW);

      assertThat(pipeline.feedback).containsExactly("tx-1:FRAUD");
      assertThat(stored).containsExactly("tx-1@" + Transactions.NOW);
      assertThatThrownBy(() -> engine.feedback(" ", Label.FRAUD, Transactions.NOW))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transactionId");
      assertThatThrownBy(() -> engine.feedback("tx-1", null, Transactions.NOW))
          .isInstanceOf(NullPointerException.class).hasMessage("label");
      assertThat(pipeline.feedback).hasSize(1);
    }
  }

  @Test
  void feedback_failingStore_throwsWithCodeAfterPipelineRecorded() {
    CountingPipeline pipeline = new CountingPipeline();
    CaseStore store = new CaseStore() {
      @Override
      public List<SimilarCase> nearest(Transaction tx, float[] features, int k) {
        return List.of();
      }

      @Override
      public void feedback(String transactionId, Label label, Instant labelTime) {
        throw new IllegalStateException("disk full");
      }
    };
    try (FraudEngine engine = builder().features(pipeline).caseStore(store).build()) {
      assertThatThrownBy(() -> engine.feedback("tx-1", Label.LEGITIMATE, Transactions.NOW))
          .isInstanceOf(FraudEngineException.class).hasMessageContaining("CASE_STORE_FAILED")
          .hasMessageContaining("tx-1").hasRootCauseMessage("disk full");
      assertThat(pipeline.feedback).containsExactly("tx-1:LEGITIMATE");
    }
  }

  @Test
  void scoreAsync_completesWithDecisionOrWithTheRejection() throws Exception {
    try (FraudEngine engine = builder().model(TestModels.constant("m", 0.7)).build()) {
      assertThat(engine.scoreAsync(tx()).get(10, TimeUnit.SECONDS).verdict()).isEqualTo(Verdict.HOLD);

      var bad = engine.scoreAsync(Transactions.valid().amount(-1, "EUR").build());

      assertThatThrownBy(() -> bad.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(InvalidTransactionException.class).hasMessageContaining("amount");
    }
  }

  @Test
  void close_stopsScoringClosesComponentsAndIsIdempotent() {
    TestModels.Flaky model = new TestModels.Flaky("m", 0.2);
    AtomicInteger storeCloses = new AtomicInteger();
    CaseStore store = new CaseStore() {
      @Override
      public List<SimilarCase> nearest(Transaction tx, float[] features, int k) {
        return List.of();
      }

      @Override
      public void close() {
        storeCloses.incrementAndGet();
        throw new IllegalStateException("close failed: must be logged, not thrown");
      }
    };
    FraudEngine engine = builder().model(model).caseStore(store).build();

    engine.close();
    engine.close();

    assertThat(model.closes).hasValue(1);
    assertThat(storeCloses).hasValue(1);
    assertThat(engine.health().status()).isEqualTo(EngineHealth.Status.CLOSED);
    assertThatThrownBy(() -> engine.score(tx())).isInstanceOf(FraudEngineException.class)
        .satisfies(e -> assertThat(((FraudEngineException) e).code()).isEqualTo(ErrorCode.ENGINE_CLOSED));
    assertThatThrownBy(() -> engine.scoreAsync(tx()).get()).hasCauseInstanceOf(FraudEngineException.class)
        .hasMessageContaining("ENGINE_CLOSED");
  }

  @Test
  void metrics_countVerdictsAlertRateAndLatency() {
    try (FraudEngine engine = builder()
        .rules(RuleSet.of("v1", Rule.review("r", ctx -> ctx.transaction().amount() > 100),
            Rule.block("b", ctx -> ctx.transaction().amount() > 1000)))
        .build()) {
      engine.score(Transactions.valid().id("1").amount(10, "EUR").build());
      engine.score(Transactions.valid().id("2").amount(200, "EUR").build());
      engine.score(Transactions.valid().id("3").amount(300, "EUR").build());
      engine.score(Transactions.valid().id("4").amount(2000, "EUR").build());
      clock.advance(Duration.ofSeconds(90));

      EngineMetrics m = engine.metrics();

      assertThat(m.decisions()).isEqualTo(4);
      assertThat(m.decisions(Verdict.APPROVE)).isEqualTo(1);
      assertThat(m.decisions(Verdict.REVIEW)).isEqualTo(2);
      assertThat(m.decisions(Verdict.BLOCK)).isEqualTo(1);
      assertThat(m.decisions(Verdict.HOLD)).isZero();
      assertThat(m.alertRate()).isEqualTo(0.5);
      assertThat(m.latency().count()).isEqualTo(4);
      assertThat(m.latency().p50Nanos()).isPositive();
      assertThat(m.latency().maxNanos()).isGreaterThanOrEqualTo(m.latency().p99Nanos())
          .isGreaterThanOrEqualTo(m.latency().p50Nanos());
      assertThat(m.uptime()).isEqualTo(Duration.ofSeconds(90));
    }
  }
}
