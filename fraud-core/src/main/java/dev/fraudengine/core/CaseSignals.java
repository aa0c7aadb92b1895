package dev.fraudengine.core;

import java.util.List;

/**
 * What the nearest known cases say about a transaction, as numbers that rules and the decision can use.
 *
 * @param neighbours the nearest cases, nearest first
 * @param nearestFraudSimilarity the similarity of the nearest fraud case among them, or 0 when there is none
 * @param fraudShare the share of fraud cases among them, or {@code NaN} when there are no neighbours
 */
public record CaseSignals(List<SimilarCase> neighbours, double nearestFraudSimilarity, double fraudShare) {

  /** Signals of a transaction with no neighbours (or no case store). */
  public static final CaseSignals NONE = new CaseSignals(List.of(), 0, Double.NaN);

  /*
   * Creates signals and copies the neighbours.
   *
   * @throws NullPointerException if neighbours is {@code null}
   */
  public CaseSignals {
    neighbours = List.copyOf(neighbours);
  }

  /**
   * Derives the signals from the nearest cases.
   *
   * @param neighbours the nearest cases, nearest first
   * @return the signals
   */
  public static CaseSignals of(List<SimilarCase> neighbours) {
    if (neighbours.isEmpty()) {
      return NONE;
    }
    double nearestFraud = 0;
    int frauds = 0;
    for (SimilarCase c : neighbours) {
      if (c.label() == Label.FRAUD) {
        frauds++;
        nearestFraud = Math.max(nearestFraud, c.similarity());
      }
    }
    return new CaseSignals(neighbours, nearestFraud, frauds / (double) neighbours.size());
  }
}
