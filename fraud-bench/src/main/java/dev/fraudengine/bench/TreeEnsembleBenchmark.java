package dev.fraudengine.bench;

import dev.fraudengine.core.ExplainedScore;
import dev.fraudengine.core.FeatureContribution;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.models.GradientBoostedTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How fast is one row through a 300-tree, depth-6 XGBoost model on 30 features, in pure Java and in XGBoost4J?
 * Single thread, single row per call.
 *
 * <ul>
 *   <li>{@link #javaScore()}: {@link GradientBoostedTrees#score}, the engine's path; target 0 bytes/op and at
 *       least 15× faster than XGBoost4J;
 *   <li>{@link #javaExplain()}: {@link GradientBoostedTrees#explain} with the top 5 path attributions, in a walk
 *       of its own; target under 5 µs;
 *   <li>{@link #javaScoreExplained()}: {@link GradientBoostedTrees#scoreExplained} with the top 3, what the engine
 *       asks of the model on every decision (score and contributions from one walk);
 *   <li>{@link #javaShap()}: exact TreeSHAP values of one row, on demand (the per-leaf tables are built by the
 *       first call, in warm-up); target faster than {@link #xgboost4jPredictContrib()};
 *   <li>{@link #xgboost4jPredict()}: XGBoost4J's single-row path, {@code Booster.inplace_predict} on one row
 *       (one thread), which skips building a {@code DMatrix};
 *   <li>{@link #xgboost4jDMatrixPredict()}: the common XGBoost4J idiom, a one-row {@code DMatrix} then {@code
 *       predict};
 *   <li>{@link #xgboost4jPredictContrib()}: XGBoost4J's exact SHAP values of one row, a one-row {@code DMatrix}
 *       then {@code predictContrib} (one thread, as the booster was trained with {@code nthread} 1).
 * </ul>
 *
 * <p>Data: the model is trained in {@link #setUp()} with XGBoost4J on 20,000 rows from a {@link SplittableRandom}
 * seeded with {@value #SEED} (30 features of mixed kinds, 8 % missing, about 10 % positives), 300 rounds, {@code
 * max_depth} 6, {@code eta} 0.05, saved as JSON and loaded by {@link GradientBoostedTrees#load}. The benchmark cycles
 * through {@value #ROWS} other rows in order. {@code setUp} checks that the two implementations agree on every row.
 *
 * <p>Run, from the repository root:
 * <pre>{@code
 * ./mvnw -B -q -pl fraud-bench -am package -DskipTests
 * java -jar fraud-bench/target/benchmarks.jar TreeEnsembleBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc
 * }</pre>
 * {@code javaShap} and {@code xgboost4jPredictContrib} report microseconds, the others nanoseconds.
 * {@code gc.alloc.rate.norm} is the bytes allocated per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class TreeEnsembleBenchmark {
  /** The seed of the training and benchmark rows. */
  static final long SEED = 20_180_701L;
  /** How many rows the benchmark cycles through; a power of two. */
  static final int ROWS = 1024;
  static final int WIDTH = 30;
  static final int TREES = 300;

  private GradientBoostedTrees model;
  private Booster booster;
  private float[][] rows;
  private Path dir;
  private int next;

  /**
   * Trains the model, loads it in pure Java and checks both implementations agree.
   *
   * @throws Exception if training, saving or loading fails, or the implementations disagree
   */
  @Setup(Level.Trial)
  public void setUp() throws Exception {
    SplittableRandom random = new SplittableRandom(SEED);
    int trainRows = 20_000;
    float[] flat = new float[trainRows * WIDTH];
    float[] labels = new float[trainRows];
    for (int r = 0; r < trainRows; r++) {
      float[] row = row(random);
      System.arraycopy(row, 0, flat, r * WIDTH, WIDTH);
      labels[r] = random.nextDouble() < label(row) ? 1 : 0;
    }
    DMatrix train = new DMatrix(flat, trainRows, WIDTH, Float.NaN);
    train.setLabel(labels);
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "binary:logistic");
    params.put("max_depth", 6);
    params.put("eta", 0.05);
    params.put("tree_method", "hist");
    params.put("nthread", 1);
    params.put("seed", 0);
    booster = XGBoost.train(train, params, TREES, new HashMap<>(), null, null);
    train.dispose();
    dir = Files.createTempDirectory("tree-ensemble-benchmark");
    Path file = dir.resolve("model.json");
    booster.saveModel(file.toString());
    List<String> names = new ArrayList<>();
    for (int i = 0; i < WIDTH; i++) {
      names.add("f" + i);
    }
    model = GradientBoostedTrees.load(file, new FeatureSchema("bench", "1", names), "gbt", "1");
    rows = new float[ROWS][];
    for (int r = 0; r < ROWS; r++) {
      rows[r] = row(random);
    }
    for (float[] row : rows) {
      double expected = booster.inplace_predict(row, 1, WIDTH, Float.NaN)[0][0];
      if (Math.abs(model.score(row) - expected) > 1e-6) {
        throw new IllegalStateException("pure Java and XGBoost4J disagree: " + model.score(row) + " vs " + expected);
      }
    }
    if (model.treeCount() != TREES || model.maxDepth() != 6) {
      throw new IllegalStateException("expected 300 trees of depth 6, got " + model);
    }
  }

  private static float[] row(SplittableRandom random) {
    float[] row = new float[WIDTH];
    for (int f = 0; f < WIDTH; f++) {
      switch (f % 3) {
        case 0 -> row[f] = (float) random.nextGaussian();
        case 1 -> row[f] = random.nextInt(8);
        default -> row[f] = random.nextInt(10) < 3 ? 1 : 0;
      }
      if (random.nextInt(100) < 8) {
        row[f] = Float.NaN;
      }
    }
    return row;
  }

  private static double label(float[] row) {
    double z = -2.5;
    for (int f = 0; f < WIDTH; f++) {
      double v = Float.isNaN(row[f]) ? 0 : row[f];
      z += (f % 5 == 0 ? 0.4 : 0.1) * v * (f % 2 == 0 ? 1 : -1);
    }
    z += row[3] > 0.5 && row[4] > 3 ? 1.5 : 0;
    return 1 / (1 + Math.exp(-z));
  }

  /**
   * Disposes the booster and deletes the model file.
   *
   * @throws IOException if the temporary directory cannot be deleted
   */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    booster.dispose();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private float[] nextRow() {
    float[] row = rows[next];
    next = (next + 1) & (ROWS - 1);
    return row;
  }

  /**
   * Baseline: picking the next row only.
   *
   * @return the row
   */
  @Benchmark
  public float[] baseline() {
    return nextRow();
  }

  /**
   * The pure-Java score of one row.
   *
   * @return the score
   */
  @Benchmark
  public double javaScore() {
    return model.score(nextRow());
  }

  /**
   * The top 5 path attributions of one row.
   *
   * @return the contributions
   */
  @Benchmark
  public List<FeatureContribution> javaExplain() {
    return model.explain(nextRow(), 5);
  }

  /**
   * What the engine asks of the model on every decision: the score and its top 3 path attributions from one walk
   * ({@code scoreExplained}).
   *
   * @return the score and contributions
   */
  @Benchmark
  public ExplainedScore javaScoreExplained() {
    return model.scoreExplained(nextRow(), 3);
  }

  /**
   * Exact TreeSHAP values of one row.
   *
   * @return the values
   */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public double[] javaShap() {
    return model.shapValues(nextRow());
  }

  /**
   * XGBoost4J's single-row prediction without a DMatrix.
   *
   * @return the prediction
   * @throws XGBoostError if XGBoost4J fails
   */
  @Benchmark
  public float[][] xgboost4jPredict() throws XGBoostError {
    return booster.inplace_predict(nextRow(), 1, WIDTH, Float.NaN);
  }

  /**
   * XGBoost4J's exact SHAP values of one row, through a one-row DMatrix.
   *
   * @return the values, one row of width + 1
   * @throws XGBoostError if XGBoost4J fails
   */
  @Benchmark
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public float[][] xgboost4jPredictContrib() throws XGBoostError {
    DMatrix m = new DMatrix(nextRow(), 1, WIDTH, Float.NaN);
    try {
      return booster.predictContrib(m, 0);
    } finally {
      m.dispose();
    }
  }

  /**
   * XGBoost4J's prediction through a one-row DMatrix.
   *
   * @return the prediction
   * @throws XGBoostError if XGBoost4J fails
   */
  @Benchmark
  public float[][] xgboost4jDMatrixPredict() throws XGBoostError {
    DMatrix m = new DMatrix(nextRow(), 1, WIDTH, Float.NaN);
    try {
      return booster.predict(m);
    } finally {
      m.dispose();
    }
  }
}
