package dev.fraudengine.core;

import java.util.Objects;

/**
 * Thrown by a {@link FeaturePipeline} that could compute only part of a feature vector, for example because its
 * shared state store did not answer and it is configured to fail open: it carries the partial vector, with the
 * features it could not compute set to {@code NaN}.
 *
 * <p>{@link FraudEngine#score} uses the partial vector (models and rules see {@code NaN} for what is missing) and
 * marks the decision degraded with a {@code FEATURES_PARTIAL} reason. Code that calls a pipeline directly can do
 * the same with {@link #features()}.
 */
public class PartialFeaturesException extends FraudEngineException {
  private static final long serialVersionUID = 1L;

  /** The partial vector. */
  private final float[] features;

  /**
   * Creates the exception.
   *
   * @param message what could not be computed, and why
   * @param features the partial vector, copied; missing features are {@code NaN}
   * @param cause the failure, kept for its stack trace
   * @throws NullPointerException if {@code features} is {@code null}
   */
  public PartialFeaturesException(String message, float[] features, Throwable cause) {
    super(ErrorCode.FEATURE_STATE_FAILED, message, cause);
    this.features = Objects.requireNonNull(features, "features").clone();
  }

  /**
   * Returns the partial vector.
   *
   * @return a copy of the vector, missing features {@code NaN}
   */
  public float[] features() {
    return features.clone();
  }
}
