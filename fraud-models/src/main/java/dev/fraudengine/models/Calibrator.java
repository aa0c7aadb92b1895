package dev.fraudengine.models;

/**
 * A monotone map from a model's raw scores to calibrated fraud probabilities, fitted on held-out scores with known
 * labels (never on the model's training rows).
 *
 * <p>{@link #platt} fits a logistic function of the score (two parameters: smooth, needs little data);
 * {@link #isotonic} fits a non-decreasing step function by pool-adjacent-violators (no shape assumed, needs more
 * data). Implementations are immutable and thread-safe.
 */
public interface Calibrator {

  /**
   * Returns the calibrated probability of a raw score.
   *
   * @param score the model's raw score
   * @return the probability in [0, 1]
   */
  double calibrate(double score);

  /**
   * Fits Platt scaling, p = 1 / (1 + exp(a·s + b)), by maximum likelihood (Newton's method) on targets smoothed
   * as Platt (1999) proposes: (positives + 1) / (positives + 2) for fraud, 1 / (negatives + 2) for legitimate.
   *
   * @param scores held-out raw scores
   * @param labels {@code true} for fraud
   * @return the fitted calibrator
   * @throws IllegalArgumentException if the lengths differ, a score is not finite, or the labels are all of one
   *     class
   */
  static Calibrator platt(double[] scores, boolean[] labels) {
    return PlattCalibrator.fit(scores, labels);
  }

  /**
   * Fits isotonic regression: the non-decreasing step function of the score closest in squared error to the
   * labels, by pool-adjacent-violators. Between fitted points it interpolates linearly; outside them it holds
   * the end values.
   *
   * @param scores held-out raw scores
   * @param labels {@code true} for fraud
   * @return the fitted calibrator
   * @throws IllegalArgumentException if the lengths differ, a score is not finite, or there are no scores
   */
  static Calibrator isotonic(double[] scores, boolean[] labels) {
    return IsotonicCalibrator.fit(scores, labels);
  }
}
