package dev.fraudengine.core;

import java.time.Instant;
import java.util.List;

/**
 * Extension point: the engine's memory of confirmed fraud and legitimate cases, searched by similarity.
 *
 * <p><b>Contract.</b> {@link #nearest} returns the cases most similar to a transaction, nearest first, and
 * only cases whose label was known at the transaction's event time (no leakage in replays and backtests).
 * {@link #observe} is called with every scored transaction so that the store can turn a later
 * {@link #feedback} into a case without the engine remembering anything.
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
