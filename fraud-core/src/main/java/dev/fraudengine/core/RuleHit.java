package dev.fraudengine.core;

import java.util.Map;
import java.util.Objects;

/**
 * A rule that fired in a decision, with the values it read.
 *
 * @param ruleId the rule's id
 * @param action what it did
 * @param weight what it added to the score (SCORE rules), 0 for hard actions
 * @param description the rule's text for analysts
 * @param values the features, model scores and case signals the rule read, by name, in reading order
 * @param shadow {@code true} when the rule belongs to a shadow set: recorded, never acted on
 */
public record RuleHit(String ruleId, RuleAction action, double weight, String description,
    Map<String, Object> values, boolean shadow) {

  /*
   * Creates a rule hit and copies its values.
   *
   * @throws NullPointerException if a component is {@code null}
   * @throws IllegalArgumentException if a value is not an immutable scalar
   */
  public RuleHit {
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(description, "description");
    values = Values.copyOf("values", values);
  }
}
