package dev.fraudengine.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fraudengine.core.FraudModel;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pure-Java scoring path needs neither XGBoost4J nor ONNX Runtime: a model is loaded, scored and explained in
 * a class loader that holds only fraud-models' own classes, fraud-core and Jackson, with the platform class loader
 * as parent (so the test's class path, which has XGBoost4J, is not visible). A reference to any XGBoost4J class on
 * that path would fail with {@code NoClassDefFoundError}.
 */
class ScoringWithoutXGBoost4JTest {
  @TempDir Path dir;

  static URL location(Class<?> type) {
    return type.getProtectionDomain().getCodeSource().getLocation();
  }

  @Test
  void loadScoreExplain_classLoaderWithoutXGBoost4J_works() throws Exception {
    Path file = dir.resolve("model.json");
    Files.writeString(file, GradientBoostedTreesTest.modelText());
    URL[] path = {
      location(GradientBoostedTrees.class), location(FraudModel.class), location(ObjectMapper.class),
      location(JsonParser.class), location(JsonProperty.class)
    };
    try (URLClassLoader loader = new URLClassLoader(path, ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> Class.forName("ml.dmlc.xgboost4j.java.Booster", false, loader))
          .isInstanceOf(ClassNotFoundException.class);
      assertThatThrownBy(() -> Class.forName("ai.onnxruntime.OrtSession", false, loader))
          .isInstanceOf(ClassNotFoundException.class);

      Class<?> schemaType = loader.loadClass("dev.fraudengine.core.FeatureSchema");
      Object schema = schemaType.getMethod("of", String.class, String.class, String[].class)
          .invoke(null, "test", "1", new String[] {"a", "b", "c"});
      Class<?> modelType = loader.loadClass("dev.fraudengine.models.GradientBoostedTrees");
      assertThat(modelType).isNotSameAs(GradientBoostedTrees.class);
      Object model = modelType.getMethod("load", Path.class, schemaType, String.class, String.class)
          .invoke(null, file, schema, "gbt", "v1");
      float[] row = {5, Float.NaN, 0};
      double score = (double) modelType.getMethod("score", float[].class).invoke(model, (Object) row);
      assertThat(score).isCloseTo(1 / (1 + Math.exp(-0.85)), within(1e-7));
      Method explain = modelType.getMethod("explain", float[].class, int.class);
      assertThat((List<?>) explain.invoke(model, row, 3)).hasSize(2);
      double[] shap = (double[]) modelType.getMethod("shapValues", float[].class).invoke(model, (Object) row);
      assertThat(shap[0]).isCloseTo(0.675, within(1e-7));
      modelType.getMethod("checkSchema", schemaType).invoke(model, schema);
    }
  }

  @Test
  void classesOfScoringPackage_neverNameXGBoost4J() throws URISyntaxException, java.io.IOException {
    Path classes = Path.of(location(GradientBoostedTrees.class).toURI()).resolve("dev/fraudengine/models");
    List<Path> files;
    try (var stream = Files.list(classes)) {
      files = stream.filter(p -> p.toString().endsWith(".class")).toList();
    }
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      String bytes = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
      assertThat(bytes).as(f.getFileName().toString()).doesNotContain("ml/dmlc").doesNotContain("ai/onnxruntime");
    }
  }
}
