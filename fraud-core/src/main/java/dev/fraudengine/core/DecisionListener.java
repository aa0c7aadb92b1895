package dev.fraudengine.core;

/**
 * Extension point: sees every decision after it is made, for alerting, audit logs or metrics.
 *
 * <p><b>Threading.</b> The engine calls each listener from one thread of its own, in decision order, never
 * from a scoring thread. Each listener has a bounded queue: when a listener falls behind and its queue is full,
 * further decisions are dropped for it and counted in {@link EngineMetrics#listenerDropped()}. A slow, failing
 * or blocked listener therefore never slows or fails {@link FraudEngine#score}.
 *
 * <p><b>Faults.</b> An exception from {@link #onDecision} is counted and logged once per burst; the listener
 * keeps receiving decisions.
 */
@FunctionalInterface
public interface DecisionListener {

  /**
   * Receives one decision.
   *
   * @param tx the scored transaction
   * @param decision the decision made for it
   */
  void onDecision(Transaction tx, Decision decision);
}
