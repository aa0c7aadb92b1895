package dev.fraudengine.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.models.GradientBoostedTrees;
import dev.fraudengine.models.Metrics;
import dev.fraudengine.models.ModelMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training on 6,000 seeded synthetic rows of 10 features over 30 days (about 5 % fraud, the rows shuffled so that
 * the trainer must order them by time), into a model directory that is loaded back.
 */
class XGBoostTrainerTest {
  static final long SEED = 424_242L;
  static final Instant START = Instant.parse("2018-07-01T00:00:00Z");
  static final FeatureSchema SCHEMA = schema();

  @TempDir static Path dir;
  static TrainingData data;
  static ModelMetadata metadata;
  static Path modelDir;

  static FeatureSchema schema() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      names.add("x" + i);
    }
    return new FeatureSchema("trainer-test", "3", names);
  }

  static TrainingData generate(int rows, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] x = new float[rows][10];
    boolean[] y = new boolean[rows];
    long[] t = new long[rows];
    for (int r = 0; r < rows; r++) {
      for (int f = 0; f < 10; f++) {
        x[r][f] = random.nextInt(20) == 0 ? Float.NaN : (float) random.nextGaussian();
      }
      double z = -3.5 + 1.5 * (Float.isNaN(x[r][0]) ? 0 : x[r][0]) + (x[r][1] > 1 ? 1.5 : 0);
      y[r] = random.nextDouble() < 1 / (1 + Math.exp(-z));
      t[r] = START.toEpochMilli() + random.nextLong(30L * 86_400_000L);
    }
    return new TrainingData(SCHEMA, x, y, t);
  }

  @BeforeAll
  static void train() {
    System.out.println("XGBoostTrainerTest seed " + SEED);
    // XGBoost4J logs every round's evaluation at INFO through commons-logging (java.util.logging here).
    java.util.logging.Logger.getLogger("ml.dmlc.xgboost4j.java.XGBoost").setLevel(java.util.logging.Level.WARNING);
    data = generate(6_000, SEED);
    modelDir = dir.resolve("model");
    metadata = XGBoostTrainer.builder()
        .rounds(200)
        .earlyStoppingRounds(10)
        .parameter("nthread", 1)
        .parameter("max_depth", 3)
        .version("test-7")
        .build()
        .train(data, modelDir);
  }

  @Test
  void train_syntheticData_writesModelAndMetadata() {
    assertThat(modelDir.resolve("model.json")).isRegularFile();
    assertThat(modelDir.resolve("metadata.json")).isRegularFile();
    assertThat(ModelMetadata.read(modelDir.resolve("metadata.json"))).isEqualTo(metadata);
    assertThat(metadata.version()).isEqualTo("test-7");
    assertThat(metadata.schema()).isEqualTo(SCHEMA);
    assertThat(metadata.library()).isEqualTo("xgboost4j 3.0.4");
    assertThat(metadata.parameters()).containsEntry("max_depth", "3").containsEntry("objective", "binary:logistic")
        .containsEntry("eval_metric", "aucpr").containsEntry("early_stopping_rounds", "10");
  }

  @Test
  void train_timeOrderedSplit_validatesOnLatestFifth() {
    assertThat(metadata.trainingRows()).isEqualTo(4_800);
    assertThat(metadata.validationRows()).isEqualTo(1_200);
    assertThat(metadata.trainedTo()).isBeforeOrEqualTo(metadata.validatedFrom());
    assertThat(metadata.trainedFrom()).isAfterOrEqualTo(START);
    assertThat(metadata.validatedTo()).isBefore(START.plusSeconds(30L * 86_400));
  }

  @Test
  void train_defaults_scalePosWeightFromClassBalance() {
    double expected = (double) (metadata.trainingRows() - metadata.trainingPositives()) / metadata.trainingPositives();
    assertThat(Double.parseDouble(metadata.parameters().get("scale_pos_weight"))).isCloseTo(expected, within(1e-9));
    assertThat(metadata.trainingPositives()).isBetween(100L, 1_000L);
  }

  @Test
  void train_earlyStopping_keepsBestRoundsOnly() {
    GradientBoostedTrees model = GradientBoostedTrees.loadDirectory(modelDir, SCHEMA, "gbt");
    assertThat(metadata.trees()).isLessThan(200).isPositive();
    assertThat(model.treeCount()).isEqualTo(metadata.trees());
    assertThat(model.version()).isEqualTo("test-7");
  }

  @Test
  void train_parallelTrees_countsEveryTreeAndScoresAsXGBoost4J() throws XGBoostError {
    Path out = dir.resolve("parallel");
    ModelMetadata m = XGBoostTrainer.builder()
        .rounds(30)
        .earlyStoppingRounds(5)
        .parameter("nthread", 1)
        .parameter("max_depth", 3)
        .parameter("num_parallel_tree", 3)
        .build()
        .train(data, out);
    GradientBoostedTrees model = GradientBoostedTrees.loadDirectory(out, SCHEMA, "gbt");
    int rounds = Integer.parseInt(m.parameters().get("best_round_count"));

    assertThat(m.trees()).isEqualTo(3 * rounds).isEqualTo(model.treeCount());
    ml.dmlc.xgboost4j.java.Booster booster =
        ml.dmlc.xgboost4j.java.XGBoost.loadModel(out.resolve(GradientBoostedTrees.MODEL_FILE).toString());
    try {
      float[][] x = data.features();
      int n = 500;
      int width = SCHEMA.size();
      float[] flat = new float[n * width];
      for (int i = 0; i < n; i++) {
        System.arraycopy(x[i], 0, flat, i * width, width);
      }
      ml.dmlc.xgboost4j.java.DMatrix matrix = new ml.dmlc.xgboost4j.java.DMatrix(flat, n, width, Float.NaN);
      float[][] expected = booster.predict(matrix);
      matrix.dispose();
      for (int i = 0; i < n; i++) {
        assertThat(model.score(x[i])).as("row %d", i).isCloseTo(expected[i][0], within(1e-6));
      }
    } finally {
      booster.dispose();
    }
  }

  @Test
  void train_validationMetrics_matchLoadedModelOnLatestRows() {
    GradientBoostedTrees model = GradientBoostedTrees.loadDirectory(modelDir, SCHEMA, "gbt");
    long cut = metadata.validatedFrom().toEpochMilli();
    List<Double> scores = new ArrayList<>();
    List<Boolean> labels = new ArrayList<>();
    float[][] x = data.features();
    boolean[] y = data.labels();
    long[] t = data.eventTimes();
    for (int i = 0; i < data.rows(); i++) {
      if (t[i] >= cut) {
        scores.add(model.score(x[i]));
        labels.add(y[i]);
      }
    }
    double[] s = scores.stream().mapToDouble(Double::doubleValue).toArray();
    boolean[] l = new boolean[labels.size()];
    for (int i = 0; i < l.length; i++) {
      l[i] = labels.get(i);
    }
    assertThat(s).hasSize(1_200);
    assertThat(Metrics.rocAuc(s, l)).isCloseTo(metadata.validationRocAuc(), within(1e-12));
    assertThat(Metrics.averagePrecision(s, l)).isCloseTo(metadata.validationAveragePrecision(), within(1e-12));
    assertThat(metadata.validationRocAuc()).isGreaterThan(0.75);
  }

  @Test
  void loadDirectory_otherSchema_failsWithBothSchemas() {
    FeatureSchema other = new FeatureSchema("trainer-test", "4", SCHEMA.features());
    assertThatThrownBy(() -> GradientBoostedTrees.loadDirectory(modelDir, other, "gbt"))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("FEATURE_SCHEMA_MISMATCH")
        .hasMessageContaining(SCHEMA.toString())
        .hasMessageContaining(other.toString());
  }

  @Test
  void loadDirectory_corruptMetadata_failsNamingFile() throws Exception {
    Path copy = dir.resolve("corrupt");
    Files.createDirectories(copy);
    Files.copy(modelDir.resolve("model.json"), copy.resolve("model.json"));
    Files.writeString(copy.resolve("metadata.json"), "{\"version\": \"1\"}");
    assertThatThrownBy(() -> GradientBoostedTrees.loadDirectory(copy, SCHEMA, "gbt"))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("MODEL_LOAD_FAILED")
        .hasMessageContaining(copy.resolve("metadata.json").toString())
        .hasMessageContaining("field 'schema' is missing");
  }

  @Test
  void train_badParameter_wrapsXGBoostErrorWithModelPath() {
    Path target = dir.resolve("bad");
    XGBoostTrainer trainer = XGBoostTrainer.builder().rounds(5).parameter("max_depth", -3).parameter("nthread", 1)
        .build();
    assertThatThrownBy(() -> trainer.train(data, target))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining(target.resolve("model.json").toString())
        .hasCauseInstanceOf(XGBoostError.class)
        .satisfies(e -> assertThat(((FraudEngineException) e).code()).isEqualTo(ErrorCode.MODEL_TRAINING_FAILED));
  }

  @Test
  void train_noFraudInValidation_rejects() {
    boolean[] labels = data.labels();
    long[] times = data.eventTimes();
    for (int i = 0; i < labels.length; i++) {
      if (times[i] >= metadata.validatedFrom().toEpochMilli()) {
        labels[i] = false;
      }
    }
    TrainingData noFraud = new TrainingData(SCHEMA, data.features(), labels, times);
    assertThatThrownBy(() -> XGBoostTrainer.builder().build().train(noFraud, dir.resolve("none")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("validation split must hold fraud and legitimate rows");
  }

  @Test
  void trainingData_rowOfWrongWidth_rejects() {
    assertThatThrownBy(() -> new TrainingData(SCHEMA, new float[][] {new float[3]}, new boolean[1], new long[1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("features[0] must have 10 values");
  }

  @Test
  void builder_badValues_reject() {
    assertThatThrownBy(() -> XGBoostTrainer.builder().validationFraction(1.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validationFraction must be in (0, 1), but was 1.0");
    assertThatThrownBy(() -> XGBoostTrainer.builder().rounds(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rounds must be positive, but was 0");
    assertThatThrownBy(() -> XGBoostTrainer.builder().parameter("objective", "reg:squarederror"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("objective");
    assertThatThrownBy(() -> XGBoostTrainer.builder().scalePosWeight(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scalePosWeight must be positive");
  }
}
