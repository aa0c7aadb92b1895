package dev.fraudengine.core;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Extension point: the engine's memory of confirmed fraud and legitimate cases, searched by similarity.
 *
 * <p><b>Contract.</b> {@link #nearest} returns the cases most similar to a transaction, nearest first, and
 * only cases whose label was known at the transaction's event time (no leakage in replays and backtests).
 * {@link #observe} is called with every scored transaction so that the store can turn a later
 * {@link #feedback} into a case without the engine remembering anything. The engine makes both calls through
 * {@link #nearestThenObserve}, which a store may override to derive once what both need (an embedding).
 *
 * <p><b>Threading.</b> Implementations must be thread-safe: searches run on many scoring threads while
 * feedback adds cases.
 *
 * <p><b>Faults.</b> If {@code nearest} throws, the engine decides without similar cases and marks the decision
 * degraded; the exception does not reach the caller.
 */
public interface CaseStore extends AutoCloseable {

  /**
   * Finds the known cases nearest to a transaction.
   *
   * @param tx the transaction being scored
   * @param features its feature vector, in the engine's schema; read it, do not change it
   * @param k the most cases to return, positive
   * @return up to {@code k} cases, nearest first, labelled no later than {@code tx.eventTime()}
   */
  List<SimilarCase> nearest(Transaction tx, float[] features, int k);

  /**
   * Sees a scored transaction, so that its label can later make it a case. The default ignores it.
   *
   * @param tx the scored transaction
   * @param features its feature vector; the store may keep it (the engine does not reuse it)
   */
  default void observe(Transaction tx, float[] features) {}

  /**
   * Finds the known cases nearest to a transaction, then {@linkplain #observe observes} it: what the engine does
   * for every decision, in one call so that a store can compute once what both need. The default calls
   * {@link #nearest} and then {@link #observe}.
   *
   * <p>The transaction is observed even when the search fails. A failure to observe does not cost the caller the
   * cases found: it is handed to {@code observeFailed} and the cases are returned. A failure to search is thrown
   * once the transaction has been observed (or its failure to be observed handed over). An override may throw a
   * fault that both share (features it cannot use) once, without handing it over.
   *
   * @param tx the transaction being scored
   * @param features its feature vector, in the engine's schema; read it, do not change it
   * @param k the most cases to return, positive
   * @param observeFailed receives a failure to observe the transaction
   * @return up to {@code k} cases, nearest first, labelled no later than {@code tx.eventTime()}
   * @throws NullPointerException if {@code observeFailed} is {@code null}
   */
  default List<SimilarCase> nearestThenObserve(Transaction tx, float[] features, int k,
      Consumer<? super RuntimeException> observeFailed) {
    Objects.requireNonNull(observeFailed, "observeFailed");
    try {
      return nearest(tx, features, k);
    } finally {
      try {
        observe(tx, features);
      } catch (RuntimeException e) {
        observeFailed.accept(e);
      }
    }
  }

  /**
   * Receives the confirmed label of an earlier transaction. The default ignores it.
   *
   * @param transactionId the labelled transaction
   * @param label its label
   * @param labelTime when the label became known; the case is searchable from then on
   */
  default void feedback(String transactionId, Label label, Instant labelTime) {}

  /** Releases what the store holds. Never throws; faults are logged. */
  @Override
  default void close() {}
}
