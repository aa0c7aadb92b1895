package dev.fraudengine.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.TransactionValidator;
import dev.fraudengine.features.OnlineFeaturePipeline;
import dev.fraudengine.features.Replay;
import dev.fraudengine.models.GradientBoostedTrees;
import dev.fraudengine.models.Metrics;
import dev.fraudengine.models.training.TrainingData;
import dev.fraudengine.models.training.XGBoostTrainer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/*
 * fraud prequential: the handbook's Chapter 3 protocol repeated week after week over a whole history.
 *
 * The input is replayed once through the pipeline (point-in-time correct, each label known --label-delay after its
 * transaction; lines the engine's validation refuses are skipped, as eval skips them), and the vectors are kept. Then,
 * for each test window [s, s + test-days): a model is trained on [s - gap - train-days, s - gap) with the same trainer
 * as fraud train, and scored on the test window's rows minus the cards already known compromised (a fraud from the
 * training start on whose label was known by the start of the row's day), as fraud eval does. With one model and no
 * rules the engine's score is the model's score and the replayed vectors are the engine's (EngineReplay feeds labels
 * back the same way), so each week's figures are those fraud train + fraud eval give, without running the whole
 * engine once per week.
 */
@Command(name = "prequential", mixinStandardHelpOptions = true,
    description = {"Train and test week after week over a labelled history: mean and spread of the figures.",
        "Replays the input once, then for each test window trains on the window that ends --gap-days before it"
            + " (the label delay: those labels are not known yet) and reports ROC AUC, average precision, Card"
            + " Precision@k and recall per fraud pattern at --threshold, then the mean and standard deviation over the"
            + " windows. Cards already known compromised (a fraud since the training start, label known before the"
            + " day) are left out, as fraud eval does."},
    footerHeading = "%nExamples:%n",
    footer = {"  fraud prequential --format fdh --in transactions-2018-04-to-08.csv.gz --pipeline handbook-plus \\",
        "      --first-test 2018-05-16 --last-test 2018-08-22"})
final class PrequentialCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  InputOptions source;

  @Option(names = "--pipeline", defaultValue = "standard",
      description = "Feature pipeline: " + ModelDirectory.PIPELINES + " (default ${DEFAULT-VALUE}).")
  String pipeline;

  @Option(names = "--first-test", required = true, converter = Cli.DateConverter.class, paramLabel = "DATE",
      description = "First day of the first test window (UTC).")
  LocalDate firstTest;

  @Option(names = "--last-test", required = true, converter = Cli.DateConverter.class, paramLabel = "DATE",
      description = "Latest first day of a test window; windows start every --test-days from --first-test.")
  LocalDate lastTest;

  @Option(names = "--train-days", defaultValue = "7", paramLabel = "N",
      description = "Days of the training window (default ${DEFAULT-VALUE}).")
  int trainDays;

  @Option(names = "--gap-days", defaultValue = "7", paramLabel = "N",
      description = "Days between the training and the test window (default ${DEFAULT-VALUE}, the label delay).")
  int gapDays;

  @Option(names = "--test-days", defaultValue = "7", paramLabel = "N",
      description = "Days of each test window, and the step between windows (default ${DEFAULT-VALUE}).")
  int testDays;

  @Option(names = "--k", defaultValue = "100", description = "Cards investigated a day, for Card Precision@k"
      + " (default ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--threshold", defaultValue = "0.3", description = "Score from which a transaction counts as"
      + " detected in the recall per fraud pattern (default ${DEFAULT-VALUE}, the engine's REVIEW band).")
  double threshold;

  @Option(names = "--json", description = "Print one JSON object (weeks, mean, std) instead of text.")
  boolean json;

  @Mixin
  TrainerOptions trainerOptions;

  private final PrintStream stdout;
  private final PrintStream stderr;

  PrequentialCommand() {
    this(System.out, System.err);
  }

  PrequentialCommand(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /** A replayed, labelled transaction. */
  private record Row(long millis, int card, boolean fraud, String pattern, float[] features) {
    long day() {
      return Math.floorDiv(millis, 86_400_000L);
    }
  }

  /** The figures of one test window. */
  record Week(LocalDate trainFrom, LocalDate trainTo, LocalDate testFrom, LocalDate testTo, int trainRows,
      int trainFrauds, int trees, int n, int frauds, double auc, double ap, double cardPrecision,
      Map<String, long[]> patterns) {}

  @Override
  public Integer call() throws IOException {
    source.requireFiles(spec);
    Cli.requireOrder(spec, firstTest, lastTest, "--first-test", "--last-test");
    requirePositive(trainDays, "--train-days");
    requirePositive(testDays, "--test-days");
    requirePositive(k, "--k");
    if (gapDays < 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--gap-days must not be negative, but was " + gapDays);
    }
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--threshold must be in [0, 1], but was " + threshold);
    }
    OnlineFeaturePipeline p;
    try {
      p = ModelDirectory.pipeline(pipeline);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
    XGBoostTrainer trainer = trainerOptions.trainer(spec);
    long t0 = System.nanoTime();
    List<Row> rows = replay(p);
    stderr.printf(Locale.ROOT, "replayed %,d labelled transactions through %s in %.1f s%n", rows.size(), pipeline,
        (System.nanoTime() - t0) / 1e9);
    List<Week> weeks = new ArrayList<>();
    for (LocalDate s = firstTest; !s.isAfter(lastTest); s = s.plusDays(testDays)) {
      Week w = week(rows, p.schema(), trainer, s);
      weeks.add(w);
      if (!json) {
        if (weeks.size() == 1) {
          stdout.printf("%-23s %-23s %7s %6s %6s %7s %7s %7s%n", "train", "test", "rows", "frauds", "trees",
              "ROC AUC", "AP", "CP@" + k);
        }
        stdout.printf(Locale.ROOT, "%s..%s %s..%s %,7d %6d %6d %7.4f %7.4f %7.4f%n", w.trainFrom(), w.trainTo(),
            w.testFrom(), w.testTo(), w.n(), w.frauds(), w.trees(), w.auc(), w.ap(), w.cardPrecision());
      }
    }
    double[][] m = {
        weeks.stream().mapToDouble(Week::auc).toArray(),
        weeks.stream().mapToDouble(Week::ap).toArray(),
        weeks.stream().mapToDouble(Week::cardPrecision).toArray()};
    Map<String, long[]> patterns = new TreeMap<>();
    for (Week w : weeks) {
      w.patterns().forEach((name, c) -> {
        long[] sum = patterns.computeIfAbsent(name, x -> new long[2]);
        sum[0] += c[0];
        sum[1] += c[1];
      });
    }
    if (json) {
      printJson(weeks, m, patterns);
    } else {
      stdout.printf(Locale.ROOT, "%d weeks: ROC AUC %.4f ± %.4f, AP %.4f ± %.4f, CP@%d %.4f ± %.4f (mean ± std)%n",
          weeks.size(), mean(m[0]), std(m[0]), mean(m[1]), std(m[1]), k, mean(m[2]), std(m[2]));
      patterns.forEach((name, c) -> stdout.printf(Locale.ROOT, "  %-22s %,6d frauds, recall at score >= %.2f: %.3f%n",
          name, c[0], threshold, c[1] / (double) c[0]));
    }
    return Cli.OK;
  }

  private void requirePositive(int v, String option) {
    if (v <= 0) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          option + " must be positive, but was " + v);
    }
  }

  private List<Row> replay(OnlineFeaturePipeline p) {
    TransactionValidator validator = TransactionValidator.defaults();
    Map<String, String> patterns = new HashMap<>();
    Map<String, Integer> cards = new HashMap<>();
    List<Row> rows = new ArrayList<>();
    long[] skipped = new long[1];
    try (TransactionInput input = source.open();
        Stream<Replay.Labelled> labelled = input.stream().filter(r -> {
          if (r.isBad() || !validator.problems(r.transaction()).isEmpty()) {
            skipped[0]++;
            return false;
          }
          if (r.pattern() != null) {
            patterns.put(r.transaction().id(), r.pattern());
          }
          return true;
        }).map(InputRecord::labelled)) {
      Replay.of(p).labelDelay(source.labelDelay).run(labelled, (tx, f, label) -> {
        String pattern = patterns.remove(tx.id());
        if (label != null) {
          int card = cards.computeIfAbsent(tx.cardId(), c -> cards.size());
          rows.add(new Row(tx.eventTime().toEpochMilli(), card, label == Label.FRAUD, pattern, f));
        }
      });
    }
    if (skipped[0] > 0) {
      stderr.printf("%,d bad or refused lines skipped%n", skipped[0]);
    }
    rows.sort(Comparator.comparingLong(Row::millis));
    return rows;
  }

  private Week week(List<Row> rows, FeatureSchema schema, XGBoostTrainer trainer, LocalDate testFrom) {
    LocalDate trainTo = testFrom.minusDays(gapDays);
    LocalDate trainFrom = trainTo.minusDays(trainDays);
    long trainStart = Cli.startOf(trainFrom).toEpochMilli();
    long trainEnd = Cli.startOf(trainTo).toEpochMilli();
    long testStart = Cli.startOf(testFrom).toEpochMilli();
    long testEnd = Cli.startOf(testFrom.plusDays(testDays)).toEpochMilli();
    long delay = source.labelDelay.toMillis();
    List<Row> train = new ArrayList<>();
    List<Row> test = new ArrayList<>();
    Map<Integer, Long> knownAt = new HashMap<>();
    for (Row r : rows) {
      if (r.millis() >= trainStart && r.millis() < trainEnd) {
        train.add(r);
      }
      if (r.millis() >= testStart && r.millis() < testEnd) {
        Long at = knownAt.get(r.card());
        if (at == null || at > r.day() * 86_400_000L) {
          test.add(r);
        }
      }
      if (r.fraud() && r.millis() >= trainStart) {
        knownAt.merge(r.card(), r.millis() + delay, Math::min);
      }
    }
    TrainingData data = new TrainingData(schema, train.stream().map(Row::features).toArray(float[][]::new),
        booleans(train), train.stream().mapToLong(Row::millis).toArray());
    Path dir = null;
    try {
      dir = Files.createTempDirectory("fraud-prequential");
      int trees = trainer.train(data, dir).trees();
      GradientBoostedTrees model = GradientBoostedTrees.loadDirectory(dir, schema, ModelDirectory.MODEL_ID);
      int n = test.size();
      double[] scores = new double[n];
      long[] days = new long[n];
      long[] cards = new long[n];
      Map<String, long[]> patterns = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        Row r = test.get(i);
        scores[i] = model.score(r.features());
        days[i] = r.day();
        cards[i] = r.card();
        if (r.fraud() && r.pattern() != null) {
          long[] c = patterns.computeIfAbsent(r.pattern(), x -> new long[2]);
          c[0]++;
          c[1] += scores[i] >= threshold ? 1 : 0;
        }
      }
      boolean[] labels = booleans(test);
      int frauds = 0;
      for (boolean b : labels) {
        frauds += b ? 1 : 0;
      }
      boolean both = frauds > 0 && frauds < n;
      return new Week(trainFrom, trainTo.minusDays(1), testFrom, testFrom.plusDays(testDays - 1), train.size(),
          (int) train.stream().filter(Row::fraud).count(), trees, n, frauds,
          both ? Metrics.rocAuc(scores, labels) : Double.NaN,
          both ? Metrics.averagePrecision(scores, labels) : Double.NaN,
          n == 0 ? Double.NaN : Metrics.cardPrecisionAtK(days, cards, scores, labels, k), patterns);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a temporary model directory", e);
    } finally {
      deleteQuietly(dir);
    }
  }

  private static boolean[] booleans(List<Row> rows) {
    boolean[] b = new boolean[rows.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = rows.get(i).fraud();
    }
    return b;
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a temporary directory left behind is harmless
    }
  }

  /** The mean of the defined values (NaN when none). */
  static double mean(double[] v) {
    double s = 0;
    int n = 0;
    for (double x : v) {
      if (!Double.isNaN(x)) {
        s += x;
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }

  /** The sample standard deviation of the defined values (NaN with fewer than two). */
  static double std(double[] v) {
    double m = mean(v);
    double s = 0;
    int n = 0;
    for (double x : v) {
      if (!Double.isNaN(x)) {
        s += (x - m) * (x - m);
        n++;
      }
    }
    return n < 2 ? Double.NaN : Math.sqrt(s / (n - 1));
  }

  private void printJson(List<Week> weeks, double[][] m, Map<String, long[]> patterns) throws IOException {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode o = mapper.createObjectNode();
    o.put("pipeline", pipeline);
    o.put("k", k);
    o.put("threshold", threshold);
    ArrayNode a = o.putArray("weeks");
    for (Week w : weeks) {
      ObjectNode x = a.addObject();
      x.put("train_from", w.trainFrom().toString());
      x.put("train_to", w.trainTo().toString());
      x.put("test_from", w.testFrom().toString());
      x.put("test_to", w.testTo().toString());
      x.put("train_rows", w.trainRows());
      x.put("train_frauds", w.trainFrauds());
      x.put("trees", w.trees());
      x.put("n", w.n());
      x.put("frauds", w.frauds());
      EngineRun.putNumber(x, "auc", w.auc());
      EngineRun.putNumber(x, "ap", w.ap());
      EngineRun.putNumber(x, "cp", w.cardPrecision());
    }
    String[] names = {"auc", "ap", "cp"};
    ObjectNode mean = o.putObject("mean");
    ObjectNode std = o.putObject("std");
    for (int i = 0; i < names.length; i++) {
      EngineRun.putNumber(mean, names[i], mean(m[i]));
      EngineRun.putNumber(std, names[i], std(m[i]));
    }
    ObjectNode pn = o.putObject("patterns");
    patterns.forEach((name, c) -> {
      ObjectNode x = pn.putObject(name);
      x.put("frauds", c[0]);
      x.put("detected", c[1]);
      x.put("recall", c[1] / (double) c[0]);
    });
    stdout.println(mapper.writeValueAsString(o));
  }
}
