package dev.fraudengine.core;

import java.time.Instant;
import java.util.Objects;

/**
 * A known, labelled case found near a transaction: evidence for a decision.
 *
 * @param caseId the case's id (usually the id of the transaction it was made from)
 * @param similarity how close it is, in [0, 1]; 1 is identical
 * @param label the case's confirmed label
 * @param fraudType the kind of fraud when known ({@code "card_testing"}...), or {@code null}
 * @param eventTime when the case's transaction happened
 */
public record SimilarCase(String caseId, double similarity, Label label, String fraudType, Instant eventTime) {

  /*
   * Creates a similar case.
   *
   * @throws NullPointerException if caseId, label or eventTime is {@code null}
   * @throws IllegalArgumentException if similarity is not in [0, 1]
   */
  public SimilarCase {
    Objects.requireNonNull(caseId, "caseId");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(eventTime, "eventTime");
    if (!(similarity >= 0 && similarity <= 1)) {
      throw new IllegalArgumentException("similarity must be in [0, 1], but was " + similarity);
    }
  }
}
