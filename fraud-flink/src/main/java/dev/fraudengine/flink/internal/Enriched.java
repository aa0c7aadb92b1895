package dev.fraudengine.flink.internal;

import dev.fraudengine.core.Transaction;
import java.util.Arrays;
import java.util.Objects;

/**
 * A transaction on its way through the feature stages, with the part of its feature vector computed so far: by
 * one stage, or merged from several.
 *
 * <p>Immutable by convention: each stage emits a new instance and never writes into the vector it received.
 *
 * @param transaction the validated transaction
 * @param features the vector in the job's full schema order; entries of stages not in {@code stages} are 0
 * @param stages a bit per entity stage whose features the vector holds
 * @param failure why a stage could not compute its features (then later stages pass the record on untouched and the
 *     decision is made without features, degraded), or {@code null}
 */
public record Enriched(Transaction transaction, float[] features, long stages, String failure) {
  /**
   * Validates.
   *
   * @throws NullPointerException if transaction or features is {@code null}
   */
  public Enriched {
    Objects.requireNonNull(transaction, "transaction");
    Objects.requireNonNull(features, "features");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Enriched e && e.transaction.equals(transaction)
        && Arrays.equals(e.features, features) && e.stages == stages && Objects.equals(e.failure, failure);
  }

  @Override
  public int hashCode() {
    return Objects.hash(transaction, Arrays.hashCode(features), stages, failure);
  }

  @Override
  public String toString() {
    return "Enriched[transaction=" + transaction.id() + ", features=" + Arrays.toString(features)
        + ", stages=" + Long.toBinaryString(stages) + ", failure=" + failure + "]";
  }
}
