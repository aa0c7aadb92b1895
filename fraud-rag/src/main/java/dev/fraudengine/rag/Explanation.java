package dev.fraudengine.rag;

import dev.fraudengine.core.RiskLevel;
import java.util.Objects;

/**
 * An explanation of a decision, from a language model or the deterministic fallback.
 *
 * @param transactionId the id of the explained transaction
 * @param riskLevel the decision's risk level
 * @param text the explanation for an analyst; never blank
 * @param source where the text comes from
 * @param detail why the fallback was used (the endpoint's status, a timeout, a parse error), or the empty string
 *     for a model's answer
 */
public record Explanation(String transactionId, RiskLevel riskLevel, String text, Source source, String detail) {

  /** Where an explanation's text comes from. */
  public enum Source {
    /** The chat-completions endpoint answered. */
    MODEL,
    /** The endpoint was slow, down, failed or answered nonsense: the text is the deterministic summary. */
    FALLBACK,
    /** The decision was below the explainer's risk level: the endpoint was not asked; the deterministic summary. */
    BELOW_LEVEL
  }

  /*
   * Creates an explanation.
   *
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the text is blank
   */
  public Explanation {
    Objects.requireNonNull(transactionId, "transactionId");
    Objects.requireNonNull(riskLevel, "riskLevel");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(detail, "detail");
    if (text.isBlank()) {
      throw new IllegalArgumentException("text must not be blank");
    }
  }
}
