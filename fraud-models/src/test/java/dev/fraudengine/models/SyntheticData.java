package dev.fraudengine.models;

import dev.fraudengine.core.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded synthetic fraud-like data for model tests: {@value #WIDTH} features of mixed kinds (Gaussian amounts,
 * small integer counts that tie with split thresholds, 0/1 flags), about 8 % of values missing ({@code NaN}), and a
 * label drawn from a nonlinear logistic function of some of them (about 10 % positive).
 */
final class SyntheticData {
  static final int WIDTH = 30;
  static final FeatureSchema SCHEMA = schema();

  final float[][] x;
  final float[] y;

  private SyntheticData(float[][] x, float[] y) {
    this.x = x;
    this.y = y;
  }

  private static FeatureSchema schema() {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < WIDTH; i++) {
      names.add("f" + i);
    }
    return new FeatureSchema("synthetic", "1", names);
  }

  static SyntheticData generate(int rows, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] x = new float[rows][WIDTH];
    float[] y = new float[rows];
    for (int r = 0; r < rows; r++) {
      float[] row = x[r];
      for (int f = 0; f < WIDTH; f++) {
        switch (f % 3) {
          case 0 -> row[f] = (float) random.nextGaussian();
          case 1 -> row[f] = random.nextInt(8);
          default -> row[f] = random.nextInt(10) < 3 ? 1 : 0;
        }
        if (random.nextInt(100) < 8) {
          row[f] = Float.NaN;
        }
      }
      double z = -3.0 + 1.2 * v(row[0]) + 0.4 * v(row[1]) + 1.5 * v(row[2]) * v(row[3])
          - 0.8 * v(row[4]) + (v(row[6]) > 1 ? 1.0 : 0.0) + 0.5 * v(row[7]) * (Float.isNaN(row[9]) ? 2 : 0)
          + 0.6 * Math.sin(3 * v(row[12]));
      y[r] = random.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    }
    return new SyntheticData(x, y);
  }

  private static double v(float value) {
    return Float.isNaN(value) ? 0 : value;
  }

  /** The rows as one row-major array, as XGBoost4J's DMatrix takes them. */
  float[] flat() {
    float[] out = new float[x.length * WIDTH];
    for (int r = 0; r < x.length; r++) {
      System.arraycopy(x[r], 0, out, r * WIDTH, WIDTH);
    }
    return out;
  }

  double positiveShare() {
    double s = 0;
    for (float label : y) {
      s += label;
    }
    return s / y.length;
  }
}
