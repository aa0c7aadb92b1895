package dev.fraudengine.rag;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FeatureContribution;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.RiskLevel;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.core.testing.CountingPipeline;
import dev.fraudengine.core.testing.MutableClock;
import dev.fraudengine.core.testing.TestModels;
import dev.fraudengine.core.testing.Transactions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Decisions for context and explainer tests, made by a real engine (so that they follow the core's Decision as it
 * evolves): one model that explains its score with the amount, and a case store with one fraud and one legitimate
 * case near the transaction.
 */
final class Decisions {
  static final Transaction TX = Transactions.valid().id("tx-9").amount(900, "EUR").merchantCategory("5732")
      .country("FR").device("device-secret").build();

  private Decisions() {}

  static Decision decision(RiskLevel level) {
    double score = level == RiskLevel.CRITICAL ? 0.95 : 0.05;
    Instant t = Instant.parse("2026-11-01T10:00:00Z");
    InMemoryCaseStore store = InMemoryCaseStore.builder(Embedder.identity(CountingPipeline.SCHEMA.size())).build();
    store.add(new Case("case-7", new float[] {890, 0}, Label.FRAUD, "card_testing", t, t, Map.of()));
    store.add(Case.of("case-2", new float[] {700, 0}, Label.LEGITIMATE, t.plusSeconds(60), t.plusSeconds(60)));
    try (FraudEngine engine = FraudEngine.builder().clock(new MutableClock(Transactions.NOW))
        .features(new CountingPipeline()).caseStore(store).nearestCases(2)
        .model(TestModels.explaining("gbt", score, List.of(new FeatureContribution("amount", 900, 1.25))))
        .build()) {
      Decision d = engine.score(TX);
      if (d.riskLevel() != level) {
        throw new IllegalStateException("expected a " + level + " decision, but the engine made " + d);
      }
      return d;
    }
  }
}
