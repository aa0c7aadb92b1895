package dev.fraudengine.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FeatureContribution;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngineException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Loading and scoring of a hand-written model, {@code two-trees.json} (XGBoost 3.0 JSON layout, written by hand so
 * that every expected value below can be worked out on paper), and every way a model file is refused.
 *
 * <p>The model, on features a, b, c, base_score 0.5 (base margin 0):
 * <pre>
 * tree 0: a &lt; 1 (missing: left, cover 10)
 *           yes: leaf -0.5 (cover 6)
 *           no:  b &lt; 2 (missing: right, cover 4)
 *                  yes: leaf 0.25 (cover 2)
 *                  no:  leaf 0.75 (cover 2)
 * tree 1: leaf 0.1 (cover 10)
 * </pre>
 * Expected values: node "b &lt; 2" 0.5, tree 0 -0.1, tree 1 0.1, so the expected margin is 0.
 */
class GradientBoostedTreesTest {
  static final FeatureSchema SCHEMA = FeatureSchema.of("test", "1", "a", "b", "c");
  static final float NAN = Float.NaN;

  @TempDir Path dir;

  static String modelText() throws IOException {
    try (InputStream in = GradientBoostedTreesTest.class.getResourceAsStream("two-trees.json")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  Path write(String name, String text) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  GradientBoostedTrees model() throws IOException {
    return GradientBoostedTrees.load(write("model.json", modelText()), SCHEMA, "gbt", "v1");
  }

  static double sigmoid(double m) {
    return 1 / (1 + Math.exp(-m));
  }

  @Test
  void load_handWrittenModel_readsStructure() throws IOException {
    GradientBoostedTrees m = model();
    assertThat(m.id()).isEqualTo("gbt");
    assertThat(m.version()).isEqualTo("v1");
    assertThat(m.objective()).isEqualTo("binary:logistic");
    assertThat(m.treeCount()).isEqualTo(2);
    assertThat(m.maxDepth()).isEqualTo(2);
    assertThat(m.baseMargin()).isEqualTo(0.0);
    assertThat(m.schema()).isEqualTo(SCHEMA);
  }

  @Test
  void score_eachPath_matchesHandComputedMargin() throws IOException {
    GradientBoostedTrees m = model();
    assertThat(m.margin(new float[] {0, 0, 0})).isCloseTo(-0.4, within(1e-7));
    assertThat(m.margin(new float[] {1, 1, 0})).isCloseTo(0.35, within(1e-7));
    assertThat(m.margin(new float[] {1, 2, 0})).isCloseTo(0.85, within(1e-7));
    assertThat(m.score(new float[] {1, 2, 0})).isCloseTo(sigmoid(0.85), within(1e-9));
  }

  @Test
  void score_missingValues_followDefaultDirection() throws IOException {
    GradientBoostedTrees m = model();
    assertThat(m.margin(new float[] {NAN, 5, 0})).isCloseTo(-0.4, within(1e-7));
    assertThat(m.margin(new float[] {5, NAN, 0})).isCloseTo(0.85, within(1e-7));
    assertThat(m.margin(new float[] {NAN, NAN, NAN})).isCloseTo(-0.4, within(1e-7));
  }

  @Test
  void score_wrongWidth_rejectsWithLengths() throws IOException {
    GradientBoostedTrees m = model();
    assertThatThrownBy(() -> m.score(new float[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("features must have 3 values")
        .hasMessageContaining("had 2");
  }

  @Test
  void load_baseScoreNotHalf_startsFromItsLogit() throws IOException {
    Path file = write("m.json", modelText().replace("\"base_score\":\"5E-1\"", "\"base_score\":\"[2.5E-1]\""));
    GradientBoostedTrees m = GradientBoostedTrees.load(file, SCHEMA, "gbt", "v1");
    assertThat(m.baseMargin()).isCloseTo(Math.log(0.25 / 0.75), within(1e-7));
    assertThat(m.margin(new float[] {0, 0, 0})).isCloseTo(Math.log(0.25 / 0.75) - 0.4, within(1e-6));
  }

  @Test
  void load_regLogistic_accepted() throws IOException {
    Path file = write("m.json", modelText().replace("binary:logistic", "reg:logistic"));
    assertThat(GradientBoostedTrees.load(file, SCHEMA, "gbt", "v1").objective()).isEqualTo("reg:logistic");
  }

  @Test
  void explain_rightRightPath_attributesMeanChangesToSplitFeatures() throws IOException {
    List<FeatureContribution> top = model().explain(new float[] {5, NAN, 0}, 5);
    assertThat(top).hasSize(2);
    assertThat(top.get(0).feature()).isEqualTo("a");
    assertThat(top.get(0).value()).isEqualTo(5.0);
    assertThat(top.get(0).contribution()).isCloseTo(0.6, within(1e-7));
    assertThat(top.get(1).feature()).isEqualTo("b");
    assertThat(top.get(1).value()).isNaN();
    assertThat(top.get(1).contribution()).isCloseTo(0.25, within(1e-7));
  }

  @Test
  void explain_limitOne_returnsLargestOnly() throws IOException {
    List<FeatureContribution> top = model().explain(new float[] {0, 0, 0}, 1);
    assertThat(top).singleElement().satisfies(c -> {
      assertThat(c.feature()).isEqualTo("a");
      assertThat(c.contribution()).isCloseTo(-0.4, within(1e-7));
    });
  }

  @Test
  void explain_nonPositiveLimit_rejects() throws IOException {
    GradientBoostedTrees m = model();
    assertThatThrownBy(() -> m.explain(new float[] {0, 0, 0}, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit must be positive, but was 0");
  }

  @Test
  void shapValues_handComputedShapley_match() throws IOException {
    // v({}) = -0.1, v({a}) = 0.5, v({b}) = 0.6 * -0.5 + 0.4 * 0.75 = 0, v({a, b}) = 0.75 for tree 0:
    // phi_a = ((0.5 + 0.1) + (0.75 - 0)) / 2 = 0.675, phi_b = ((0 + 0.1) + (0.75 - 0.5)) / 2 = 0.175.
    double[] phi = model().shapValues(new float[] {5, NAN, 0});
    assertThat(phi).containsExactly(new double[] {0.675, 0.175, 0, 0}, within(1e-7));
  }

  @Test
  void checkSchema_otherSchema_failsWithBothSchemas() throws IOException {
    GradientBoostedTrees m = model();
    FeatureSchema other = FeatureSchema.of("test", "2", "a", "b", "c");
    assertThatThrownBy(() -> m.checkSchema(other))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("FEATURE_SCHEMA_MISMATCH")
        .hasMessageContaining(SCHEMA.toString())
        .hasMessageContaining(other.toString())
        .satisfies(e -> assertThat(((FraudEngineException) e).code()).isEqualTo(ErrorCode.FEATURE_SCHEMA_MISMATCH));
  }

  @Test
  void checkSchema_sameSchema_passes() throws IOException {
    model().checkSchema(FeatureSchema.of("test", "1", "a", "b", "c"));
  }

  void assertRefused(Path file, FeatureSchema schema, String... problem) {
    var thrown = assertThatThrownBy(() -> GradientBoostedTrees.load(file, schema, "gbt", "v1"))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("MODEL_LOAD_FAILED")
        .hasMessageContaining(file.toString());
    for (String p : problem) {
      thrown.hasMessageContaining(p);
    }
    thrown.satisfies(e -> assertThat(((FraudEngineException) e).code()).isEqualTo(ErrorCode.MODEL_LOAD_FAILED));
  }

  @Test
  void load_truncatedFile_refused() throws IOException {
    String text = modelText();
    assertRefused(write("truncated.json", text.substring(0, text.length() / 2)), SCHEMA, "not valid JSON");
  }

  @Test
  void load_emptyFile_refused() throws IOException {
    assertRefused(write("empty.json", ""), SCHEMA, "no JSON object");
  }

  @Test
  void load_missingFile_refused() {
    assertRefused(dir.resolve("absent.json"), SCHEMA, "cannot read it");
  }

  @Test
  void load_wrongObjective_refused() throws IOException {
    Path file = write("m.json", modelText().replace("binary:logistic", "reg:squarederror"));
    assertRefused(file, SCHEMA, "objective 'reg:squarederror' is not supported");
  }

  @Test
  void load_dartBooster_refused() throws IOException {
    Path file = write("m.json", modelText().replace("\"name\":\"gbtree\"", "\"name\":\"dart\""));
    assertRefused(file, SCHEMA, "booster 'dart' is not supported");
  }

  @Test
  void load_featureIndexBeyondSchema_refused() throws IOException {
    Path file = write("m.json", modelText().replace("\"split_indices\":[0,0,1,0,0]", "\"split_indices\":[0,0,7,0,0]"));
    assertRefused(file, SCHEMA, "trees[0] node 2 splits on feature 7, beyond the schema's 3 features");
  }

  @Test
  void load_arraysOfDifferentLengths_refused() throws IOException {
    Path file = write("m.json", modelText().replace("\"right_children\":[2,-1,4,-1,-1]", "\"right_children\":[2,-1,4,-1]"));
    assertRefused(file, SCHEMA, "trees[0].right_children has 4 entries, but left_children has 5");
  }

  @Test
  void load_childOutOfRange_refused() throws IOException {
    Path file = write("m.json", modelText().replace("\"left_children\":[1,-1,3,-1,-1]", "\"left_children\":[1,-1,9,-1,-1]"));
    assertRefused(file, SCHEMA, "trees[0] node 2 has child 9, outside [1, 5)");
  }

  @Test
  void load_nodeWithTwoParents_refused() throws IOException {
    Path file = write("m.json", modelText().replace("\"left_children\":[1,-1,3,-1,-1]", "\"left_children\":[1,-1,1,-1,-1]"));
    assertRefused(file, SCHEMA, "node 1 has more than one parent");
  }

  @Test
  void load_categoricalSplit_refused() throws IOException {
    Path file = write("m.json", modelText().replace("\"split_type\":[0,0,0,0,0]", "\"split_type\":[1,0,0,0,0]"));
    assertRefused(file, SCHEMA, "categorical split");
  }

  @Test
  void load_missingTrees_refused() throws IOException {
    Path file = write("m.json", modelText().replace("\"trees\":", "\"forest\":"));
    assertRefused(file, SCHEMA, "learner.gradient_booster.model.trees is missing");
  }

  @Test
  void load_badBaseScore_refused() throws IOException {
    Path file = write("m.json", modelText().replace("\"base_score\":\"5E-1\"", "\"base_score\":\"1.5\""));
    assertRefused(file, SCHEMA, "base_score must be in (0, 1)");
  }

  @Test
  void load_schemaOfOtherWidth_refused() throws IOException {
    FeatureSchema wide = FeatureSchema.of("test", "1", "a", "b", "c", "d");
    assertRefused(write("m.json", modelText()), wide, "trained on 3 features", wide.toString());
  }

  @Test
  void load_featureNamesDifferFromSchema_refused() throws IOException {
    Path file = write("m.json", modelText().replace("\"feature_names\":[]", "\"feature_names\":[\"a\",\"x\",\"c\"]"));
    assertRefused(file, SCHEMA, "feature names [a, x, c] differ from schema");
  }

  @Test
  void load_blankId_rejects() throws IOException {
    Path file = write("m.json", modelText());
    assertThatThrownBy(() -> GradientBoostedTrees.load(file, SCHEMA, " ", "v1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("id must not be blank");
  }
}
