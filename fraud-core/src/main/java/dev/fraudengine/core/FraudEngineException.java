package dev.fraudengine.core;

import java.util.Objects;

/**
 * The one unchecked exception for runtime faults of the engine and its components, with an {@link ErrorCode}.
 *
 * <p>Faults inside a decision (a model that throws, a failing case store) never reach the caller of
 * {@link FraudEngine#score}: they make the decision degraded instead. This exception is for faults outside a
 * decision: loading a model, a schema mismatch found when the engine is built, using a closed engine.
 */
public class FraudEngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The error code. */
  private final ErrorCode code;

  /**
   * Creates an exception with a code and a message.
   *
   * @param code what went wrong
   * @param message the details: which model, file or schema, and the problem
   */
  public FraudEngineException(ErrorCode code, String message) {
    super(code + ": " + message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * Creates an exception with a code, a message and the cause (a native error, an I/O error...).
   *
   * @param code what went wrong
   * @param message the details: which model, file or schema, and the problem
   * @param cause the underlying error, kept for its stack trace
   */
  public FraudEngineException(ErrorCode code, String message, Throwable cause) {
    super(code + ": " + message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  /**
   * Returns what went wrong.
   *
   * @return the error code
   */
  public ErrorCode code() {
    return code;
  }
}
