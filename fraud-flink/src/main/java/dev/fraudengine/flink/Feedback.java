package dev.fraudengine.flink;

import dev.fraudengine.core.Label;
import java.time.Instant;
import java.util.Objects;

/**
 * A confirmed label of an earlier transaction, as it arrives on the job's second stream (a chargeback, an analyst's
 * verdict). The job routes it to every entity whose label-delayed features read it.
 *
 * @param transactionId the labelled transaction's id
 * @param label fraud or legitimate
 * @param labelTime when the label became known: a label-delayed feature computed at event time {@code t} counts it
 *     only if {@code labelTime <= t}
 */
public record Feedback(String transactionId, Label label, Instant labelTime) {
  /**
   * Validates.
   *
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the id is blank
   */
  public Feedback {
    Objects.requireNonNull(transactionId, "transactionId");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(labelTime, "labelTime");
    if (transactionId.isBlank()) {
      throw new IllegalArgumentException("transactionId must not be blank, but was '" + transactionId + "'");
    }
  }
}
