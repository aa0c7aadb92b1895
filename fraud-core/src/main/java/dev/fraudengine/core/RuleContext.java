package dev.fraudengine.core;

/**
 * What a {@link Rule} may read while the engine decides one transaction.
 *
 * <p>Every value a rule reads through this context (features, model scores, case signals) is recorded and, if
 * the rule fires, shown with its hit. Missing values are {@code NaN}: every comparison with {@code NaN} is false,
 * so a rule over a missing value does not fire. Valid for one rule evaluation on one thread; do not keep it.
 */
public interface RuleContext {

  /**
   * Returns the transaction being decided.
   *
   * @return the validated transaction
   */
  Transaction transaction();

  /**
   * Returns a feature's value.
   *
   * @param name the feature's name in the pipeline's schema
   * @return the value, {@code NaN} when missing (or when features were unavailable for this decision)
   * @throws IllegalArgumentException if the schema has no such feature
   */
  double feature(String name);

  /**
   * Returns a feature's value by its position in the pipeline's schema: the fast path for rules that resolved
   * their feature names once, as compiled rules do.
   *
   * @param index the feature's index in the schema
   * @return the value, {@code NaN} when missing
   * @throws IndexOutOfBoundsException if the schema has no such index
   */
  double feature(int index);

  /**
   * Returns one model's score.
   *
   * @param modelId the model's id
   * @return its score in [0, 1], or {@code NaN} if the engine has no such model or it failed this time
   */
  double modelScore(String modelId);

  /**
   * Returns the weighted combination of the model scores, before rules.
   *
   * @return the combined score in [0, 1], or {@code NaN} when no model scored
   */
  double modelScore();

  /**
   * Returns the similarity of the nearest known fraud case.
   *
   * @return in [0, 1], 0 when no fraud case is near or the engine has no case store
   */
  double nearestFraudSimilarity();

  /**
   * Returns the share of fraud among the nearest known cases.
   *
   * @return in [0, 1], or {@code NaN} when there are no neighbours
   */
  double fraudShare();
}
