package dev.fraudengine.models;

import java.util.Arrays;
import java.util.Objects;

/**
 * A stable 0–100 score scale by quantile mapping: a score maps to the percentage of reference scores below it,
 * interpolated linearly between the reference percentiles. Fitted on the scores of a reference period (e.g. the
 * validation split), it keeps the meaning of a threshold ("the riskiest 1 %" is 99) when a model is retrained
 * and its raw scores shift.
 *
 * <p>The scale keeps 101 reference percentiles. Non-decreasing: a higher score never maps lower. Immutable and
 * thread-safe.
 */
public final class ScoreScale {
  private final double[] percentiles;

  private ScoreScale(double[] percentiles) {
    this.percentiles = percentiles;
  }

  /**
   * Fits the scale on reference scores.
   *
   * @param scores the reference scores, at least two, finite
   * @return the scale
   * @throws IllegalArgumentException if there are fewer than two scores or one is not finite
   */
  public static ScoreScale fit(double[] scores) {
    Objects.requireNonNull(scores, "scores");
    if (scores.length < 2) {
      throw new IllegalArgumentException("scores must hold at least 2 values, but held " + scores.length);
    }
    double[] sorted = scores.clone();
    for (int i = 0; i < sorted.length; i++) {
      if (!Double.isFinite(sorted[i])) {
        throw new IllegalArgumentException("scores[" + i + "] must be finite, but was " + sorted[i]);
      }
    }
    Arrays.sort(sorted);
    double[] q = new double[101];
    for (int p = 0; p <= 100; p++) {
      double position = p / 100.0 * (sorted.length - 1);
      int below = (int) Math.floor(position);
      int above = Math.min(below + 1, sorted.length - 1);
      q[p] = sorted[below] + (position - below) * (sorted[above] - sorted[below]);
    }
    return new ScoreScale(q);
  }

  /**
   * Maps a score to the scale.
   *
   * @param score a score of the same model (or calibration) as the reference scores
   * @return the position in [0, 100]: 0 at or below the lowest reference score, 100 at or above the highest
   * @throws IllegalArgumentException if the score is NaN
   */
  public double toScale(double score) {
    if (Double.isNaN(score)) {
      throw new IllegalArgumentException("score must not be NaN");
    }
    double[] q = percentiles;
    if (score <= q[0]) {
      return 0;
    }
    if (score >= q[100]) {
      return 100;
    }
    int lo = 0;
    int hi = 100;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (q[mid] <= score) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    // q[lo] <= score < q[hi]; with repeated percentiles, lo is the last of the run
    return lo + (score - q[lo]) / (q[hi] - q[lo]);
  }

  /**
   * Returns the reference score at a percentage of the scale: the inverse of {@link #toScale}.
   *
   * @param position in [0, 100]
   * @return the reference score there
   * @throws IllegalArgumentException if {@code position} is outside [0, 100]
   */
  public double scoreAt(double position) {
    if (!(position >= 0 && position <= 100)) {
      throw new IllegalArgumentException("position must be in [0, 100], but was " + position);
    }
    int lo = (int) Math.floor(position);
    if (lo == 100) {
      return percentiles[100];
    }
    return percentiles[lo] + (position - lo) * (percentiles[lo + 1] - percentiles[lo]);
  }
}
