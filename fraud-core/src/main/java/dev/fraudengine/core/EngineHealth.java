package dev.fraudengine.core;

import java.util.List;
import java.util.Objects;

/**
 * The state of an engine and of each of its models, for a health endpoint.
 *
 * @param status {@link Status#UP} when every model is ready, {@link Status#DEGRADED} when one is failing,
 *     {@link Status#CLOSED} after {@link FraudEngine#close()}
 * @param models each model's state and version, in the builder's order
 * @param featureSchema the feature schema as {@code name@version}
 * @param ruleSetVersion the version of the rule set in use
 */
public record EngineHealth(Status status, List<ModelHealth> models, String featureSchema, String ruleSetVersion) {

  /** The overall state of an engine. */
  public enum Status {
    /** Every component is answering. */
    UP,
    /** At least one model is failing; decisions are made without it and marked degraded. */
    DEGRADED,
    /** The engine was closed and scores nothing. */
    CLOSED
  }

  /*
   * Creates a health report and copies the model list.
   *
   * @throws NullPointerException if a component is {@code null}
   */
  public EngineHealth {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(featureSchema, "featureSchema");
    Objects.requireNonNull(ruleSetVersion, "ruleSetVersion");
    models = List.copyOf(models);
  }
}
