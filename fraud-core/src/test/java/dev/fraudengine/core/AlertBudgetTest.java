package dev.fraudengine.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.testing.Transactions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AlertBudgetTest {
  private static final long SEED = 20261121L;

  private static double alertShare(FraudEngine engine, SplittableRandom random, int n, Instant start,
      double skew) {
    int alerts = 0;
    for (int i = 0; i < n; i++) {
      double u = Math.pow(random.nextDouble(), skew);
      Transaction tx = Transactions.valid().id("t" + i).eventTime(start.plusSeconds(i * 10L))
          .amount(1 + Math.round(u * 10_000) / 10_000.0 * 0.9999, "EUR").build();
      if (engine.score(tx).isAlert()) {
        alerts++;
      }
    }
    return alerts / (double) n;
  }

  private static FraudEngine engine(AlertBudget budget) {
    FraudModel model = new FraudModel() {
      @Override
      public String id() {
        return "frac";
      }

      @Override
      public String version() {
        return "1";
      }

      @Override
      public double score(float[] f) {
        return f[0] - Math.floor(f[0]);
      }
    };
    FeaturePipeline amount = new FeaturePipeline() {
      @Override
      public FeatureSchema schema() {
        return FeatureSchema.of("amount", "1", "amount");
      }

      @Override
      public float[] process(Transaction tx) {
        return new float[] {(float) tx.amount()};
      }
    };
    FraudEngine.Builder b = FraudEngine.builder().clock(Clock.fixed(Transactions.NOW, ZoneOffset.UTC))
        .features(amount).model(model);
    if (budget != null) {
      b.alertBudget(budget);
    }
    return b.build();
  }

  @Test
  void shareBudget_keepsAlertRateWithinTenPercent_evenWhenScoresShift() {
    System.out.println("AlertBudgetTest seed=" + SEED);
    SplittableRandom random = new SplittableRandom(SEED);
    Instant start = Transactions.NOW.minusSeconds(30L * 86_400);
    try (FraudEngine unbudgeted = engine(null); FraudEngine budgeted = engine(AlertBudget.share(0.02, 5_000))) {
      double without = alertShare(unbudgeted, new SplittableRandom(SEED), 20_000, start, 1);
      alertShare(budgeted, random, 5_000, start, 1);
      double stationary = alertShare(budgeted, random, 20_000, start.plusSeconds(50_000), 1);
      alertShare(budgeted, random, 5_000, start.plusSeconds(300_000), 0.5);
      double shifted = alertShare(budgeted, random, 20_000, start.plusSeconds(400_000), 0.5);

      assertThat(without).isBetween(0.50, 0.60);
      assertThat(stationary).isBetween(0.018, 0.022);
      assertThat(shifted).isBetween(0.018, 0.022);
      AlertBudget.Status status = budgeted.metrics().alertBudget();
      assertThat(status.adapted()).isTrue();
      assertThat(status.targetShare()).isEqualTo(0.02);
      assertThat(status.achievedShare()).isBetween(0.016, 0.024);  // one 5,000-decision window: noisier
      assertThat(status.reviewThreshold()).isBetween(0.70, 0.85);
      assertThat(status.holdThreshold()).isBetween(status.reviewThreshold(), 0.85);
      assertThat(unbudgeted.metrics().alertBudget()).isNull();
    }
  }

  @Test
  void budget_keepsRanking_higherScoreNeverMilderVerdict() {
    SplittableRandom random = new SplittableRandom(SEED);
    try (FraudEngine engine = engine(AlertBudget.share(0.05, 2_000))) {
      alertShare(engine, random, 4_000, Transactions.NOW.minusSeconds(86_400), 1);
      Verdict previous = Verdict.APPROVE;
      for (int i = 0; i <= 99; i++) {
        Decision d = engine.score(Transactions.valid().id("r" + i).amount(1 + i / 100.0, "EUR").build());
        assertThat(d.verdict().compareTo(previous)).isGreaterThanOrEqualTo(0);
        previous = d.verdict();
      }
    }
  }

  @Test
  void perDayBudget_turnsCapacityIntoShareByEventTimeRate() {
    SplittableRandom random = new SplittableRandom(SEED);
    // 8,640 decisions a day (one every 10 s); capacity 432 a day is a 5% share.
    try (FraudEngine engine = engine(AlertBudget.perDay(432, 5_000))) {
      Instant start = Transactions.NOW.minusSeconds(10L * 86_400);
      alertShare(engine, random, 5_000, start, 1);
      double share = alertShare(engine, random, 20_000, start.plusSeconds(50_000), 1);

      assertThat(share).isBetween(0.045, 0.055);
      assertThat(engine.metrics().alertBudget().targetShare()).isCloseTo(0.05, org.assertj.core.api.Assertions.within(1e-6));
    }
  }

  @Test
  void budget_badArguments_andReuse_rejected() {
    assertThatThrownBy(() -> AlertBudget.share(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("share must be in (0, 0.5], but was 0.0");
    assertThatThrownBy(() -> AlertBudget.share(0.1, 10)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window must be in [1000, 10000000], but was 10");
    assertThatThrownBy(() -> AlertBudget.perDay(0, 1_000)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
    AlertBudget budget = AlertBudget.share(0.1);
    engine(budget).close();
    assertThatThrownBy(() -> engine(budget)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("one engine");
  }
}
