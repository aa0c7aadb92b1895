package dev.fraudengine.flink;

import dev.fraudengine.core.FeaturePipeline;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.RuleCompiler;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.core.testing.TestModels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shared fixtures: a seeded synthetic payment stream in the handbook's shape (cards paying at terminals, a few
 * compromised terminals with many frauds, labels known 7 days later), every transaction computable from its index
 * alone so that Flink sources can regenerate it on any task; and the engine both the embedded and the Flink runs use.
 */
final class Streams {
  static final long SEED = 20_240_917L;
  static final int CARDS = 60;
  static final int TERMINALS = 25;
  static final Instant START = Instant.parse("2018-04-01T00:00:00Z");
  /**
   * The mean gap between transactions: 5 minutes, so that 7 days (the label delay) span about 2,000 transactions.
   * A label travels to the terminal stage by another path than the transactions (through the router); it must get
   * there before the first transaction 7 days later, and that margin absorbs the path's lag under backpressure,
   * measured at up to about 650 transactions right after a restart.
   */
  static final long STEP_MILLIS = 5 * 60_000L;
  static final Duration LABEL_DELAY = Duration.ofDays(7);
  static final String RULES = """
      busy_card: review if card.txn_count_1d > 4
      risky_terminal: score +0.2 if terminal.risk_7d_delay7d > 0.2
      large: hold if tx.amount > 180 and card.amount_mean_30d < 60
      """;

  /** Every feature vector each engine computed, by transaction id, in the order computed. */
  static final Map<String, List<float[]>> COMPUTED = new ConcurrentHashMap<>();

  private Streams() {}

  static Transaction transaction(long index) {
    SplittableRandom r = new SplittableRandom(SEED * 1_000_003L + index);
    Instant t = START.plusMillis(index * STEP_MILLIS + r.nextLong(STEP_MILLIS));
    String card = "card-" + r.nextInt(CARDS);
    String terminal = "term-" + r.nextInt(TERMINALS);
    double amount = Math.round((5 + r.nextDouble() * 200) * 100) / 100.0;
    return new Transaction("tx-" + index, t, amount, "EUR", card, terminal, null, null, null, null, null, Double.NaN,
        Double.NaN, null, Map.of());
  }

  static Label label(Transaction tx) {
    SplittableRandom r = new SplittableRandom(tx.id().hashCode() * 7L + SEED);
    int terminal = Integer.parseInt(tx.terminalId().substring("term-".length()));
    double p = terminal < 3 ? 0.35 : 0.03;
    return r.nextDouble() < p ? Label.FRAUD : Label.LEGITIMATE;
  }

  static Feedback feedback(long index) {
    Transaction tx = transaction(index);
    return new Feedback(tx.id(), label(tx), tx.eventTime().plus(LABEL_DELAY));
  }

  static List<Transaction> transactions(int n) {
    List<Transaction> txs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      txs.add(transaction(i));
    }
    return txs;
  }

  /** The engine of both runs: a small logistic model over card velocity and terminal risk, and three rules. */
  static FraudEngine engine(FeaturePipeline features) {
    FeaturePipeline recording = new Recording(features);
    RuleCompiler compiler = RuleCompiler.builder().schema(features.schema()).models("logit").build();
    return FraudEngine.builder()
        .features(recording)
        .model(TestModels.of("logit", f -> 1 / (1 + Math.exp(-(0.35 * f[3] + 4 * f[12] + 2 * f[14] - 3)))))
        .rules(compiler.compile("v1", RULES))
        .build();
  }

  /** Records every vector its pipeline computes into {@link #COMPUTED}. */
  private static final class Recording implements FeaturePipeline {
    private final FeaturePipeline delegate;

    Recording(FeaturePipeline delegate) {
      this.delegate = delegate;
    }

    @Override
    public FeatureSchema schema() {
      return delegate.schema();
    }

    @Override
    public float[] process(Transaction tx) {
      float[] f = delegate.process(tx);
      COMPUTED.computeIfAbsent(tx.id(), k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(f.clone());
      return f;
    }

    @Override
    public void feedback(String transactionId, Label label, Instant labelTime) {
      delegate.feedback(transactionId, label, labelTime);
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
