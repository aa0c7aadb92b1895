package dev.fraudengine.core;

/**
 * The stable codes of the reasons the engine emits. Codes never change meaning; new ones may be added.
 */
public final class ReasonCode {
  private ReasonCode() {}

  /** An ALLOW rule fired and approved the payment. */
  public static final String RULE_ALLOW = "RULE_ALLOW";
  /** A BLOCK rule fired. */
  public static final String RULE_BLOCK = "RULE_BLOCK";
  /** A HOLD rule fired. */
  public static final String RULE_HOLD = "RULE_HOLD";
  /** A REVIEW rule fired. */
  public static final String RULE_REVIEW = "RULE_REVIEW";
  /** A SCORE rule fired and moved the score. */
  public static final String RULE_SCORE = "RULE_SCORE";
  /** A model scored the transaction; the weight is its share of the combined score. */
  public static final String MODEL_SCORE = "MODEL_SCORE";
  /** A feature moved a model's score; values name the model, the feature, its value and contribution. */
  public static final String FEATURE_CONTRIBUTION = "FEATURE_CONTRIBUTION";
  /** A known fraud case is near the transaction. */
  public static final String SIMILAR_FRAUD_CASE = "SIMILAR_FRAUD_CASE";
  /** A model failed and was left out of this decision. */
  public static final String MODEL_FAILED = "MODEL_FAILED";
  /** A rule failed and counted as not fired. */
  public static final String RULE_FAILED = "RULE_FAILED";
  /** The feature pipeline failed: the decision was made without features and without models. */
  public static final String FEATURES_UNAVAILABLE = "FEATURES_UNAVAILABLE";
  /** The feature pipeline computed only part of the features (its state was unreachable): the rest are missing. */
  public static final String FEATURES_PARTIAL = "FEATURES_PARTIAL";
  /** The case store failed: the decision was made without similar cases. */
  public static final String CASE_STORE_FAILED = "CASE_STORE_FAILED";
}
