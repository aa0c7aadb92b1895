package dev.fraudengine.models;

import java.util.Arrays;
import java.util.Comparator;

/*
 * Isotonic regression by pool-adjacent-violators (Barlow et al., 1972; Zadrozny and Elkan, 2002, for
 * calibration): sort by score, merge equal scores, then pool adjacent blocks while a block's mean exceeds the
 * next one's. The fit keeps each block's first and last score with the block's mean, and interpolates linearly in
 * between, as scikit-learn's IsotonicRegression does.
 */
final class IsotonicCalibrator implements Calibrator {
  private final double[] x;
  private final double[] y;

  private IsotonicCalibrator(double[] x, double[] y) {
    this.x = x;
    this.y = y;
  }

  static IsotonicCalibrator fit(double[] scores, boolean[] labels) {
    int n = CalibrationFit.check(scores, labels);
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    // blocks: [lo score, hi score, sum of labels, weight]
    double[] lo = new double[n];
    double[] hi = new double[n];
    double[] sum = new double[n];
    double[] weight = new double[n];
    int blocks = 0;
    for (int k = 0; k < n; k++) {
      double s = scores[order[k]];
      double label = labels[order[k]] ? 1 : 0;
      if (blocks > 0 && hi[blocks - 1] == s) {
        sum[blocks - 1] += label;
        weight[blocks - 1] += 1;
      } else {
        lo[blocks] = s;
        hi[blocks] = s;
        sum[blocks] = label;
        weight[blocks] = 1;
        blocks++;
      }
      while (blocks > 1 && sum[blocks - 2] / weight[blocks - 2] >= sum[blocks - 1] / weight[blocks - 1]) {
        hi[blocks - 2] = hi[blocks - 1];
        sum[blocks - 2] += sum[blocks - 1];
        weight[blocks - 2] += weight[blocks - 1];
        blocks--;
      }
    }
    double[] px = new double[2 * blocks];
    double[] py = new double[2 * blocks];
    int m = 0;
    for (int b = 0; b < blocks; b++) {
      double mean = sum[b] / weight[b];
      px[m] = lo[b];
      py[m++] = mean;
      if (hi[b] != lo[b]) {
        px[m] = hi[b];
        py[m++] = mean;
      }
    }
    return new IsotonicCalibrator(Arrays.copyOf(px, m), Arrays.copyOf(py, m));
  }

  @Override
  public double calibrate(double score) {
    if (Double.isNaN(score)) {
      return Double.NaN;
    }
    if (score <= x[0]) {
      return y[0];
    }
    if (score >= x[x.length - 1]) {
      return y[y.length - 1];
    }
    int i = Arrays.binarySearch(x, score);
    if (i >= 0) {
      return y[i];
    }
    int right = -i - 1;
    int left = right - 1;
    double w = (score - x[left]) / (x[right] - x[left]);
    return y[left] + w * (y[right] - y[left]);
  }

  @Override
  public String toString() {
    return "Isotonic[" + x.length + " points]";
  }
}
