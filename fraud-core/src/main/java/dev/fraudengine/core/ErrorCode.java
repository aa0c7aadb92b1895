package dev.fraudengine.core;

/** Why a {@link FraudEngineException} was thrown; stable, for alerting and for callers that branch on it. */
public enum ErrorCode {
  /** A model file or resource could not be read or is not a valid model. */
  MODEL_LOAD_FAILED,
  /**
   * A model failed while scoring (a native runtime error). Inside {@link FraudEngine#score} the model is left out of
   * that decision, which is marked degraded; the code reaches callers that score the model directly.
   */
  MODEL_SCORE_FAILED,
  /** Training a model failed (bad parameters, a native error of the training library, an unwritable output). */
  MODEL_TRAINING_FAILED,
  /** A model, rule set or store expects other features than the pipeline produces. */
  FEATURE_SCHEMA_MISMATCH,
  /** A case store could not be opened, read or written. */
  CASE_STORE_FAILED,
  /** Feature state could not be read, written, snapshotted or restored. */
  FEATURE_STATE_FAILED,
  /**
   * A transaction came later than the feature state's allowed lateness: it was refused and the state is unchanged.
   * Inside {@link FraudEngine#score} this makes the decision degraded (decided without features).
   */
  LATE_EVENT,
  /** The engine was used after {@link FraudEngine#close()}. */
  ENGINE_CLOSED,
  /** The engine could not accept more asynchronous work. */
  ENGINE_OVERLOADED
}
