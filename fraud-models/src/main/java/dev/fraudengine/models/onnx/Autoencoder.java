package dev.fraudengine.models.onnx;

import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.models.ScoreScale;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A trained anomaly autoencoder, as {@link AutoencoderTrainer} returns it: the network, the standardization of its
 * input and the distribution of its training errors, with a pure-Java forward pass and an export to ONNX.
 *
 * <p><b>Semantics.</b> A row is standardized, z = (x − mean) · (1 / std) per feature with the training rows' mean
 * and standard deviation; the network (fully connected layers, ReLU between them, a linear output; float
 * arithmetic, as in ONNX Runtime) reconstructs z; the <em>reconstruction error</em> is the mean over features of
 * (reconstruction − z)². The <em>anomaly score</em> maps the error to [0, 1] by the empirical distribution of the
 * training rows' errors ({@link ScoreScale}: 101 percentiles, linear between them): 0.5 is a typical legitimate
 * row, 0.99 is rarer than 99 % of them, 1 is beyond all of them.
 *
 * <p><b>Missing values.</b> A {@code NaN} feature is replaced by its training mean before scoring: it is 0 after
 * standardization, the most typical value, so a missing value alone barely moves the error. The exported ONNX graph
 * does the same (IsNaN, Where), so the file is self-contained.
 *
 * <p><b>Threading.</b> Immutable and thread-safe; {@link #reconstructionError} uses per-thread scratch arrays and
 * allocates nothing once warm.
 */
public final class Autoencoder {
  /** The name of the ONNX model file in a model directory. */
  public static final String MODEL_FILE = "model.onnx";
  /** The name of the metadata file in a model directory. */
  public static final String METADATA_FILE = "metadata.json";
  /**
   * The name of the network-only ONNX file in a model directory: the layers without the standardization and
   * missing-value handling of {@value #MODEL_FILE}, which {@link AutoencoderModel} does in Java (see
   * {@link #toNetworkOnnx()}).
   */
  public static final String NETWORK_FILE = "network.onnx";

  static final String INPUT = "features";
  static final String OUTPUT = "reconstruction_error";
  static final String NETWORK_INPUT = "standardized";
  /** The network's output in {@value #NETWORK_FILE}: the reconstruction of the standardized row, [N, width]. */
  static final String NETWORK_OUTPUT = "reconstruction";

  private final FeatureSchema schema;
  private final String version;
  private final int[] sizes;
  private final float[][] weights;
  private final float[][] biases;
  private final float[] means;
  private final float[] scales;
  private final ScoreScale errorScale;
  private final AutoencoderMetadata.Training training;
  private final ThreadLocal<float[][]> scratch;

  Autoencoder(FeatureSchema schema, String version, int[] sizes, float[][] weights, float[][] biases,
      float[] means, float[] scales, float[][] trainingRows, AutoencoderMetadata.Training training) {
    this.schema = schema;
    this.version = version;
    this.sizes = sizes.clone();
    this.weights = weights;
    this.biases = biases;
    this.means = means;
    this.scales = scales;
    this.training = training;
    this.scratch = ThreadLocal.withInitial(() -> {
      float[][] s = new float[this.sizes.length][];
      for (int l = 0; l < this.sizes.length; l++) {
        s[l] = new float[this.sizes[l]];
      }
      return s;
    });
    double[] errors = new double[trainingRows.length];
    for (int i = 0; i < errors.length; i++) {
      errors[i] = reconstructionError(trainingRows[i]);
    }
    this.errorScale = ScoreScale.fit(errors);
  }

  /**
   * Returns the feature schema the network was trained on.
   *
   * @return the schema
   */
  public FeatureSchema schema() {
    return schema;
  }

  /**
   * Returns the model's version, recorded in each decision.
   *
   * @return the version
   */
  public String version() {
    return version;
  }

  /**
   * Returns the layer widths, input to output, e.g. {@code [30, 64, 16, 64, 30]}.
   *
   * @return the widths; the first and last are the schema's width
   */
  public List<Integer> layerSizes() {
    List<Integer> list = new ArrayList<>();
    for (int s : sizes) {
      list.add(s);
    }
    return List.copyOf(list);
  }

  /**
   * Returns the mean training loss (reconstruction error) of the last epoch.
   *
   * @return the final training loss
   */
  public double finalLoss() {
    return training.finalLoss();
  }

  /**
   * Returns the reconstruction error of one row, computed in Java: the mean over features of the squared
   * difference between the standardized row and its reconstruction. Allocates nothing once warm.
   *
   * @param features the row, in the schema; {@code NaN} marks a missing value (replaced by the training mean)
   * @return the error, at least 0
   * @throws IllegalArgumentException if the row's length is not the schema's width
   */
  public double reconstructionError(float[] features) {
    Objects.requireNonNull(features, "features");
    int width = sizes[0];
    float[][] a = scratch.get();
    float[] z = standardize(features, means, scales, a[0]);
    int layers = sizes.length - 1;
    for (int l = 0; l < layers; l++) {
      dense(a[l], weights[l], biases[l], a[l + 1], l < layers - 1);
    }
    return squaredDifferences(a[layers], z) / width;
  }

  /**
   * Returns the sum over features of (reconstruction − z)², in float and in feature order: the one definition of
   * the error's arithmetic, shared by the Java forward pass and {@link AutoencoderModel}, which applies it to the
   * reconstruction that ONNX Runtime computes from {@value #NETWORK_FILE}.
   *
   * @param reconstruction the network's output, at least as long as {@code z}
   * @param z the standardized row
   * @return the sum of squared differences
   */
  static float squaredDifferences(float[] reconstruction, float[] z) {
    float sum = 0;
    for (int j = 0; j < z.length; j++) {
      float d = reconstruction[j] - z[j];
      sum += d * d;
    }
    return sum;
  }

  /**
   * Writes a row's standardized values into {@code z}: (x − mean) · scale per feature, a missing value ({@code NaN})
   * taken as its mean. The one definition of the float operations that {@link AutoencoderModel} repeats before
   * running {@value #NETWORK_FILE}, so that both give the same z.
   *
   * @return {@code z}
   * @throws IllegalArgumentException if the row's length is not {@code z}'s
   */
  static float[] standardize(float[] features, float[] means, float[] scales, float[] z) {
    if (features.length != z.length) {
      throw new IllegalArgumentException("features must hold " + z.length + " values, but held " + features.length);
    }
    for (int j = 0; j < z.length; j++) {
      float x = Float.isNaN(features[j]) ? means[j] : features[j];
      z[j] = (x - means[j]) * scales[j];
    }
    return z;
  }

  /**
   * Returns the anomaly score of one row: its reconstruction error mapped to [0, 1] by the training errors'
   * distribution.
   *
   * @param features the row, in the schema; {@code NaN} marks a missing value
   * @return the score in [0, 1]
   * @throws IllegalArgumentException if the row's length is not the schema's width
   */
  public double score(float[] features) {
    return scoreOfError(reconstructionError(features));
  }

  double scoreOfError(double error) {
    return errorScale.toScale(error) / 100.0;
  }

  /**
   * out = in · w + b (w is in × out, row-major), then ReLU if asked. The loop runs over the rows of w and adds
   * each input's share to all outputs at once: contiguous, independent float additions the JIT vectorizes (a dot
   * product per output would be one long chain of dependent additions); zero inputs (ReLU) are skipped.
   */
  private static void dense(float[] in, float[] w, float[] b, float[] out, boolean relu) {
    int n = in.length;
    int m = out.length;
    System.arraycopy(b, 0, out, 0, m);
    for (int j = 0; j < n; j++) {
      float x = in[j];
      if (x != 0) {
        int base = j * m;
        for (int k = 0; k < m; k++) {
          out[k] += x * w[base + k];
        }
      }
    }
    if (relu) {
      for (int k = 0; k < m; k++) {
        if (out[k] < 0) {
          out[k] = 0;
        }
      }
    }
  }

  /**
   * Writes the model directory that {@link AutoencoderModel#load} reads: {@value #MODEL_FILE} (the self-contained
   * ONNX graph, whose output is the reconstruction error [N, 1]), {@value #NETWORK_FILE} (the same network on rows
   * already standardized, which {@code AutoencoderModel} runs) and {@value #METADATA_FILE} (schema, layers,
   * standardization, error percentiles, training parameters). The directory is created if absent; each file is
   * replaced atomically.
   *
   * @param directory the model directory
   * @throws UncheckedIOException if it cannot be written
   */
  public void write(Path directory) {
    Objects.requireNonNull(directory, "directory");
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create model directory " + directory, e);
    }
    toOnnx().write(directory.resolve(MODEL_FILE));
    toNetworkOnnx().write(directory.resolve(NETWORK_FILE));
    double[] percentiles = new double[101];
    for (int p = 0; p <= 100; p++) {
      percentiles[p] = errorScale.scoreAt(p);
    }
    new AutoencoderMetadata(version, schema, sizes, percentiles, training, means.clone(), scales.clone())
        .write(directory.resolve(METADATA_FILE));
  }

  /**
   * The ONNX graph of the forward pass: features [N, width] → IsNaN/Where (missing → mean) → Sub mean → Mul 1/std
   * → (Gemm, Relu)… → Gemm → Sub → Mul (square) → ReduceMean over features → reconstruction_error [N, 1].
   */
  OnnxGraph toOnnx() {
    int width = sizes[0];
    OnnxGraph g = new OnnxGraph("autoencoder").opset("", 13)
        .input(INPUT, OnnxGraph.FLOAT, "N", (long) width)
        .output(OUTPUT, OnnxGraph.FLOAT, "N", 1L)
        .initializer("mean", means, width)
        .initializer("inv_std", scales, width)
        .metadata("fraudengine.schema", schema.toString())
        .metadata("fraudengine.version", version);
    g.node("IsNaN", List.of(INPUT), "missing");
    g.node("Where", List.of("missing", "mean", INPUT), "filled");
    g.node("Sub", List.of("filled", "mean"), "centered");
    g.node("Mul", List.of("centered", "inv_std"), "z");
    addLayers(g, "z");
    g.node("Sub", List.of(NETWORK_OUTPUT, "z"), "diff");
    g.node("Mul", List.of("diff", "diff"), "squared");
    g.node("ReduceMean", List.of("squared"), OUTPUT).attribute("axes", new long[] {1}).attribute("keepdims", 1L);
    return g;
  }

  /**
   * The network alone, for rows standardized in Java: standardized [N, width] (z, with a missing value's z already
   * 0) → (Gemm, Relu)… → Gemm → reconstruction [N, width], from which Java takes {@link #squaredDifferences} and
   * their mean.
   *
   * <p>Why a second graph, and why it stops at the reconstruction: on one row ONNX Runtime spends about half a
   * microsecond per node whatever the node does. The self-contained graph's missing-value and standardization
   * nodes (IsNaN, Where, Sub, Mul) and its squaring and mean (Mul, ReduceMean) made up almost half of its 7 µs on
   * the benchmark machine, for a few dozen float operations that Java does in nanoseconds; until session 7 this
   * graph still ended with Sub and ReduceSumSquare, whose removal took another 0.8 µs off a row (a probe, 3.9 →
   * 3.1 µs). The arithmetic is the same, in the same order as {@link #reconstructionError}: the result equals it
   * within float rounding.
   */
  OnnxGraph toNetworkOnnx() {
    int width = sizes[0];
    OnnxGraph g = new OnnxGraph("autoencoder-network").opset("", 13)
        .input(NETWORK_INPUT, OnnxGraph.FLOAT, "N", (long) width)
        .output(NETWORK_OUTPUT, OnnxGraph.FLOAT, "N", (long) width)
        .metadata("fraudengine.schema", schema.toString())
        .metadata("fraudengine.version", version);
    addLayers(g, NETWORK_INPUT);
    return g;
  }

  /** Adds the layers, (Gemm, Relu)… then Gemm, from the value {@code input} to the value {@value #NETWORK_OUTPUT}. */
  private void addLayers(OnnxGraph g, String input) {
    String a = input;
    int layers = sizes.length - 1;
    for (int l = 0; l < layers; l++) {
      g.initializer("w" + l, weights[l], sizes[l], sizes[l + 1]);
      g.initializer("b" + l, biases[l], sizes[l + 1]);
      String out = l < layers - 1 ? "pre" + l : NETWORK_OUTPUT;
      g.node("Gemm", List.of(a, "w" + l, "b" + l), out);
      if (l < layers - 1) {
        g.node("Relu", List.of(out), "h" + l);
        a = "h" + l;
      }
    }
  }
}
