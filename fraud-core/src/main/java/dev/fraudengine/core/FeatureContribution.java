package dev.fraudengine.core;

import java.util.Objects;

/**
 * How much one feature moved a model's score for one transaction.
 *
 * @param feature the feature's name
 * @param value the feature's value in the vector ({@code NaN} when missing)
 * @param contribution the feature's share of the model's output, in the model's own units (log-odds for
 *     gradient-boosted trees); positive values push towards fraud
 */
public record FeatureContribution(String feature, double value, double contribution) {

  /*
   * Creates a contribution.
   *
   * @throws NullPointerException if feature is {@code null}
   * @throws IllegalArgumentException if contribution is not finite
   */
  public FeatureContribution {
    Objects.requireNonNull(feature, "feature");
    if (!Double.isFinite(contribution)) {
      throw new IllegalArgumentException("contribution must be finite, but was " + contribution);
    }
  }
}
