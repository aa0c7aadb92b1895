package dev.fraudengine.models;

/**
 * Counts of a binary decision against the truth: fraud flagged or not, fraud or not. Immutable.
 *
 * <p>Ratios whose denominator is zero are 0 (scikit-learn's {@code zero_division=0}): the precision of a rule that
 * flags nothing, the recall on data without fraud.
 *
 * @param truePositives frauds flagged
 * @param falsePositives legitimate transactions flagged
 * @param trueNegatives legitimate transactions not flagged
 * @param falseNegatives frauds not flagged
 */
public record ConfusionMatrix(long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {

  /*
   * Creates a matrix.
   *
   * @throws IllegalArgumentException if a count is negative
   */
  public ConfusionMatrix {
    if (truePositives < 0 || falsePositives < 0 || trueNegatives < 0 || falseNegatives < 0) {
      throw new IllegalArgumentException(
          "counts must not be negative, but were tp=" + truePositives + " fp=" + falsePositives + " tn="
              + trueNegatives + " fn=" + falseNegatives);
    }
  }

  /**
   * Returns the number of transactions counted.
   *
   * @return tp + fp + tn + fn
   */
  public long total() {
    return truePositives + falsePositives + trueNegatives + falseNegatives;
  }

  /**
   * Returns the share of flagged transactions that are fraud.
   *
   * @return tp / (tp + fp), or 0 when nothing is flagged
   */
  public double precision() {
    return ratio(truePositives, truePositives + falsePositives);
  }

  /**
   * Returns the share of frauds that are flagged (the true positive rate).
   *
   * @return tp / (tp + fn), or 0 when there is no fraud
   */
  public double recall() {
    return ratio(truePositives, truePositives + falseNegatives);
  }

  /**
   * Returns the harmonic mean of precision and recall.
   *
   * @return 2 tp / (2 tp + fp + fn), or 0 when that denominator is 0
   */
  public double f1() {
    return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
  }

  /**
   * Returns the share of legitimate transactions that are flagged.
   *
   * @return fp / (fp + tn), or 0 when there is no legitimate transaction
   */
  public double falsePositiveRate() {
    return ratio(falsePositives, falsePositives + trueNegatives);
  }

  private static double ratio(long numerator, long denominator) {
    return denominator == 0 ? 0 : (double) numerator / denominator;
  }
}
