package dev.fraudengine.core;

import java.util.List;

/**
 * Extension point: a model that scores a feature vector with a fraud probability.
 *
 * <p><b>Contract.</b> {@link #score} returns a value in [0, 1]; higher means more likely fraud. A value outside
 * [0, 1] or NaN counts as a failure of the model for that decision. {@link #id()} and {@link #version()} are
 * recorded in every decision.
 *
 * <p><b>Threading.</b> Implementations must be thread-safe and should not block: the engine calls
 * {@code score} on the caller's thread, from many threads at once.
 *
 * <p><b>Faults.</b> A model that throws is left out of that decision only: the decision is marked degraded
 * with a {@code MODEL_FAILED} reason, the failure is counted in the metrics and logged once per burst, and the
 * caller never sees the exception.
 */
public interface FraudModel extends AutoCloseable {

  /**
   * Returns the model's id, unique within an engine; rules read its score as {@code model.<id>}.
   *
   * @return the id
   */
  String id();

  /**
   * Returns the model's version, recorded in each decision.
   *
   * @return the version
   */
  String version();

  /**
   * Checks that this model can read vectors of the pipeline's schema. Called once when the engine is built.
   *
   * @param schema the schema of the engine's feature pipeline
   * @throws FraudEngineException with {@link ErrorCode#FEATURE_SCHEMA_MISMATCH} and both schemas in the
   *     message, if it cannot
   */
  default void checkSchema(FeatureSchema schema) {}

  /**
   * Scores one feature vector.
   *
   * @param features the vector, in the pipeline's schema; read it, do not change it
   * @return the fraud probability in [0, 1]
   */
  double score(float[] features);

  /**
   * Returns the features that moved the score most for this vector, largest absolute contribution first.
   * The default has no explanation to give.
   *
   * @param features the vector, in the pipeline's schema
   * @param limit the most contributions to return, positive
   * @return up to {@code limit} contributions
   */
  default List<FeatureContribution> explain(float[] features, int limit) {
    return List.of();
  }

  /** Releases native or file resources. Never throws; faults are logged. */
  /**
   * Scores a row and explains the score in one call. The engine calls this instead of {@link #score} followed by
   * {@link #explain} when decisions carry feature contributions, so that a model that computes both from the same
   * walk (gradient-boosted trees follow one path per tree for both) evaluates the row once.
   *
   * <p>The default calls {@link #score} and then {@link #explain}; an explanation that throws gives the score with
   * no contributions. Thread-safety as {@link #score}.
   *
   * @param features the row, in the engine's feature schema; {@code NaN} marks a missing value
   * @param limit the most contributions to return, at least 0
   * @return the score and at most {@code limit} contributions, largest absolute first
   * @throws RuntimeException if the model cannot score the row (the engine then leaves the model out of the
   *     decision, as for {@link #score})
   */
  default ExplainedScore scoreExplained(float[] features, int limit) {
    double score = score(features);
    List<FeatureContribution> contributions;
    try {
      contributions = limit == 0 ? List.of() : explain(features, limit);
    } catch (RuntimeException e) {
      contributions = List.of();
    }
    return new ExplainedScore(score, contributions);
  }

  @Override
  default void close() {}
}
