package dev.fraudengine.models.onnx;

import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.models.training.TrainingData;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Trains an anomaly {@link Autoencoder} in pure Java on legitimate transactions: no native code, no Python.
 *
 * <p><b>Method.</b> Each feature is standardized with the training rows' mean and standard deviation (a missing
 * value becomes the mean; a constant feature keeps scale 1). The network (by default 64 → 16 → 64 hidden units
 * around the schema's width, ReLU, linear output) is initialised with He's Gaussian weights and trained to
 * reconstruct its standardized input by mini-batch Adam (Kingma and Ba, 2015: β₁ 0.9, β₂ 0.999, ε 1e-8) on the mean
 * squared error, rows shuffled each epoch. Training runs in double precision; the network is then rounded to
 * float, and the reconstruction errors of the training rows under the float network give the anomaly score's
 * scale. Everything random comes from one seed: the same data and settings give the same network.
 *
 * <p>Defaults: hidden sizes 64, 16, 64; 30 epochs; batch size 64; learning rate 0.001; seed 0; version "1".
 * Instances are immutable and thread-safe; training calls may run in parallel.
 */
public final class AutoencoderTrainer {
  private static final double BETA1 = 0.9;
  private static final double BETA2 = 0.999;
  private static final double EPSILON = 1e-8;

  private final int[] hidden;
  private final int epochs;
  private final int batchSize;
  private final double learningRate;
  private final long seed;
  private final String version;

  private AutoencoderTrainer(Builder b) {
    this.hidden = b.hidden.clone();
    this.epochs = b.epochs;
    this.batchSize = b.batchSize;
    this.learningRate = b.learningRate;
    this.seed = b.seed;
    this.version = b.version;
  }

  /**
   * Returns a builder with the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trains on the legitimate rows of labelled data and writes the model directory ({@code model.onnx} and {@code
   * metadata.json}) that {@link AutoencoderModel#load} reads.
   *
   * @param data labelled rows; the fraud rows are left out
   * @param directory the model directory, created if absent
   * @return the trained network
   * @throws IllegalArgumentException as {@link #train(FeatureSchema, float[][])}
   * @throws UncheckedIOException if the directory cannot be written
   */
  public Autoencoder train(TrainingData data, Path directory) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(directory, "directory");
    float[][] all = data.features();
    boolean[] labels = data.labels();
    float[][] legitimate = new float[all.length][];
    int n = 0;
    for (int i = 0; i < all.length; i++) {
      if (!labels[i]) {
        legitimate[n++] = all[i];
      }
    }
    Autoencoder network = train(data.schema(), Arrays.copyOf(legitimate, n));
    network.write(directory);
    return network;
  }

  /**
   * Trains on rows of legitimate transactions.
   *
   * @param schema the rows' feature schema
   * @param rows the rows, at least two, each of the schema's width; {@code NaN} marks a missing value; not changed
   * @return the trained network
   * @throws IllegalArgumentException if there are fewer than two rows, a row is not of the schema's width, or a
   *     value is infinite
   */
  public Autoencoder train(FeatureSchema schema, float[][] rows) {
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(rows, "rows");
    int width = schema.size();
    if (rows.length < 2) {
      throw new IllegalArgumentException("rows must hold at least 2 rows, but held " + rows.length);
    }
    for (int i = 0; i < rows.length; i++) {
      Objects.requireNonNull(rows[i], "rows[" + i + "]");
      if (rows[i].length != width) {
        throw new IllegalArgumentException("rows[" + i + "] must hold " + width + " values (schema " + schema.name()
            + "@" + schema.version() + "), but held " + rows[i].length);
      }
      for (int j = 0; j < width; j++) {
        if (Float.isInfinite(rows[i][j])) {
          throw new IllegalArgumentException("rows[" + i + "][" + j + "] must be finite or NaN, but was "
              + rows[i][j]);
        }
      }
    }
    float[] means = new float[width];
    float[] scales = new float[width];
    standardization(rows, means, scales);
    float[][] z = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      z[i] = Autoencoder.standardize(rows[i], means, scales, new float[width]);
    }

    int[] sizes = new int[hidden.length + 2];
    sizes[0] = width;
    System.arraycopy(hidden, 0, sizes, 1, hidden.length);
    sizes[sizes.length - 1] = width;
    Network net = new Network(sizes, new SplittableRandom(seed));
    double finalLoss = net.fit(z, epochs, batchSize, learningRate, new SplittableRandom(seed + 1));

    float[][] weights = new float[sizes.length - 1][];
    float[][] biases = new float[sizes.length - 1][];
    for (int l = 0; l < weights.length; l++) {
      weights[l] = toFloat(net.w[l]);
      biases[l] = toFloat(net.b[l]);
    }
    AutoencoderMetadata.Training training = new AutoencoderMetadata.Training(
        rows.length, epochs, batchSize, learningRate, seed, finalLoss);
    return new Autoencoder(schema, version, sizes, weights, biases, means, scales, rows, training);
  }

  /** Mean and 1 / standard deviation of each feature over its non-missing values. */
  private static void standardization(float[][] rows, float[] means, float[] scales) {
    int width = means.length;
    for (int j = 0; j < width; j++) {
      double sum = 0;
      int count = 0;
      for (float[] row : rows) {
        if (!Float.isNaN(row[j])) {
          sum += row[j];
          count++;
        }
      }
      double mean = count == 0 ? 0 : sum / count;
      double squares = 0;
      for (float[] row : rows) {
        if (!Float.isNaN(row[j])) {
          squares += (row[j] - mean) * (row[j] - mean);
        }
      }
      double std = count == 0 ? 0 : Math.sqrt(squares / count);
      means[j] = (float) mean;
      scales[j] = std > 1e-12 ? (float) (1 / std) : 1f;
    }
  }

  private static float[] toFloat(double[] values) {
    float[] out = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (float) values[i];
    }
    return out;
  }

  /** The network in training: weights in × out row-major, with Adam's moment estimates. */
  private static final class Network {
    final int[] sizes;
    final double[][] w;
    final double[][] b;
    final double[][] gw;
    final double[][] gb;
    final double[][] mw;
    final double[][] vw;
    final double[][] mb;
    final double[][] vb;
    final double[][] act;
    final double[][] delta;
    long step;

    Network(int[] sizes, SplittableRandom random) {
      this.sizes = sizes;
      int layers = sizes.length - 1;
      w = new double[layers][];
      b = new double[layers][];
      gw = new double[layers][];
      gb = new double[layers][];
      mw = new double[layers][];
      vw = new double[layers][];
      mb = new double[layers][];
      vb = new double[layers][];
      for (int l = 0; l < layers; l++) {
        int in = sizes[l];
        int out = sizes[l + 1];
        w[l] = new double[in * out];
        double std = Math.sqrt(2.0 / in);
        for (int i = 0; i < w[l].length; i++) {
          w[l][i] = random.nextGaussian() * std;
        }
        b[l] = new double[out];
        gw[l] = new double[in * out];
        gb[l] = new double[out];
        mw[l] = new double[in * out];
        vw[l] = new double[in * out];
        mb[l] = new double[out];
        vb[l] = new double[out];
      }
      act = new double[sizes.length][];
      delta = new double[sizes.length][];
      for (int l = 0; l < sizes.length; l++) {
        act[l] = new double[sizes[l]];
        delta[l] = new double[sizes[l]];
      }
    }

    /** Trains for the epochs; returns the mean loss of the last epoch. */
    double fit(float[][] z, int epochs, int batchSize, double learningRate, SplittableRandom random) {
      int[] order = new int[z.length];
      for (int i = 0; i < order.length; i++) {
        order[i] = i;
      }
      double epochLoss = 0;
      for (int e = 0; e < epochs; e++) {
        for (int i = order.length - 1; i > 0; i--) {
          int k = random.nextInt(i + 1);
          int t = order[i];
          order[i] = order[k];
          order[k] = t;
        }
        epochLoss = 0;
        for (int start = 0; start < order.length; start += batchSize) {
          int end = Math.min(order.length, start + batchSize);
          for (int l = 0; l < gw.length; l++) {
            Arrays.fill(gw[l], 0);
            Arrays.fill(gb[l], 0);
          }
          for (int i = start; i < end; i++) {
            epochLoss += backprop(z[order[i]], 1.0 / (end - start));
          }
          adam(learningRate);
        }
        epochLoss /= order.length;
      }
      return epochLoss;
    }

    /** Forward and backward pass of one row; adds weight × its gradient to gw/gb; returns the row's loss. */
    private double backprop(float[] row, double weight) {
      int layers = sizes.length - 1;
      int width = sizes[0];
      for (int j = 0; j < width; j++) {
        act[0][j] = row[j];
      }
      for (int l = 0; l < layers; l++) {
        double[] in = act[l];
        double[] out = act[l + 1];
        double[] wl = w[l];
        int m = out.length;
        System.arraycopy(b[l], 0, out, 0, m);
        for (int j = 0; j < in.length; j++) {
          double x = in[j];
          if (x != 0) {
            int base = j * m;
            for (int k = 0; k < m; k++) {
              out[k] += x * wl[base + k];
            }
          }
        }
        if (l < layers - 1) {
          for (int k = 0; k < m; k++) {
            if (out[k] < 0) {
              out[k] = 0;
            }
          }
        }
      }
      double loss = 0;
      double[] r = act[layers];
      double[] d = delta[layers];
      for (int j = 0; j < width; j++) {
        double diff = r[j] - row[j];
        loss += diff * diff;
        d[j] = 2 * diff / width * weight;
      }
      for (int l = layers - 1; l >= 0; l--) {
        double[] in = act[l];
        double[] dOut = delta[l + 1];
        double[] wl = w[l];
        double[] g = gw[l];
        int m = dOut.length;
        for (int k = 0; k < m; k++) {
          gb[l][k] += dOut[k];
        }
        for (int j = 0; j < in.length; j++) {
          double x = in[j];
          int base = j * m;
          double back = 0;
          for (int k = 0; k < m; k++) {
            g[base + k] += x * dOut[k];
            back += wl[base + k] * dOut[k];
          }
          if (l > 0) {
            delta[l][j] = x > 0 ? back : 0;
          }
        }
      }
      return loss / width;
    }

    private void adam(double learningRate) {
      step++;
      double c1 = 1 - Math.pow(BETA1, step);
      double c2 = 1 - Math.pow(BETA2, step);
      for (int l = 0; l < w.length; l++) {
        update(w[l], gw[l], mw[l], vw[l], learningRate, c1, c2);
        update(b[l], gb[l], mb[l], vb[l], learningRate, c1, c2);
      }
    }

    private static void update(double[] p, double[] g, double[] m, double[] v, double lr, double c1, double c2) {
      for (int i = 0; i < p.length; i++) {
        m[i] = BETA1 * m[i] + (1 - BETA1) * g[i];
        v[i] = BETA2 * v[i] + (1 - BETA2) * g[i] * g[i];
        p[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + EPSILON);
      }
    }
  }

  /**
   * Configures an {@link AutoencoderTrainer}. Setters validate at once. Not thread-safe.
   */
  public static final class Builder {
    private int[] hidden = {64, 16, 64};
    private int epochs = 30;
    private int batchSize = 64;
    private double learningRate = 0.001;
    private long seed;
    private String version = "1";

    private Builder() {}

    /**
     * Sets the widths of the hidden layers, input side first; e.g. 64, 16, 64 for a 30 → 64 → 16 → 64 → 30
     * network on 30 features.
     *
     * @param sizes one or more positive widths
     * @return this builder
     * @throws IllegalArgumentException if there is no width or one is not positive
     */
    public Builder hiddenSizes(int... sizes) {
      Objects.requireNonNull(sizes, "sizes");
      if (sizes.length == 0) {
        throw new IllegalArgumentException("hiddenSizes must hold at least one width");
      }
      for (int s : sizes) {
        if (s < 1) {
          throw new IllegalArgumentException("hiddenSizes must be positive, but were " + Arrays.toString(sizes));
        }
      }
      this.hidden = sizes.clone();
      return this;
    }

    /**
     * Sets the number of passes over the training rows.
     *
     * @param epochs at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code epochs} is below 1
     */
    public Builder epochs(int epochs) {
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs must be at least 1, but was " + epochs);
      }
      this.epochs = epochs;
      return this;
    }

    /**
     * Sets the number of rows per gradient step.
     *
     * @param batchSize at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code batchSize} is below 1
     */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batchSize must be at least 1, but was " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /**
     * Sets Adam's learning rate.
     *
     * @param learningRate in (0, 1]
     * @return this builder
     * @throws IllegalArgumentException if {@code learningRate} is outside (0, 1]
     */
    public Builder learningRate(double learningRate) {
      if (!(learningRate > 0 && learningRate <= 1)) {
        throw new IllegalArgumentException("learningRate must be in (0, 1], but was " + learningRate);
      }
      this.learningRate = learningRate;
      return this;
    }

    /**
     * Sets the seed of the initial weights and of the shuffling.
     *
     * @param seed any value
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * Sets the model's version, recorded in each decision.
     *
     * @param version not blank
     * @return this builder
     * @throws IllegalArgumentException if {@code version} is blank
     */
    public Builder version(String version) {
      Objects.requireNonNull(version, "version");
      if (version.isBlank()) {
        throw new IllegalArgumentException("version must not be blank");
      }
      this.version = version;
      return this;
    }

    /**
     * Builds the trainer.
     *
     * @return an immutable trainer
     */
    public AutoencoderTrainer build() {
      return new AutoencoderTrainer(this);
    }
  }
}
