package dev.fraudengine.bench;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.RuleCompiler;
import dev.fraudengine.core.RuleSet;
import dev.fraudengine.features.EngineReplay;
import dev.fraudengine.features.FeaturePipelines;
import dev.fraudengine.features.OnlineFeaturePipeline;
import dev.fraudengine.features.Replay;
import dev.fraudengine.features.TrainingMatrix;
import dev.fraudengine.models.GradientBoostedTrees;
import dev.fraudengine.models.training.TrainingData;
import dev.fraudengine.models.training.XGBoostTrainer;
import dev.fraudengine.rag.Embedder;
import dev.fraudengine.rag.InMemoryCaseStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;

/**
 * Streams the handbook's 1.47 million transactions through the whole engine, as a service would see them, and
 * reports decisions per second and the latency distribution of the decisions from an HdrHistogram. Not JMH: one
 * long run, single thread, in event order, with labels fed back 7 days after each transaction.
 *
 * <p>The engine: {@code handbook()} features, gradient-boosted trees trained (through the same replay) on
 * 2018-07-25..31, a case store of known cases (every fraud, one legitimate label in 20) searched approximately once
 * it is large, and four rules. The file is parsed into memory first, so that parsing is not timed.
 *
 * <pre>
 * ./mvnw -B -q -pl fraud-bench -am package -DskipTests
 * java -Xmx6g -cp fraud-bench/target/benchmarks.jar dev.fraudengine.bench.ReplayHarness ../shared/data/fdh
 * </pre>
 */
public final class ReplayHarness {
  private static final Instant TRAIN_FROM = Instant.parse("2018-07-25T00:00:00Z");
  private static final Instant TRAIN_TO = Instant.parse("2018-08-01T00:00:00Z");
  private static final String RULES = """
      big_amount: review if tx.amount > 1000
      busy_card: score +0.10 if card.txn_count_1d > 8
      risky_terminal: score +0.20 if terminal.risk_7d_delay7d > 0.3
      near_fraud: score +0.10 if cases.nearest_fraud_similarity > 0.98 and model.gbt > 0.2
      """;

  private ReplayHarness() {}

  /**
   * Runs the harness.
   *
   * @param args the data folder holding {@code transactions-2018-04-to-08.csv.gz}
   * @throws IOException if the data cannot be read or the model written
   */
  public static void main(String[] args) throws IOException {
    Path data = Path.of(args.length > 0 ? args[0] : "../shared/data/fdh").resolve("transactions-2018-04-to-08.csv.gz");
    List<Replay.Labelled> rows;
    try (Stream<Replay.Labelled> in = Replay.readFdh(data)) {
      rows = in.filter(r -> r.transaction().amount() > 0).toList();
    }
    System.out.printf(Locale.ROOT, "read %,d transactions%n", rows.size());

    TrainingMatrix matrix = Replay.of(FeaturePipelines.handbook()).toMatrix(rows.stream());
    List<float[]> features = new ArrayList<>();
    List<Boolean> labels = new ArrayList<>();
    List<Long> times = new ArrayList<>();
    for (int i = 0; i < matrix.rows(); i++) {
      Instant t = rows.get(i).transaction().eventTime();
      if (!t.isBefore(TRAIN_FROM) && t.isBefore(TRAIN_TO)) {
        features.add(matrix.row(i));
        labels.add(matrix.label(i) == 1);
        times.add(t.toEpochMilli());
      }
    }
    boolean[] y = new boolean[labels.size()];
    long[] at = new long[times.size()];
    for (int i = 0; i < y.length; i++) {
      y[i] = labels.get(i);
      at[i] = times.get(i);
    }
    OnlineFeaturePipeline pipeline = FeaturePipelines.handbook();
    Path modelDir = Files.createTempDirectory("replay-harness");
    XGBoostTrainer.builder().build().train(
        new TrainingData(pipeline.schema(), features.toArray(new float[0][]), y, at), modelDir);
    GradientBoostedTrees model = GradientBoostedTrees.loadDirectory(modelDir, pipeline.schema(), "gbt");
    System.out.printf(Locale.ROOT, "trained %d trees on %,d rows%n", model.treeCount(), y.length);

    InMemoryCaseStore cases = InMemoryCaseStore.builder(Embedder.fit(features.subList(0, Math.min(20_000,
        features.size())), null)).legitimateSample(20).build();
    RuleSet rules = RuleCompiler.builder().schema(pipeline.schema()).models("gbt").build().compile("harness-1", RULES);
    Histogram latency = new Histogram(3);
    Histogram warm = new Histogram(3);
    long[] alerts = new long[1];
    int half = rows.size() / 2;
    long start;
    long decided;
    try (FraudEngine engine = FraudEngine.builder().features(pipeline).model(model).caseStore(cases).rules(rules)
        .build()) {
      start = System.nanoTime();
      int[] i = {0};
      decided = EngineReplay.of(engine).run(rows.stream(), (row, d) -> {
        record(latency, d);
        if (i[0]++ >= half) {
          record(warm, d);
        }
        alerts[0] += d.isAlert() ? 1 : 0;
      });
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf(Locale.ROOT, "%,d decisions in %.1f s: %,.0f decisions/s (one thread, feedback included);"
        + " %,d cases in the store; alert rate %.2f%%%n", decided, seconds, decided / seconds, cases.size(),
        100.0 * alerts[0] / decided);
    print("all decisions", latency);
    print("second half (warm)", warm);
  }

  private static void record(Histogram h, Decision d) {
    h.recordValue(Math.max(1, d.latencyNanos()));
  }

  private static void print(String what, Histogram h) {
    System.out.printf(Locale.ROOT, "%-20s p50 %6.1f µs  p99 %6.1f µs  p99.9 %7.1f µs  max %8.1f µs  mean %6.1f µs%n",
        what, h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
        h.getValueAtPercentile(99.9) / 1e3, h.getMaxValue() / 1e3, h.getMean() / 1e3);
  }
}
