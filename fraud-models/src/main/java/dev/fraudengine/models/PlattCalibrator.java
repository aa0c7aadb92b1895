package dev.fraudengine.models;

/*
 * Platt scaling: p = 1 / (1 + exp(a s + b)). Fitted by Newton's method with a backtracking line search on the
 * cross-entropy against Platt's smoothed targets (Platt 1999; the numerically careful form of Lin, Lin and Weng,
 * "A note on Platt's probabilistic outputs for support vector machines", 2007).
 */
final class PlattCalibrator implements Calibrator {
  final double a;
  final double b;

  private PlattCalibrator(double a, double b) {
    this.a = a;
    this.b = b;
  }

  static PlattCalibrator fit(double[] scores, boolean[] labels) {
    int n = CalibrationFit.check(scores, labels);
    int positives = 0;
    for (boolean l : labels) {
      positives += l ? 1 : 0;
    }
    int negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      throw new IllegalArgumentException(
          "labels must hold both fraud and legitimate scores, but held " + positives + " frauds of " + n);
    }
    double hi = (positives + 1.0) / (positives + 2.0);
    double lo = 1.0 / (negatives + 2.0);
    double[] t = new double[n];
    for (int i = 0; i < n; i++) {
      t[i] = labels[i] ? hi : lo;
    }
    double a = 0;
    double b = Math.log((negatives + 1.0) / (positives + 1.0));
    double f = loss(scores, t, a, b);
    for (int iter = 0; iter < 100; iter++) {
      double g1 = 0;
      double g2 = 0;
      double h11 = 1e-12;
      double h22 = 1e-12;
      double h21 = 0;
      for (int i = 0; i < n; i++) {
        double p = probability(a, b, scores[i]);
        double d2 = p * (1 - p);
        h11 += scores[i] * scores[i] * d2;
        h22 += d2;
        h21 += scores[i] * d2;
        double d1 = t[i] - p;
        g1 += scores[i] * d1;
        g2 += d1;
      }
      if (Math.abs(g1) < 1e-9 && Math.abs(g2) < 1e-9) {
        break;
      }
      double det = h11 * h22 - h21 * h21;
      double da = -(h22 * g1 - h21 * g2) / det;
      double db = -(-h21 * g1 + h11 * g2) / det;
      double gd = g1 * da + g2 * db;
      double step = 1;
      boolean improved = false;
      while (step >= 1e-10) {
        double na = a + step * da;
        double nb = b + step * db;
        double nf = loss(scores, t, na, nb);
        if (nf < f + 1e-4 * step * gd) {
          a = na;
          b = nb;
          f = nf;
          improved = true;
          break;
        }
        step /= 2;
      }
      if (!improved) {
        break;
      }
    }
    return new PlattCalibrator(a, b);
  }

  /** 1 / (1 + exp(a s + b)), computed without overflow. */
  private static double probability(double a, double b, double s) {
    double z = a * s + b;
    return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
  }

  /** Cross-entropy of the targets under the model, computed without overflow. */
  private static double loss(double[] s, double[] t, double a, double b) {
    double f = 0;
    for (int i = 0; i < s.length; i++) {
      double z = a * s[i] + b;
      f += z >= 0 ? t[i] * z + Math.log1p(Math.exp(-z)) : (t[i] - 1) * z + Math.log1p(Math.exp(z));
    }
    return f;
  }

  @Override
  public double calibrate(double score) {
    return probability(a, b, score);
  }

  @Override
  public String toString() {
    return "Platt[a=" + a + ", b=" + b + "]";
  }
}
