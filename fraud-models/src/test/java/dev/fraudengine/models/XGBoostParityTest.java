package dev.fraudengine.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fraudengine.core.FeatureContribution;
import java.lang.management.ManagementFactory;
import java.util.List;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity of the pure-Java evaluator with XGBoost4J, on a model trained here: 10,000 synthetic rows of 30 features
 * with missing values, 150 trees of depth 6, {@code binary:logistic} with a base score learnt from the data (not
 * 0.5). Scores are compared with {@code predict} on 12,000 other rows, SHAP values with {@code predictContrib}.
 */
class XGBoostParityTest {
  static final long TRAIN_SEED = 20_260_421L;
  static final long TEST_SEED = 7_001L;

  @TempDir static Path dir;
  static Booster booster;
  static GradientBoostedTrees model;
  static SyntheticData test;
  static DMatrix testMatrix;

  @BeforeAll
  static void train() throws XGBoostError {
    System.out.println("XGBoostParityTest seeds: train " + TRAIN_SEED + ", test " + TEST_SEED);
    SyntheticData train = SyntheticData.generate(10_000, TRAIN_SEED);
    DMatrix matrix = new DMatrix(train.flat(), train.x.length, SyntheticData.WIDTH, Float.NaN);
    matrix.setLabel(train.y);
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "binary:logistic");
    params.put("max_depth", 6);
    params.put("eta", 0.1);
    params.put("tree_method", "hist");
    params.put("nthread", 1);
    params.put("seed", 1);
    booster = XGBoost.train(matrix, params, 150, new HashMap<>(), null, null);
    matrix.dispose();
    Path file = dir.resolve("model.json");
    booster.saveModel(file.toString());
    model = GradientBoostedTrees.load(file, SyntheticData.SCHEMA, "parity", "1");
    test = SyntheticData.generate(12_000, TEST_SEED);
    for (int f = 0; f < SyntheticData.WIDTH; f++) {
      test.x[0][f] = Float.NaN;
    }
    testMatrix = new DMatrix(test.flat(), test.x.length, SyntheticData.WIDTH, Float.NaN);
  }

  @AfterAll
  static void dispose() {
    testMatrix.dispose();
    booster.dispose();
  }

  @Test
  void load_trainedModel_hasAllTreesAndLearntBaseScore() {
    assertThat(model.treeCount()).isEqualTo(150);
    assertThat(model.maxDepth()).isEqualTo(6);
    assertThat(model.baseMargin()).isNotEqualTo(0.0);
  }

  @Test
  void score_twelveThousandRowsWithMissingValues_equalsXGBoost4JPredictWithin1e6() throws XGBoostError {
    float[][] expected = booster.predict(testMatrix);
    double maxError = 0;
    int missing = 0;
    for (int r = 0; r < test.x.length; r++) {
      maxError = Math.max(maxError, Math.abs(model.score(test.x[r]) - expected[r][0]));
      for (float v : test.x[r]) {
        missing += Float.isNaN(v) ? 1 : 0;
      }
    }
    System.out.printf("score parity: %d rows (%d missing values), max |java - xgboost4j| = %.3g%n",
        test.x.length, missing, maxError);
    assertThat(missing).isGreaterThan(10_000);
    assertThat(maxError).isLessThanOrEqualTo(1e-6);
  }

  @Test
  void margin_equalsXGBoost4JOutputMargin() throws XGBoostError {
    float[][] expected = booster.predict(testMatrix, true);
    double maxError = 0;
    for (int r = 0; r < test.x.length; r++) {
      maxError = Math.max(maxError, Math.abs(model.margin(test.x[r]) - expected[r][0]));
    }
    assertThat(maxError).isLessThanOrEqualTo(1e-5);
  }

  @Test
  void shapValues_thousandRows_equalXGBoost4JPredictContribWithin1e5() throws XGBoostError {
    int rows = 1_000;
    DMatrix subset = testMatrix.slice(java.util.stream.IntStream.range(0, rows).toArray());
    float[][] expected = booster.predictContrib(subset, 0);
    subset.dispose();
    double maxError = 0;
    for (int r = 0; r < 50; r++) {
      model.shapValues(test.x[r]);
    }
    long start = System.nanoTime();
    for (int r = 0; r < rows; r++) {
      double[] phi = model.shapValues(test.x[r]);
      assertThat(phi).hasSize(SyntheticData.WIDTH + 1);
      for (int f = 0; f <= SyntheticData.WIDTH; f++) {
        maxError = Math.max(maxError, Math.abs(phi[f] - expected[r][f]));
      }
    }
    double micros = (System.nanoTime() - start) / 1e3 / rows;
    System.out.printf("TreeSHAP parity: %d rows, max |java - predictContrib| = %.3g, %.1f us a row%n",
        rows, maxError, micros);
    assertThat(maxError).isLessThanOrEqualTo(1e-5);
  }

  @Test
  void scoreExplained_everyRow_equalsScoreAndExplain() {
    for (int r = 0; r < 2_000; r++) {
      dev.fraudengine.core.ExplainedScore e = model.scoreExplained(test.x[r], 3);
      assertThat(e.score()).as("row %d", r).isCloseTo(model.score(test.x[r]), within(1e-12));
      assertThat(e.contributions()).as("row %d", r).isEqualTo(model.explain(test.x[r], 3));
    }
    assertThat(model.scoreExplained(test.x[0], 0).contributions()).isEmpty();
    assertThatThrownBy(() -> model.scoreExplained(test.x[0], -1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("limit");
  }

  @Test
  void shapValues_sumToMargin() {
    for (int r = 0; r < 200; r++) {
      double sum = 0;
      for (double v : model.shapValues(test.x[r])) {
        sum += v;
      }
      assertThat(sum).isCloseTo(model.margin(test.x[r]), within(1e-9));
    }
  }

  @Test
  void explain_allContributions_sumWithExpectedMarginToMargin() {
    double[] phi = model.shapValues(test.x[0]);
    double expectedMargin = phi[SyntheticData.WIDTH];
    for (int r = 0; r < 200; r++) {
      List<FeatureContribution> all = model.explain(test.x[r], SyntheticData.WIDTH);
      double sum = expectedMargin;
      double previous = Double.MAX_VALUE;
      for (FeatureContribution c : all) {
        sum += c.contribution();
        assertThat(Math.abs(c.contribution())).isLessThanOrEqualTo(previous);
        previous = Math.abs(c.contribution());
      }
      assertThat(sum).isCloseTo(model.margin(test.x[r]), within(1e-9));
    }
  }

  @Test
  void score_manyCalls_allocateNothing() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    double sink = 0;
    for (int r = 0; r < 2_000; r++) {
      sink += model.score(test.x[r]);
    }
    long before = threads.getCurrentThreadAllocatedBytes();
    for (int r = 0; r < 10_000; r++) {
      sink += model.score(test.x[r]);
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;
    assertThat(sink).isPositive();
    assertThat(allocated).as("bytes allocated by 10,000 calls").isLessThan(1_000);
  }
}
