package dev.fraudengine.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.models.Metrics;
import dev.fraudengine.models.training.TrainingData;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The autoencoder trained in Java, exported by the project's ONNX writer and scored through ONNX Runtime. One
 * network is trained for the class (a second of work): 30 → 64 → 16 → 64 → 30 on 2,000 legitimate rows.
 */
class AutoencoderTest {
  private static final long SEED = 20241121L;
  private static final int WIDTH = 30;
  private static final FeatureSchema SCHEMA = TestGraphs.schema(WIDTH);

  @TempDir static Path shared;
  @TempDir Path dir;

  private static Autoencoder network;
  private static Path modelDir;

  @BeforeAll
  static void train() {
    System.out.println("AutoencoderTest seed " + SEED);
    network = trainer().build().train(SCHEMA, legitimate(2000, SEED));
    modelDir = shared.resolve("autoencoder");
    network.write(modelDir);
  }

  private static AutoencoderTrainer.Builder trainer() {
    return AutoencoderTrainer.builder().hiddenSizes(64, 16, 64).epochs(15).batchSize(32).learningRate(0.003)
        .seed(SEED);
  }

  /**
   * Legitimate rows: 30 features driven by 4 latent factors (plus a little noise), with offsets and scales of
   * different sizes, and 5 % of the values missing.
   */
  static float[][] legitimate(int count, long seed) {
    SplittableRandom mixing = new SplittableRandom(42);
    double[][] loadings = new double[WIDTH][4];
    for (double[] l : loadings) {
      for (int k = 0; k < 4; k++) {
        l[k] = mixing.nextGaussian();
      }
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[count][WIDTH];
    for (float[] row : rows) {
      double[] latent = new double[4];
      for (int k = 0; k < 4; k++) {
        latent[k] = random.nextGaussian();
      }
      for (int j = 0; j < WIDTH; j++) {
        double v = 0.1 * random.nextGaussian();
        for (int k = 0; k < 4; k++) {
          v += loadings[j][k] * latent[k];
        }
        row[j] = (float) (10 * j + (1 + j % 5) * v);
        if (random.nextInt(100) < 5) {
          row[j] = Float.NaN;
        }
      }
    }
    return rows;
  }

  /** Anomalies: each feature on its usual scale, but independent of the others. */
  static float[][] anomalies(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[count][WIDTH];
    for (float[] row : rows) {
      for (int j = 0; j < WIDTH; j++) {
        row[j] = (float) (10 * j + (1 + j % 5) * 2 * random.nextGaussian());
      }
    }
    return rows;
  }

  @Test
  void parity_javaForwardPassAndOnnxRuntime_agreeWithin1e5() {
    float[][] rows = concat(legitimate(1500, SEED + 1), anomalies(500, SEED + 2));
    rows[0] = new float[WIDTH];
    Arrays.fill(rows[0], Float.NaN);
    try (AutoencoderModel model = AutoencoderModel.load(modelDir, SCHEMA, "anomaly")) {
      double[] batch = model.reconstructionErrors(rows);
      double maxError = 0;
      double maxValue = 0;
      for (int i = 0; i < rows.length; i++) {
        double java = network.reconstructionError(rows[i]);
        double ort = model.reconstructionError(rows[i]);
        assertThat(ort).as("row %d", i).isCloseTo(java, within(1e-5));
        assertThat(batch[i]).as("row %d in a batch", i).isCloseTo(java, within(1e-5));
        assertThat(model.score(rows[i])).as("score of row %d", i).isCloseTo(network.score(rows[i]), within(1e-5));
        maxError = Math.max(maxError, Math.max(Math.abs(ort - java), Math.abs(batch[i] - java)));
        maxValue = Math.max(maxValue, java);
      }
      System.out.printf("autoencoder parity: %d rows, max |java - onnxruntime| = %.3g (errors up to %.3g)%n",
          rows.length, maxError, maxValue);
    }
  }

  @Test
  void load_directoryWithoutNetworkFile_scoresThroughSelfContainedGraph() throws Exception {
    copyMetadata(dir);
    Files.copy(modelDir.resolve(Autoencoder.MODEL_FILE), dir.resolve(Autoencoder.MODEL_FILE));
    float[][] rows = concat(legitimate(200, SEED + 8), anomalies(50, SEED + 9));
    rows[0] = new float[WIDTH];
    Arrays.fill(rows[0], Float.NaN);
    try (AutoencoderModel selfContained = AutoencoderModel.load(dir, SCHEMA, "anomaly");
        AutoencoderModel viaNetwork = AutoencoderModel.load(modelDir, SCHEMA, "anomaly")) {
      double[] batch = selfContained.reconstructionErrors(rows);
      for (int i = 0; i < rows.length; i++) {
        double java = network.reconstructionError(rows[i]);
        assertThat(selfContained.reconstructionError(rows[i])).as("row %d", i).isCloseTo(java, within(1e-5));
        assertThat(batch[i]).as("row %d in a batch", i).isCloseTo(java, within(1e-5));
        assertThat(viaNetwork.reconstructionError(rows[i])).as("row %d, network file", i).isCloseTo(
            selfContained.reconstructionError(rows[i]), within(1e-5));
      }
    }
  }

  /**
   * A network file whose output is not the reconstruction [N, width] (session 6's network.onnx ended in the sum of
   * squares [N, 1]; here a logistic graph of that shape on the same input) is passed over for model.onnx.
   */
  @Test
  void load_networkFileWithoutReconstructionOutput_scoresThroughSelfContainedGraph() throws Exception {
    copyMetadata(dir);
    Files.copy(modelDir.resolve(Autoencoder.MODEL_FILE), dir.resolve(Autoencoder.MODEL_FILE));
    TestGraphs.logisticModel(dir.resolve(Autoencoder.NETWORK_FILE), Autoencoder.NETWORK_INPUT, WIDTH, "N");
    float[][] rows = concat(legitimate(100, SEED + 10), anomalies(20, SEED + 11));
    try (AutoencoderModel model = AutoencoderModel.load(dir, SCHEMA, "anomaly")) {
      for (int i = 0; i < rows.length; i++) {
        assertThat(model.reconstructionError(rows[i])).as("row %d", i)
            .isCloseTo(network.reconstructionError(rows[i]), within(1e-5));
      }
    }
  }

  /** The network file ends at the reconstruction: the squares and their sum are Java's (half a µs a node less). */
  @Test
  void write_networkFile_outputsOnlyTheReconstruction() throws Exception {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = OrtEnvironment.getEnvironment()
            .createSession(modelDir.resolve(Autoencoder.NETWORK_FILE).toString(), options)) {
      assertThat(session.getOutputNames()).containsExactly(Autoencoder.NETWORK_OUTPUT);
      TensorInfo info = (TensorInfo) session.getOutputInfo().get(Autoencoder.NETWORK_OUTPUT).getInfo();
      assertThat(info.getShape()).containsExactly(-1, WIDTH);
    }
  }

  @Test
  void load_metadataWithBadStandardization_failsNamingTheValue() throws Exception {
    Files.copy(modelDir.resolve(Autoencoder.NETWORK_FILE), dir.resolve(Autoencoder.NETWORK_FILE));
    String text = Files.readString(modelDir.resolve(Autoencoder.METADATA_FILE));
    Path metadata = dir.resolve(Autoencoder.METADATA_FILE);
    Files.writeString(metadata, text.replaceFirst("\"means\" : \\[ [^,]+,", "\"means\" : [ \"x\","),
        StandardCharsets.UTF_8);

    assertThatThrownBy(() -> AutoencoderModel.load(dir, SCHEMA, "anomaly"))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("MODEL_LOAD_FAILED")
        .hasMessageContaining("standardization.means[0] must be a finite number");
  }

  @Test
  void reconstructionError_manyThreads_eachReadsItsOwnPinnedOutput() throws Exception {
    float[][] rows = concat(legitimate(400, SEED + 5), anomalies(100, SEED + 6));
    try (AutoencoderModel model = AutoencoderModel.load(modelDir, SCHEMA, "anomaly")) {
      double[] expected = new double[rows.length];
      for (int i = 0; i < rows.length; i++) {
        expected[i] = network.reconstructionError(rows[i]);
      }
      int threads = 4;
      java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
      try {
        java.util.List<java.util.concurrent.Future<Integer>> runs = new java.util.ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int offset = t * 37;
          runs.add(pool.submit(() -> {
            int checked = 0;
            for (int round = 0; round < 20; round++) {
              for (int k = 0; k < rows.length; k++) {
                int i = (k + offset) % rows.length;
                assertThat(model.reconstructionError(rows[i])).as("row %d", i).isCloseTo(expected[i], within(1e-5));
                checked++;
              }
            }
            return checked;
          }));
        }
        for (java.util.concurrent.Future<Integer> run : runs) {
          assertThat(run.get()).isEqualTo(20 * rows.length);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void reconstructionError_afterClose_failsClearly() {
    AutoencoderModel model = AutoencoderModel.load(modelDir, SCHEMA, "anomaly");
    float[] row = legitimate(1, SEED + 7)[0];
    double before = model.reconstructionError(row);
    model.close();

    assertThat(before).isCloseTo(network.reconstructionError(row), within(1e-5));
    assertThatThrownBy(() -> model.reconstructionError(row)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void score_anomaliesAgainstLegitimateRows_rankHigher() {
    float[][] legit = legitimate(1000, SEED + 3);
    float[][] odd = anomalies(100, SEED + 4);
    float[][] rows = concat(legit, odd);
    boolean[] labels = new boolean[rows.length];
    Arrays.fill(labels, legit.length, rows.length, true);
    try (AutoencoderModel model = AutoencoderModel.load(modelDir, SCHEMA, "anomaly")) {
      double[] scores = Arrays.stream(rows).mapToDouble(model::score).toArray();
      assertThat(Arrays.stream(scores).min().orElseThrow()).isGreaterThanOrEqualTo(0.0);
      assertThat(Arrays.stream(scores).max().orElseThrow()).isLessThanOrEqualTo(1.0);
      double auc = Metrics.rocAuc(scores, labels);
      double[] legitScores = Arrays.copyOf(scores, legit.length);
      Arrays.sort(legitScores);
      System.out.printf("autoencoder anomaly ROC AUC %.4f, median legitimate score %.3f%n", auc,
          legitScores[legit.length / 2]);
      assertThat(auc).isGreaterThan(0.95);
      assertThat(legitScores[legit.length / 2]).isBetween(0.35, 0.65);
    }
  }

  @Test
  void train_sameSeed_sameNetwork() {
    float[][] rows = legitimate(300, SEED);
    AutoencoderTrainer trainer = trainer().hiddenSizes(16, 4, 16).epochs(3).build();
    Autoencoder a = trainer.train(SCHEMA, rows);
    Autoencoder b = trainer.train(SCHEMA, rows);
    assertThat(a.layerSizes()).containsExactly(30, 16, 4, 16, 30);
    for (float[] row : rows) {
      assertThat(b.reconstructionError(row)).isEqualTo(a.reconstructionError(row));
    }
  }

  @Test
  void train_lossFallsWithEpochs() {
    float[][] rows = legitimate(500, SEED);
    double one = trainer().epochs(1).build().train(SCHEMA, rows).finalLoss();
    double ten = trainer().epochs(10).build().train(SCHEMA, rows).finalLoss();
    assertThat(ten).isLessThan(one / 2);
  }

  @Test
  void train_labelledData_leavesFraudOutAndWritesLoadableDirectory() throws Exception {
    float[][] legit = legitimate(200, SEED);
    float[][] rows = concat(legit, anomalies(50, SEED));
    boolean[] labels = new boolean[rows.length];
    Arrays.fill(labels, legit.length, rows.length, true);
    long[] times = new long[rows.length];
    Autoencoder small = trainer().hiddenSizes(8).epochs(2).version("7").build()
        .train(new TrainingData(SCHEMA, rows, labels, times), dir);
    String metadata = Files.readString(dir.resolve(Autoencoder.METADATA_FILE));
    assertThat(metadata).contains("\"rows\" : 200").contains("\"kind\" : \"autoencoder\"");
    try (AutoencoderModel model = AutoencoderModel.load(dir, SCHEMA, "small")) {
      assertThat(model.version()).isEqualTo("7");
      assertThat(model.id()).isEqualTo("small");
      assertThat(model.reconstructionError(rows[3])).isCloseTo(small.reconstructionError(rows[3]), within(1e-5));
    }
  }

  @Test
  void load_otherPipelineSchema_failsWithBothSchemas() {
    FeatureSchema other = new FeatureSchema("test", "2", SCHEMA.features());
    assertThatThrownBy(() -> AutoencoderModel.load(modelDir, other, "anomaly"))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("FEATURE_SCHEMA_MISMATCH")
        .hasMessageContaining("test@1")
        .hasMessageContaining("test@2");
  }

  @Test
  void load_onnxFileWithOtherInput_failsWithSchemaMismatch() throws Exception {
    copyMetadata(dir);
    TestGraphs.logisticModel(dir.resolve(Autoencoder.MODEL_FILE), "input", WIDTH, "N");
    assertThatThrownBy(() -> AutoencoderModel.load(dir, SCHEMA, "anomaly"))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("FEATURE_SCHEMA_MISMATCH")
        .hasMessageContaining("has input 'input'")
        .hasMessageContaining("'features'");
  }

  /** model.onnx alone (a directory from before network.onnx) or network.onnx beside an intact model.onnx. */
  @ParameterizedTest
  @ValueSource(strings = {Autoencoder.MODEL_FILE, Autoencoder.NETWORK_FILE})
  void load_truncatedOnnxFile_failsWithModelLoadFailed(String name) throws Exception {
    copyMetadata(dir);
    if (name.equals(Autoencoder.NETWORK_FILE)) {
      Files.copy(modelDir.resolve(Autoencoder.MODEL_FILE), dir.resolve(Autoencoder.MODEL_FILE));
    }
    byte[] bytes = Files.readAllBytes(modelDir.resolve(name));
    Path file = dir.resolve(name);
    Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    assertThatThrownBy(() -> AutoencoderModel.load(dir, SCHEMA, "anomaly"))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("MODEL_LOAD_FAILED")
        .hasMessageContaining(file.toString());
  }

  @Test
  void load_missingOrBrokenMetadata_failsWithModelLoadFailed() throws Exception {
    Path metadata = dir.resolve(Autoencoder.METADATA_FILE);
    assertThatThrownBy(() -> AutoencoderModel.load(dir, SCHEMA, "anomaly"))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("MODEL_LOAD_FAILED")
        .hasMessageContaining(metadata.toString());
    String text = Files.readString(modelDir.resolve(Autoencoder.METADATA_FILE));
    Files.writeString(metadata, text.substring(0, text.length() / 2), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> AutoencoderModel.load(dir, SCHEMA, "anomaly"))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("MODEL_LOAD_FAILED")
        .hasMessageContaining(metadata + " is not valid");
    Files.writeString(metadata, text.replace("\"autoencoder\"", "\"trees\""), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> AutoencoderModel.load(dir, SCHEMA, "anomaly"))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("kind is 'trees'");
  }

  @Test
  void train_badRows_rejectedWithTheProblem() {
    AutoencoderTrainer trainer = trainer().epochs(1).build();
    assertThatThrownBy(() -> trainer.train(SCHEMA, new float[1][WIDTH]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rows must hold at least 2 rows, but held 1");
    assertThatThrownBy(() -> trainer.train(SCHEMA, new float[][] {new float[WIDTH], new float[29]}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rows[1] must hold 30 values");
    float[][] infinite = new float[2][WIDTH];
    infinite[1][4] = Float.POSITIVE_INFINITY;
    assertThatThrownBy(() -> trainer.train(SCHEMA, infinite))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rows[1][4] must be finite or NaN, but was Infinity");
  }

  @Test
  void builder_badSettings_rejectedAtOnce() {
    assertThatThrownBy(() -> AutoencoderTrainer.builder().hiddenSizes())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hiddenSizes");
    assertThatThrownBy(() -> AutoencoderTrainer.builder().hiddenSizes(8, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[8, 0]");
    assertThatThrownBy(() -> AutoencoderTrainer.builder().epochs(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("epochs must be at least 1, but was 0");
    assertThatThrownBy(() -> AutoencoderTrainer.builder().learningRate(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("learningRate must be in (0, 1]");
    assertThatThrownBy(() -> AutoencoderTrainer.builder().batchSize(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batchSize must be at least 1");
  }

  @Test
  void reconstructionError_rowOfOtherLength_rejects() {
    assertThatThrownBy(() -> network.reconstructionError(new float[29]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("features must hold 30 values, but held 29");
  }

  private void copyMetadata(Path target) throws Exception {
    Files.copy(modelDir.resolve(Autoencoder.METADATA_FILE), target.resolve(Autoencoder.METADATA_FILE));
  }

  private static float[][] concat(float[][] a, float[][] b) {
    float[][] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
