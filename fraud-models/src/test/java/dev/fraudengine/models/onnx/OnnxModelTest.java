package dev.fraudengine.models.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngineException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelTest {
  private static final float[][] ROWS = TestGraphs.rows(200, 7);

  @TempDir Path dir;

  @Test
  void score_logisticSigmoidOutput_equalsJavaWithin1e6() {
    Path file = TestGraphs.logisticModel(dir.resolve("logistic.onnx"), "input", TestGraphs.WIDTH, "N");
    try (OnnxModel model = OnnxModel.load(file, TestGraphs.SCHEMA, "logistic", "1")) {
      assertThat(model.inputName()).isEqualTo("input");
      assertThat(model.outputName()).isEqualTo("probability");
      for (float[] row : ROWS) {
        assertThat(model.score(row)).isCloseTo(TestGraphs.logistic(row), within(1e-6));
      }
    }
  }

  @Test
  void score_inputWithFixedBatchOfOne_scores() {
    Path file = TestGraphs.logisticModel(dir.resolve("one.onnx"), "input", TestGraphs.WIDTH, 1L);
    try (OnnxModel model = OnnxModel.load(file, TestGraphs.SCHEMA, "logistic", "1")) {
      assertThat(model.score(ROWS[0])).isCloseTo(TestGraphs.logistic(ROWS[0]), within(1e-6));
    }
  }

  @Test
  void score_softmaxTwoColumns_readsColumnOne() {
    Path file = TestGraphs.softmaxModel(dir.resolve("softmax.onnx"), null, 2L);
    try (OnnxModel model = OnnxModel.load(file, TestGraphs.SCHEMA, "softmax", "1")) {
      for (float[] row : ROWS) {
        assertThat(model.score(row)).isCloseTo(TestGraphs.logistic(row), within(1e-6));
      }
    }
  }

  @Test
  void score_softmaxWithSymbolicClassDimension_readsColumnOneAtRun() {
    Path file = TestGraphs.softmaxModel(dir.resolve("symbolic.onnx"), null, "C");
    try (OnnxModel model = OnnxModel.load(file, TestGraphs.SCHEMA, "softmax", "1")) {
      assertThat(model.score(ROWS[3])).isCloseTo(TestGraphs.logistic(ROWS[3]), within(1e-6));
    }
  }

  @Test
  void score_zipMapWithInt64Labels_readsKeyOne() {
    Path file = TestGraphs.softmaxModel(dir.resolve("zipmap.onnx"), "int64", 2L);
    try (OnnxModel model = OnnxModel.load(file, TestGraphs.SCHEMA, "sklearn", "1")) {
      assertThat(model.outputName()).isEqualTo("output_probability");
      for (float[] row : ROWS) {
        assertThat(model.score(row)).isCloseTo(TestGraphs.logistic(row), within(1e-6));
      }
    }
  }

  @Test
  void score_zipMapWithStringLabels_readsKeyOne() {
    Path file = TestGraphs.softmaxModel(dir.resolve("zipmap-strings.onnx"), "string", 2L);
    try (OnnxModel model = OnnxModel.load(file, TestGraphs.SCHEMA, "sklearn", "1")) {
      assertThat(model.score(ROWS[5])).isCloseTo(TestGraphs.logistic(ROWS[5]), within(1e-6));
    }
  }

  @Test
  void score_namedOutput_readsThatOutput() {
    Path file = TestGraphs.softmaxModel(dir.resolve("named.onnx"), "int64", 2L);
    try (OnnxModel model = OnnxModel.builder(file, TestGraphs.SCHEMA).id("m").version("1")
        .inputName("input").outputName("output_probability").intraOpThreads(2).build()) {
      assertThat(model.score(ROWS[1])).isCloseTo(TestGraphs.logistic(ROWS[1]), within(1e-6));
    }
  }

  @Test
  void score_manyThreads_agreeWithOneThread() throws Exception {
    Path file = TestGraphs.softmaxModel(dir.resolve("threads.onnx"), null, 2L);
    try (OnnxModel model = OnnxModel.load(file, TestGraphs.SCHEMA, "softmax", "1")) {
      double[] expected = Arrays.stream(ROWS).mapToDouble(model::score).toArray();
      ExecutorService pool = Executors.newFixedThreadPool(4);
      try {
        List<Future<double[]>> runs = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          runs.add(pool.submit(() -> Arrays.stream(ROWS).mapToDouble(model::score).toArray()));
        }
        for (Future<double[]> run : runs) {
          assertThat(run.get()).containsExactly(expected);
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void build_inputWiderThanSchema_failsWithSchemaMismatch() {
    Path file = TestGraphs.logisticModel(dir.resolve("wide.onnx"), "input", 6, "N");
    assertThatThrownBy(() -> OnnxModel.load(file, TestGraphs.SCHEMA, "m", "1"))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("FEATURE_SCHEMA_MISMATCH")
        .hasMessageContaining(file.toString())
        .hasMessageContaining("width 6")
        .hasMessageContaining("has 5 features")
        .satisfies(e -> assertThat(((FraudEngineException) e).code()).isEqualTo(ErrorCode.FEATURE_SCHEMA_MISMATCH));
  }

  @Test
  void build_otherInputName_failsWithSchemaMismatch() {
    Path file = TestGraphs.logisticModel(dir.resolve("named-input.onnx"), "float_input", TestGraphs.WIDTH, "N");
    assertThatThrownBy(() -> OnnxModel.builder(file, TestGraphs.SCHEMA).id("m").version("1")
        .inputName("features").build())
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("FEATURE_SCHEMA_MISMATCH")
        .hasMessageContaining(file.toString())
        .hasMessageContaining("'float_input'")
        .hasMessageContaining("'features'");
  }

  @Test
  void build_fileThatIsNotOnnx_failsWithModelLoadFailed() throws Exception {
    Path file = dir.resolve("not-onnx.onnx");
    Files.writeString(file, "{\"learner\": \"this is JSON, not ONNX\"}", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> OnnxModel.load(file, TestGraphs.SCHEMA, "m", "1"))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("MODEL_LOAD_FAILED")
        .hasMessageContaining(file.toString())
        .hasCauseInstanceOf(ai.onnxruntime.OrtException.class);
  }

  @Test
  void build_truncatedFile_failsWithModelLoadFailed() throws Exception {
    Path whole = TestGraphs.logisticModel(dir.resolve("whole.onnx"), "input", TestGraphs.WIDTH, "N");
    byte[] bytes = Files.readAllBytes(whole);
    Path file = dir.resolve("truncated.onnx");
    Files.write(file, Arrays.copyOf(bytes, bytes.length - 40));
    assertThatThrownBy(() -> OnnxModel.load(file, TestGraphs.SCHEMA, "m", "1"))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("MODEL_LOAD_FAILED")
        .hasMessageContaining(file.toString())
        .hasMessageContaining("cannot be loaded by ONNX Runtime");
  }

  @Test
  void build_missingFile_failsWithModelLoadFailed() {
    Path file = dir.resolve("absent.onnx");
    assertThatThrownBy(() -> OnnxModel.load(file, TestGraphs.SCHEMA, "m", "1"))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("MODEL_LOAD_FAILED")
        .hasMessageContaining(file + " is not a readable file");
  }

  @Test
  void build_threeClassOutput_failsWithNoProbabilityOutput() {
    Path file = TestGraphs.threeClassModel(dir.resolve("three.onnx"));
    assertThatThrownBy(() -> OnnxModel.load(file, TestGraphs.SCHEMA, "m", "1"))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("MODEL_LOAD_FAILED")
        .hasMessageContaining(file.toString())
        .hasMessageContaining("has no probability output")
        .hasMessageContaining("probabilities");
  }

  @Test
  void build_unknownOutputName_failsListingTheOutputs() {
    Path file = TestGraphs.softmaxModel(dir.resolve("outputs.onnx"), "int64", 2L);
    assertThatThrownBy(() -> OnnxModel.builder(file, TestGraphs.SCHEMA).id("m").version("1")
        .outputName("probability").build())
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("has no output 'probability'")
        .hasMessageContaining("output_probability")
        .hasMessageContaining("label");
  }

  @Test
  void build_labelOutputNamed_failsAsNotAProbability() {
    Path file = TestGraphs.softmaxModel(dir.resolve("label.onnx"), "int64", 2L);
    assertThatThrownBy(() -> OnnxModel.builder(file, TestGraphs.SCHEMA).id("m").version("1")
        .outputName("label").build())
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("has output 'label'")
        .hasMessageContaining("a fraud probability must be");
  }

  @Test
  void builder_invalidSettings_rejectedAtOnce() {
    Path file = dir.resolve("any.onnx");
    assertThatThrownBy(() -> OnnxModel.builder(file, TestGraphs.SCHEMA).intraOpThreads(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("intraOpThreads must be at least 1, but was 0");
    assertThatThrownBy(() -> OnnxModel.builder(file, TestGraphs.SCHEMA).id(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id must not be blank");
    assertThatThrownBy(() -> OnnxModel.builder(file, TestGraphs.SCHEMA).version("1").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("id must be set");
  }

  @Test
  void score_vectorOfOtherLength_rejectsWithLengths() {
    Path file = TestGraphs.logisticModel(dir.resolve("length.onnx"), "input", TestGraphs.WIDTH, "N");
    try (OnnxModel model = OnnxModel.load(file, TestGraphs.SCHEMA, "m", "1")) {
      assertThatThrownBy(() -> model.score(new float[4]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("features must hold 5 values, but held 4");
    }
  }

  @Test
  void score_afterClose_failsAndCloseIsIdempotent() {
    Path file = TestGraphs.logisticModel(dir.resolve("closed.onnx"), "input", TestGraphs.WIDTH, "N");
    OnnxModel model = OnnxModel.load(file, TestGraphs.SCHEMA, "m", "1");
    model.score(ROWS[0]);
    model.close();
    assertThatCode(model::close).doesNotThrowAnyException();
    assertThatThrownBy(() -> model.score(ROWS[0]))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
  }

  @Test
  void checkSchema_otherPipelineSchema_failsWithBothSchemas() {
    Path file = TestGraphs.logisticModel(dir.resolve("schema.onnx"), "input", TestGraphs.WIDTH, "N");
    FeatureSchema other = FeatureSchema.of("test", "2", "f0", "f1", "f2", "f3", "f4");
    try (OnnxModel model = OnnxModel.load(file, TestGraphs.SCHEMA, "m", "1")) {
      assertThatCode(() -> model.checkSchema(TestGraphs.SCHEMA)).doesNotThrowAnyException();
      assertThatThrownBy(() -> model.checkSchema(other))
          .isInstanceOf(FraudEngineException.class)
          .hasMessageContaining("FEATURE_SCHEMA_MISMATCH")
          .hasMessageContaining("test@1")
          .hasMessageContaining("test@2");
    }
  }
}
