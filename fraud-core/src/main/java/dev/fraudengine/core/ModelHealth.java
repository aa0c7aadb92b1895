package dev.fraudengine.core;

import java.util.Objects;

/**
 * The state of one model of an engine.
 *
 * @param modelId the model's id
 * @param version the model's version
 * @param state {@link State#READY} when its last call succeeded (or it has not been called),
 *     {@link State#FAILING} when its last call failed
 * @param failures the calls that failed since the engine was built
 * @param lastError the message of the last failure, or {@code null} when it never failed
 * @param shadow {@code true} for a shadow (challenger) model, scored and recorded but never deciding
 */
public record ModelHealth(String modelId, String version, State state, long failures, String lastError,
    boolean shadow) {

  /** Whether a model is answering. */
  public enum State {
    /** The model's last call succeeded. */
    READY,
    /** The model's last call failed: it is left out of decisions until it answers again. */
    FAILING
  }

  /*
   * Creates a model's health.
   *
   * @throws NullPointerException if the id, version or state is {@code null}
   */
  public ModelHealth {
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(state, "state");
  }
}
