package dev.fraudengine.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The evaluator against plain reference implementations written here, on random trees of depth 0 to 13: shallow
 * trees go through the padded layout in groups of 8, 4 and 1, trees deeper than {@link TreeEnsemble#PADDED_DEPTH}
 * through the compact one. Thresholds and values include -0.0, +0.0, infinities and ties; values include NaN.
 * References: the margin by a recursive walk (left when value &lt; threshold, NaN to the default side); path
 * attributions by Saabas over cover-weighted means; SHAP values by the Shapley formula over all subsets of the five
 * features, with the path-dependent expectation TreeSHAP uses.
 */
class TreeEnsembleTest {
  static final long SEED = 20_261_121L;
  static final int WIDTH = 5;
  static final float[] VALUES = {
    Float.NEGATIVE_INFINITY, -2.5f, -1f, -0.0f, 0.0f, Float.MIN_VALUE, 0.5f, 1f, 2f, 3f, Float.POSITIVE_INFINITY
  };

  static List<TreeEnsemble.Tree> trees;
  static TreeEnsemble ensemble;
  static float[][] rows;

  @BeforeAll
  static void build() {
    System.out.println("TreeEnsembleTest seed: " + SEED);
    SplittableRandom random = new SplittableRandom(SEED);
    trees = new ArrayList<>();
    for (int t = 0; t < 47; t++) {
      trees.add(randomTree(random, t % 5 == 4 ? 11 + random.nextInt(3) : random.nextInt(8)));
    }
    ensemble = new TreeEnsemble(WIDTH, 0.25, trees);
    rows = new float[500][WIDTH];
    for (float[] row : rows) {
      for (int f = 0; f < WIDTH; f++) {
        int pick = random.nextInt(VALUES.length + 3);
        row[f] = pick < VALUES.length ? VALUES[pick] : pick == VALUES.length ? Float.NaN
            : (float) (random.nextDouble() * 6 - 3);
      }
    }
  }

  /** A random tree of depth at most {@code maxDepth}, in XGBoost's arrays; an internal node's cover is its sum. */
  static TreeEnsemble.Tree randomTree(SplittableRandom random, int maxDepth) {
    List<int[]> children = new ArrayList<>();
    List<Object[]> data = new ArrayList<>();
    grow(random, maxDepth, children, data);
    int n = children.size();
    int[] left = new int[n];
    int[] right = new int[n];
    int[] feature = new int[n];
    float[] threshold = new float[n];
    boolean[] defaultLeft = new boolean[n];
    float[] leaf = new float[n];
    double[] cover = new double[n];
    for (int i = 0; i < n; i++) {
      left[i] = children.get(i)[0];
      right[i] = children.get(i)[1];
      Object[] d = data.get(i);
      feature[i] = (Integer) d[0];
      threshold[i] = (Float) d[1];
      defaultLeft[i] = (Boolean) d[2];
      leaf[i] = (Float) d[3];
    }
    for (int i = n - 1; i >= 0; i--) {
      cover[i] = left[i] < 0 ? 1 + random.nextInt(20) : cover[left[i]] + cover[right[i]];
    }
    return new TreeEnsemble.Tree(left, right, feature, threshold, defaultLeft, leaf, cover);
  }

  private static int grow(SplittableRandom random, int depthLeft, List<int[]> children, List<Object[]> data) {
    int id = children.size();
    children.add(new int[] {-1, -1});
    boolean leaf = depthLeft == 0 || (id > 0 && random.nextInt(10) < 2);
    if (leaf) {
      data.add(new Object[] {0, 0f, true, (float) (random.nextDouble() - 0.5)});
      return id;
    }
    data.add(new Object[] {
      random.nextInt(WIDTH), VALUES[random.nextInt(VALUES.length)], random.nextBoolean(), 0f
    });
    int l = grow(random, depthLeft - 1, children, data);
    int r = grow(random, depthLeft - 1, children, data);
    children.set(id, new int[] {l, r});
    return id;
  }

  static boolean goesLeft(TreeEnsemble.Tree t, int node, float[] row) {
    float v = row[t.feature()[node]];
    return Float.isNaN(v) ? t.defaultLeft()[node] : v < t.threshold()[node];
  }

  static double leafOf(TreeEnsemble.Tree t, float[] row) {
    int i = 0;
    while (t.left()[i] >= 0) {
      i = goesLeft(t, i, row) ? t.left()[i] : t.right()[i];
    }
    return t.leafValue()[i];
  }

  static double mean(TreeEnsemble.Tree t, int i) {
    if (t.left()[i] < 0) {
      return t.leafValue()[i];
    }
    int l = t.left()[i];
    int r = t.right()[i];
    return (mean(t, l) * t.cover()[l] + mean(t, r) * t.cover()[r]) / t.cover()[i];
  }

  /** The path-dependent expectation of a tree given the features in {@code known} (a bit set). */
  static double expectation(TreeEnsemble.Tree t, int i, float[] row, int known) {
    if (t.left()[i] < 0) {
      return t.leafValue()[i];
    }
    int l = t.left()[i];
    int r = t.right()[i];
    if ((known & (1 << t.feature()[i])) != 0) {
      return expectation(t, goesLeft(t, i, row) ? l : r, row, known);
    }
    return (expectation(t, l, row, known) * t.cover()[l] + expectation(t, r, row, known) * t.cover()[r])
        / t.cover()[i];
  }

  @Test
  void ensemble_randomTrees_includeDeepAndEveryGroupSize() {
    int deep = 0;
    for (TreeEnsemble.Tree t : trees) {
      deep += depth(t, 0) > TreeEnsemble.PADDED_DEPTH ? 1 : 0;
    }
    assertThat(deep).isBetween(1, trees.size() - TreeEnsemble.WIDE - TreeEnsemble.GROUP - 1);
    assertThat((trees.size() - deep) % TreeEnsemble.WIDE).isGreaterThan(TreeEnsemble.GROUP);
    assertThat(ensemble.maxDepth()).isGreaterThan(TreeEnsemble.PADDED_DEPTH);
  }

  static int depth(TreeEnsemble.Tree t, int i) {
    return t.left()[i] < 0 ? 0 : 1 + Math.max(depth(t, t.left()[i]), depth(t, t.right()[i]));
  }

  @Test
  void margin_randomTreesAndValues_equalsReferenceWalk() {
    for (float[] row : rows) {
      double expected = 0.25;
      for (TreeEnsemble.Tree t : trees) {
        expected += leafOf(t, row);
      }
      assertThat(ensemble.margin(row)).isCloseTo(expected, within(1e-9));
    }
  }

  @Test
  void margin_negativeAndPositiveZero_sameAsFloatComparison() {
    float[] negative = {-0.0f, -0.0f, -0.0f, -0.0f, -0.0f};
    float[] positive = {0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
    assertThat(ensemble.margin(negative)).isEqualTo(ensemble.margin(positive));
  }

  @Test
  void pathContributions_randomTreesAndValues_equalSaabasReference() {
    for (float[] row : rows) {
      double[] expected = new double[WIDTH];
      for (TreeEnsemble.Tree t : trees) {
        int i = 0;
        while (t.left()[i] >= 0) {
          int next = goesLeft(t, i, row) ? t.left()[i] : t.right()[i];
          expected[t.feature()[i]] += mean(t, next) - mean(t, i);
          i = next;
        }
      }
      double[] actual = ensemble.pathContributions(row);
      for (int f = 0; f < WIDTH; f++) {
        assertThat(actual[f]).as("feature %d", f).isCloseTo(expected[f], within(1e-9));
      }
    }
  }

  @Test
  void shap_randomTreesAndValues_equalShapleyFormulaOverAllSubsets() {
    int subsets = 1 << WIDTH;
    double[] factorial = new double[WIDTH + 1];
    factorial[0] = 1;
    for (int k = 1; k <= WIDTH; k++) {
      factorial[k] = factorial[k - 1] * k;
    }
    for (int r = 0; r < 60; r++) {
      float[] row = rows[r];
      double[] value = new double[subsets];
      for (int known = 0; known < subsets; known++) {
        for (TreeEnsemble.Tree t : trees) {
          value[known] += expectation(t, 0, row, known);
        }
      }
      double[] actual = ensemble.shap(row);
      for (int f = 0; f < WIDTH; f++) {
        double expected = 0;
        for (int known = 0; known < subsets; known++) {
          if ((known & (1 << f)) == 0) {
            int size = Integer.bitCount(known);
            expected += factorial[size] * factorial[WIDTH - size - 1] / factorial[WIDTH]
                * (value[known | (1 << f)] - value[known]);
          }
        }
        assertThat(actual[f]).as("row %d feature %d", r, f).isCloseTo(expected, within(1e-9));
      }
      assertThat(actual[WIDTH]).isCloseTo(0.25 + value[0], within(1e-9));
    }
  }

  @Test
  void key_ordersFloatsAsFloatComparisonWithZerosEqual() {
    SplittableRandom random = new SplittableRandom(SEED);
    float[] sample = new float[VALUES.length + 200];
    System.arraycopy(VALUES, 0, sample, 0, VALUES.length);
    for (int i = VALUES.length; i < sample.length; i++) {
      sample[i] = i % 2 == 0 ? Float.intBitsToFloat(random.nextInt()) : (float) random.nextGaussian();
      if (Float.isNaN(sample[i])) {
        sample[i] = -Float.MAX_VALUE;
      }
    }
    for (float a : sample) {
      for (float b : sample) {
        int expected = a < b ? -1 : a > b ? 1 : 0;
        assertThat(Integer.signum(Integer.compare(TreeEnsemble.key(a), TreeEnsemble.key(b))))
            .as("%s vs %s", a, b)
            .isEqualTo(expected);
      }
    }
  }
}
