package dev.fraudengine.bench;

import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.models.onnx.Autoencoder;
import dev.fraudengine.models.onnx.AutoencoderModel;
import dev.fraudengine.models.onnx.AutoencoderTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * How fast is one row through the anomaly autoencoder (30 → 64 → 16 → 64 → 30, ReLU) in ONNX Runtime, and in the
 * pure-Java forward pass of the same network? Single thread, single row per call.
 *
 * <ul>
 *   <li>{@link #onnxRuntimeScore()}: {@link AutoencoderModel#score}, the engine's path: Java standardizes the row
 *       into the thread's direct input buffer, ONNX Runtime (one intra-op thread) runs the network of {@code
 *       network.onnx} up to the reconstruction (since session 7; until then the graph also summed the squared
 *       differences), Java takes the mean of the squared differences and maps it to [0, 1]; target under 10 µs;
 *   <li>{@link #selfContainedScore()}: the same through the self-contained {@code model.onnx} (standardization,
 *       missing values and the mean in the graph), as a directory without {@code network.onnx} is scored: the
 *       engine's path before 2026-11-21's session 6;
 *   <li>{@link #onnxRuntimeError()}: {@link AutoencoderModel#reconstructionError}, the same without the mapping;
 *   <li>{@link #javaScore()}: {@link Autoencoder#score}, the same network evaluated in Java (float weights, double
 *       dot products);
 *   <li>{@link #baseline()}: reading the row only.
 * </ul>
 *
 * <p>Data: the network is trained in {@link #setUp()} by {@link AutoencoderTrainer} (5 epochs, seed {@value #SEED})
 * on 5,000 rows of 30 features driven by 4 latent factors with 5 % missing values, written to a temporary model
 * directory and loaded by {@link AutoencoderModel#load}. The benchmark cycles through {@value #ROWS} other rows in
 * order. {@code setUp} checks that Java and ONNX Runtime agree on every row within 1e-5.
 *
 * <p>Run, from the repository root:
 * <pre>{@code
 * ./mvnw -B -q install -DskipTests -pl fraud-models && ./mvnw -B -q package -DskipTests -pl fraud-bench
 * java -jar fraud-bench/target/benchmarks.jar OnnxModelBenchmark -f 1 -wi 3 -w 2s -i 5 -r 2s -prof gc
 * }</pre>
 * {@code gc.alloc.rate.norm} is the bytes allocated per call.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class OnnxModelBenchmark {
  /** The seed of the training and benchmark rows and of the network. */
  static final long SEED = 20_241_121L;
  /** How many rows the benchmark cycles through; a power of two. */
  static final int ROWS = 1024;
  static final int WIDTH = 30;

  private Autoencoder network;
  private AutoencoderModel model;
  private AutoencoderModel selfContained;
  private float[][] rows;
  private Path dir;
  private Path selfContainedDir;
  private int next;

  /** Trains the network, writes and loads the model directory, and checks parity. */
  @Setup(Level.Trial)
  public void setUp() throws IOException {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < WIDTH; i++) {
      names.add("f" + i);
    }
    FeatureSchema schema = new FeatureSchema("bench", "1", names);
    network = AutoencoderTrainer.builder().hiddenSizes(64, 16, 64).epochs(5).seed(SEED).build()
        .train(schema, rows(5000, SEED));
    dir = Files.createTempDirectory("onnx-bench");
    network.write(dir);
    model = AutoencoderModel.load(dir, schema, "anomaly");
    selfContainedDir = Files.createTempDirectory("onnx-bench-self-contained");
    Files.copy(dir.resolve(Autoencoder.MODEL_FILE), selfContainedDir.resolve(Autoencoder.MODEL_FILE));
    Files.copy(dir.resolve(Autoencoder.METADATA_FILE), selfContainedDir.resolve(Autoencoder.METADATA_FILE));
    selfContained = AutoencoderModel.load(selfContainedDir, schema, "anomaly");
    rows = rows(ROWS, SEED + 1);
    for (float[] row : rows) {
      double java = network.reconstructionError(row);
      double ort = model.reconstructionError(row);
      double self = selfContained.reconstructionError(row);
      if (Math.abs(java - ort) > 1e-5 || Math.abs(java - self) > 1e-5) {
        throw new IllegalStateException("Java and ONNX Runtime disagree: " + java + " vs " + ort + " (network.onnx)"
            + " and " + self + " (model.onnx)");
      }
    }
  }

  /** Frees the session and deletes the model directory. */
  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    model.close();
    selfContained.close();
    for (Path d : List.of(dir, selfContainedDir)) {
      try (Stream<Path> files = Files.walk(d)) {
        for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static float[][] rows(int count, long seed) {
    SplittableRandom mixing = new SplittableRandom(7);
    double[][] loadings = new double[WIDTH][4];
    for (double[] l : loadings) {
      for (int k = 0; k < 4; k++) {
        l[k] = mixing.nextGaussian();
      }
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[][] out = new float[count][WIDTH];
    for (float[] row : out) {
      double[] latent = {random.nextGaussian(), random.nextGaussian(), random.nextGaussian(), random.nextGaussian()};
      for (int j = 0; j < WIDTH; j++) {
        double v = 0.1 * random.nextGaussian();
        for (int k = 0; k < 4; k++) {
          v += loadings[j][k] * latent[k];
        }
        row[j] = random.nextInt(100) < 5 ? Float.NaN : (float) (10 * j + (1 + j % 5) * v);
      }
    }
    return out;
  }

  private float[] nextRow() {
    float[] row = rows[next];
    next = (next + 1) & (ROWS - 1);
    return row;
  }

  /** The engine's path: ONNX Runtime's reconstruction error, mapped to [0, 1]. */
  @Benchmark
  public double onnxRuntimeScore() {
    return model.score(nextRow());
  }

  /** The self-contained graph's path (a directory without network.onnx): score mapped to [0, 1]. */
  @Benchmark
  public double selfContainedScore() {
    return selfContained.score(nextRow());
  }

  /** ONNX Runtime's reconstruction error only. */
  @Benchmark
  public double onnxRuntimeError() {
    return model.reconstructionError(nextRow());
  }

  /** The same network in Java, mapped to [0, 1]. */
  @Benchmark
  public double javaScore() {
    return network.score(nextRow());
  }

  /** Reading the row only. */
  @Benchmark
  public float baseline() {
    return nextRow()[0];
  }
}
