package dev.fraudengine.examples;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.Reason;
import dev.fraudengine.core.RuleCompiler;
import dev.fraudengine.core.RuleSet;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.core.Verdict;
import dev.fraudengine.features.FeaturePipelines;
import dev.fraudengine.features.OnlineFeaturePipeline;
import dev.fraudengine.features.Replay;
import dev.fraudengine.models.GradientBoostedTrees;
import dev.fraudengine.models.onnx.AutoencoderModel;
import dev.fraudengine.models.onnx.AutoencoderTrainer;
import dev.fraudengine.models.ModelMetadata;
import dev.fraudengine.models.training.TrainingData;
import dev.fraudengine.models.training.XGBoostTrainer;
import dev.fraudengine.rag.Embedder;
import dev.fraudengine.rag.InMemoryCaseStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fraud demo}: the whole library on a synthetic stream: simulate, train through replay, build the engine
 * (features, gradient-boosted trees, a case store, rules), score the rest, print a summary and write the HTML report.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = {"Run the whole engine on a synthetic stream and print what it decided.",
        "Simulates payments with fraud patterns, trains gradient-boosted trees on the first two thirds of the days"
            + " (point-in-time replay, labels known 7 days later), builds the engine (standard features, the model,"
            + " a case store of known cases, the sample rules), scores the whole stream (state stays warm, labels"
            + " fed back after 7 days) and reports on the last third: decisions by verdict with precision and recall,"
            + " ROC AUC and average precision, latency, three example decisions; and writes an HTML report."},
    footerHeading = "%nExamples:%n",
    footer = {"  fraud demo", "  fraud demo --cards 3000 --days 90 --report demo.html"})
final class DemoCommand implements Callable<Integer> {
  /** The sample rule file, on the classpath. */
  static final String RULES = "demo-rules.txt";
  private static final Duration LABEL_DELAY = Duration.ofDays(7);
  /** The anomaly model's id: rules read its score as {@code model.anomaly}. */
  static final String ANOMALY_ID = "anomaly";
  /**
   * The anomaly model's weight beside the trees' 1. Small: its score is the quantile of the reconstruction error
   * among legitimate payments (about 0.5 for a typical one), a signal for rules and the ensemble, not a probability.
   */
  private static final double ANOMALY_WEIGHT = 0.1;

  @Spec
  CommandSpec spec;

  @Option(names = "--cards", defaultValue = "1000", description = "Cards to simulate (default ${DEFAULT-VALUE}).")
  int cards;

  @Option(names = "--terminals", defaultValue = "200", description = "Terminals (default ${DEFAULT-VALUE}).")
  int terminals;

  @Option(names = "--days", defaultValue = "60", description = "Days, at least 21 (default ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--fraud-rate", defaultValue = "0.01", description = "Fraud share (default ${DEFAULT-VALUE}).")
  double fraudRate;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--report", defaultValue = "fraud-demo-report.html", paramLabel = "FILE.html",
      description = "Where to write the HTML report (default ${DEFAULT-VALUE}).")
  Path report;

  @Option(names = "--no-progress", negatable = true, defaultValue = "true",
      description = "Show a progress bar on stderr (default: on).")
  boolean progress;

  private final PrintStream out;
  private final PrintStream err;

  DemoCommand() {
    this(System.out, System.err);
  }

  DemoCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** Every n-th legitimate row of the training data, at most {@code max} of them, for the anomaly model. */
  private static float[][] legitimateSample(TrainingData data, int max) {
    int legit = 0;
    for (boolean fraud : data.labels()) {
      legit += fraud ? 0 : 1;
    }
    int step = Math.max(1, legit / max);
    List<float[]> rows = new ArrayList<>();
    for (int i = 0, seen = 0; i < data.rows(); i++) {
      if (!data.labels()[i] && seen++ % step == 0) {
        rows.add(data.features()[i]);
      }
    }
    return rows.toArray(new float[0][]);
  }

  /** The demo's rule set, compiled against a schema with the models {@code gbt} and {@code anomaly}. */
  static RuleSet rules(OnlineFeaturePipeline pipeline) {
    try (InputStream in = DemoCommand.class.getResourceAsStream(RULES)) {
      if (in == null) {
        throw new IllegalStateException("the demo rules " + RULES + " are missing from the classpath");
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return RuleCompiler.builder().schema(pipeline.schema()).models(ModelDirectory.MODEL_ID, ANOMALY_ID).build()
          .compile("demo-rules", text);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the demo rules", e);
    }
  }

  @Override
  public Integer call() throws IOException {
    if (days < 21) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--days must be at least 21, but was " + days);
    }
    long t0 = System.nanoTime();
    Simulator.Config config;
    try {
      config = new Simulator.Config(cards, terminals, days, fraudRate, seed,
          Cli.startOf(LocalDate.of(2025, 1, 1)));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage().replace(" rate", "-rate"));
    }
    List<Simulator.Row> rows = Simulator.generate(config);
    long frauds = rows.stream().filter(r -> r.label() == dev.fraudengine.core.Label.FRAUD).count();
    Instant split = config.start().plus(Duration.ofDays(days * 2L / 3));
    out.printf(Locale.ROOT, "1. simulated %,d payments of %,d cards at %,d terminals over %d days, %,d frauds"
        + " (%.2f%%), seed %d%n", rows.size(), cards, terminals, days, frauds, 100.0 * frauds / rows.size(), seed);

    Path modelDir = Files.createTempDirectory("fraud-demo-model");
    try {
      OnlineFeaturePipeline trainPipeline = FeaturePipelines.standard();
      TrainingData data = TrainCommand.replay(trainPipeline, labelled(rows), null, split, LABEL_DELAY);
      ModelMetadata meta = XGBoostTrainer.builder().rounds(300).scalePosWeight(1).build().train(data, modelDir);
      out.printf(Locale.ROOT, "2. trained gradient-boosted trees on %,d payments before %s (replayed through the %d"
          + " standard features): %d trees, validation ROC AUC %.3f%n", data.rows(), split.toString().substring(0, 10),
          trainPipeline.schema().size(), meta.trees(), meta.validationRocAuc());

      OnlineFeaturePipeline pipeline = FeaturePipelines.standard();
      List<float[]> sample = new ArrayList<>();
      for (int i = 0; i < data.rows(); i += Math.max(1, data.rows() / 20_000)) {
        sample.add(data.features()[i]);
      }
      InMemoryCaseStore cases = InMemoryCaseStore.builder(Embedder.fit(sample, null)).legitimateSample(20).build();
      Path anomalyDir = modelDir.resolve(ANOMALY_ID);
      float[][] legitimate = legitimateSample(data, 20_000);
      AutoencoderTrainer.builder().epochs(5).seed(seed).build().train(data.schema(), legitimate).write(anomalyDir);
      RuleSet rules = rules(pipeline);
      FraudEngine.Builder builder = FraudEngine.builder()
          .features(pipeline)
          .model(GradientBoostedTrees.loadDirectory(modelDir, pipeline.schema(), ModelDirectory.MODEL_ID), 1)
          .model(AutoencoderModel.load(anomalyDir, pipeline.schema(), ANOMALY_ID), ANOMALY_WEIGHT)
          .caseStore(cases)
          .rules(rules);
      out.printf(Locale.ROOT, "3. engine: %d standard features, gradient-boosted trees (weight 1), an autoencoder"
          + " anomaly model trained on %,d legitimate payments and scored through ONNX Runtime (weight %.2f), a case"
          + " store of known cases (every fraud, one legitimate payment in 20), %d rules from %s%n",
          pipeline.schema().size(), legitimate.length, ANOMALY_WEIGHT, rules.rules().size(), RULES);

      EngineRun run = new EngineRun(split, null, LABEL_DELAY, false, err);
      long[] done = new long[1];
      try (FraudEngine engine = builder.build()) {
        Stream<InputRecord> input = rows.stream().map(r -> {
          done[0]++;
          return InputRecord.good("simulated", done[0], r.transaction(), r.label(), r.pattern());
        });
        run.run(engine, input, new Progress(err, "4. scoring", () -> done[0] / (double) rows.size(), progress));
      }
      out.printf(Locale.ROOT, "4. scored all %,d payments through the engine (labels fed back after 7 days); the"
          + " figures below are on the %,d payments from %s on%n%n", run.scored(), run.n(),
          split.toString().substring(0, 10));
      run.print(out);
      examples(run);
      HtmlReport.write(run, "fraud demo: seed " + seed, report);
      out.printf(Locale.ROOT, "%nreport: %s%ndone in %.1f s%n", report.toAbsolutePath(),
          (System.nanoTime() - t0) / 1e9);
    } finally {
      try (Stream<Path> files = Files.walk(modelDir)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    return Cli.OK;
  }

  private static Stream<Replay.Labelled> labelled(List<Simulator.Row> rows) {
    return rows.stream().map(r -> Replay.Labelled.of(r.transaction(), r.label()));
  }

  /** Prints three decisions with their reasons: a blocked fraud, an alert, and an approved payment with reasons. */
  private void examples(EngineRun run) {
    List<EngineRun.Row> picked = new ArrayList<>();
    pick(run, picked, r -> r.verdict() == Verdict.BLOCK && r.fraud());
    pick(run, picked, r -> r.decision().isAlert());
    pick(run, picked, r -> r.verdict() == Verdict.APPROVE && !r.decision().reasons().isEmpty());
    out.println();
    out.println("example decisions:");
    for (EngineRun.Row r : picked) {
      Transaction tx = r.transaction();
      Decision d = r.decision();
      out.printf(Locale.ROOT, "  %s  %s %.2f %s at %s  ->  %s (%s, score %d)  truth: %s%n", tx.id(), tx.cardId(),
          tx.amount(), tx.currency(), tx.eventTime(), d.verdict(), d.riskLevel(), d.score100(),
          r.fraud() ? "fraud" + (r.pattern() == null ? "" : " (" + r.pattern() + ")") : "legitimate");
      for (Reason reason : d.reasons().stream().limit(4).toList()) {
        out.printf(Locale.ROOT, "      %-22s %s %s%n", reason.code(), reason.message(), values(reason.values()));
      }
    }
  }

  private static void pick(EngineRun run, List<EngineRun.Row> picked, java.util.function.Predicate<EngineRun.Row> p) {
    run.rows().stream().filter(p).filter(r -> !picked.contains(r)).findFirst().ifPresent(picked::add);
  }

  private static String values(Map<String, Object> values) {
    if (values.isEmpty()) {
      return "";
    }
    return values.entrySet().stream().limit(4).map(e -> e.getKey() + "=" + (e.getValue() instanceof Double d
        ? String.format(Locale.ROOT, "%.3g", d) : e.getValue())).collect(Collectors.joining(", ", "[", "]"));
  }

  static String verdicts(Map<Verdict, long[]> byVerdict) {
    return Arrays.stream(Verdict.values()).map(v -> v + " " + byVerdict.get(v)[0]).collect(Collectors.joining(", "));
  }
}
