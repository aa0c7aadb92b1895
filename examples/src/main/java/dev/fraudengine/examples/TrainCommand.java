package dev.fraudengine.examples;

import dev.fraudengine.core.Label;
import dev.fraudengine.features.OnlineFeaturePipeline;
import dev.fraudengine.features.Replay;
import dev.fraudengine.models.ModelMetadata;
import dev.fraudengine.models.training.TrainingData;
import dev.fraudengine.models.training.XGBoostTrainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fraud train}: replays transaction files through a feature pipeline, point-in-time correct, and trains
 * gradient-boosted trees on the rows of the training window; writes a model directory.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train gradient-boosted trees (XGBoost) on a labelled transaction history.",
        "Every row of every input file (one stream, in order) is replayed through the feature pipeline, with labels"
            + " known --label-delay after their transaction; the labelled rows of the training window are the"
            + " training set. The model directory (model.json, metadata.json) records the feature schema, whose"
            + " name is the pipeline that score, eval, backtest and serve rebuild; case-embedder.json holds the"
            + " training rows' feature means and deviations, for eval --cases."},
    footerHeading = "%nExamples:%n",
    footer = {"  fraud train --format csv --in stream.csv --out model",
        "  fraud train --format fdh --in transactions-2018-04-to-08.csv.gz --pipeline handbook \\",
        "      --train-from 2018-07-25 --train-to 2018-07-31 --out handbook-model"})
final class TrainCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  InputOptions source;

  @Option(names = "--train-from", converter = Cli.DateConverter.class, paramLabel = "DATE",
      description = "First day of the training window (UTC, inclusive; default: the start).")
  LocalDate trainFrom;

  @Option(names = "--train-to", converter = Cli.DateConverter.class, paramLabel = "DATE",
      description = "Last day of the training window (UTC, inclusive; default: the end).")
  LocalDate trainTo;

  @Option(names = "--pipeline", defaultValue = "standard",
      description = "Feature pipeline: " + ModelDirectory.PIPELINES + " (default ${DEFAULT-VALUE}).")
  String pipeline;

  @Mixin
  TrainerOptions trainerOptions;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Model directory to write.")
  Path out;

  private final PrintStream stdout;
  private final PrintStream stderr;

  TrainCommand() {
    this(System.out, System.err);
  }

  TrainCommand(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  @Override
  public Integer call() {
    source.requireFiles(spec);
    Cli.requireOrder(spec, trainFrom, trainTo, "--train-from", "--train-to");
    OnlineFeaturePipeline p;
    try {
      p = ModelDirectory.pipeline(pipeline);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
    XGBoostTrainer trainer = trainerOptions.trainer(spec);
    long t0 = System.nanoTime();
    TrainingData data = replay(p, source.format, source.in, Cli.startOf(trainFrom), Cli.endOf(trainTo),
        source.labelDelay, stderr);
    double replaySeconds = (System.nanoTime() - t0) / 1e9;
    long frauds = 0;
    for (boolean b : data.labels()) {
      frauds += b ? 1 : 0;
    }
    stdout.printf(Locale.ROOT, "training set: %,d rows (%,d frauds) of %d %s features, replayed in %.1f s%n",
        data.rows(), frauds, p.schema().size(), pipeline, replaySeconds);
    ModelMetadata m = trainer.train(data, out);
    CaseEmbedding.write(out, p.schema(), data.features());
    stdout.printf(Locale.ROOT, "model %s: %d trees; validation (latest 20%% of the training rows) ROC AUC %.4f,"
        + " average precision %.4f; written to %s in %.1f s%n", m.version(), m.trees(), m.validationRocAuc(),
        m.validationAveragePrecision(), out, (System.nanoTime() - t0) / 1e9);
    return Cli.OK;
  }

  /**
   * Replays files through a pipeline and keeps the labelled rows of [from, to) as training data. Bad lines are
   * reported on {@code err} and skipped.
   */
  static TrainingData replay(OnlineFeaturePipeline p, InputFormat format, List<Path> files, Instant from, Instant to,
      Duration labelDelay, PrintStream err) {
    long[] bad = new long[1];
    TrainingData data;
    try (TransactionInput input = TransactionInput.open(format, files);
        Stream<Replay.Labelled> rows = input.stream().filter(r -> {
          if (r.isBad()) {
            bad[0]++;
            err.println(r.describe());
          }
          return !r.isBad();
        }).map(InputRecord::labelled)) {
      data = replay(p, rows, from, to, labelDelay);
    }
    if (bad[0] > 0) {
      err.printf("%,d bad lines skipped%n", bad[0]);
    }
    return data;
  }

  /** Replays a stream through a pipeline and keeps the labelled rows of [from, to) as training data. */
  static TrainingData replay(OnlineFeaturePipeline p, Stream<Replay.Labelled> rows, Instant from, Instant to,
      Duration labelDelay) {
    List<float[]> features = new ArrayList<>();
    List<Boolean> labels = new ArrayList<>();
    List<Long> times = new ArrayList<>();
    Replay.of(p).labelDelay(labelDelay).run(rows, (tx, f, label) -> {
      Instant t = tx.eventTime();
      if (label != null && (from == null || !t.isBefore(from)) && (to == null || t.isBefore(to))) {
        features.add(f);
        labels.add(label == Label.FRAUD);
        times.add(t.toEpochMilli());
      }
    });
    boolean[] l = new boolean[labels.size()];
    long[] t = new long[times.size()];
    for (int i = 0; i < l.length; i++) {
      l[i] = labels.get(i);
      t[i] = times.get(i);
    }
    return new TrainingData(p.schema(), features.toArray(new float[0][]), l, t);
  }
}
