package dev.fraudengine.core;

import java.util.Map;
import java.util.Objects;

/**
 * One reason behind a decision: a stable code for machines, a message for people, its weight, and the values
 * behind it.
 *
 * <p>The codes the engine itself emits are listed in {@link ReasonCode}; components may add their own,
 * written in upper snake case.
 *
 * @param code a stable code in upper snake case, e.g. {@code RULE_BLOCK}
 * @param message a short sentence for an analyst
 * @param weight how much this reason moved the decision: its share of the score for models and score rules,
 *     1 for hard rules, 0 for notes such as a failed component
 * @param values the values behind the reason (rule inputs, a model's score, a case's similarity), in order
 */
public record Reason(String code, String message, double weight, Map<String, Object> values) {

  /*
   * Creates a reason and copies its values.
   *
   * @throws NullPointerException if a component is {@code null}
   * @throws IllegalArgumentException if the code is not upper snake case, the weight is not finite, or a value is not an immutable scalar
   */
  public Reason {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(message, "message");
    if (!isUpperSnakeCase(code)) {
      throw new IllegalArgumentException("code must be upper snake case, but was '" + code + "'");
    }
    if (!Double.isFinite(weight)) {
      throw new IllegalArgumentException("weight must be finite, but was " + weight);
    }
    values = Values.copyOf("values", values);
  }

  /** Tells whether a code matches {@code [A-Z][A-Z0-9_]*}, without a regex: this runs for every reason. */
  private static boolean isUpperSnakeCase(String code) {
    if (code.isEmpty() || code.charAt(0) < 'A' || code.charAt(0) > 'Z') {
      return false;
    }
    for (int i = 1; i < code.length(); i++) {
      char c = code.charAt(i);
      if (!(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_')) {
        return false;
      }
    }
    return true;
  }
}
