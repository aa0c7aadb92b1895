package dev.fraudengine.features;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.InvalidTransactionException;
import dev.fraudengine.core.Transaction;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Replays history through a whole {@link FraudEngine}: features, models, similar cases, rules and verdict, with
 * each label brought back by {@link FraudEngine#feedback} when it became known. Evaluation, rule backtests and
 * shadow runs on history all use this one path, so that their figures are those the engine would have produced
 * live on the same stream.
 *
 * <p>For each transaction of a time-ordered stream, the replay first gives the engine every label whose label time
 * is at or before the transaction's event time, then calls {@link FraudEngine#score} and hands the decision on.
 * The labels are scheduled exactly as {@link Replay} schedules them for a feature pipeline: a label's time is its
 * own ({@link Replay.Labelled#labelTime()}) or the event time plus the label delay. A transaction the engine
 * refuses is handed to {@link Sink#rejected} and its label is never delivered (the engine never saw it). The labels
 * still pending when the stream ends are delivered at the end, so that the engine can go on scoring live.
 *
 * <p>Immutable. A run is single-threaded and uses the engine it was made with; nothing else should score on that
 * engine meanwhile for the run to be reproducible.
 */
public final class EngineReplay {
  private final FraudEngine engine;
  private final Duration labelDelay;

  private EngineReplay(FraudEngine engine, Duration labelDelay) {
    this.engine = engine;
    this.labelDelay = labelDelay;
  }

  /**
   * Makes a replay through an engine, with labels known 7 days after their transaction (the handbook's delay).
   *
   * @param engine the engine; the replay does not close it
   * @return the replay
   * @throws NullPointerException if {@code engine} is {@code null}
   */
  public static EngineReplay of(FraudEngine engine) {
    return new EngineReplay(Objects.requireNonNull(engine, "engine"), Duration.ofDays(7));
  }

  /**
   * Returns a replay with another delay between a transaction and the time its label is known, for labels that do
   * not carry their own time.
   *
   * @param labelDelay zero or positive
   * @return a new replay
   * @throws IllegalArgumentException if negative
   * @throws NullPointerException if {@code labelDelay} is {@code null}
   */
  public EngineReplay labelDelay(Duration labelDelay) {
    Objects.requireNonNull(labelDelay, "labelDelay");
    if (labelDelay.isNegative()) {
      throw new IllegalArgumentException("labelDelay must not be negative, but was " + labelDelay);
    }
    return new EngineReplay(engine, labelDelay);
  }

  /**
   * Returns the label delay.
   *
   * @return the delay applied to labels without their own time
   */
  public Duration labelDelay() {
    return labelDelay;
  }

  /**
   * Replays a stream through the engine and hands each decision to a sink.
   *
   * @param input labelled transactions in event-time order (within the pipeline's allowed lateness)
   * @param sink receives each decision, and each refused transaction
   * @return the number of transactions decided (refused ones not counted)
   * @throws InvalidTransactionException if the engine refuses a transaction and the sink rethrows (the default)
   * @throws dev.fraudengine.core.FraudEngineException if the engine is closed
   * @throws NullPointerException if an argument or an element is {@code null}
   */
  public long run(Stream<Replay.Labelled> input, Sink sink) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(sink, "sink");
    LabelSchedule pending = new LabelSchedule();
    long n = 0;
    Iterator<Replay.Labelled> it = input.iterator();
    while (it.hasNext()) {
      Replay.Labelled row = Objects.requireNonNull(it.next(), "input element");
      Transaction tx = row.transaction();
      pending.deliverUpTo(tx.eventTime(), engine::feedback);
      Decision decision;
      try {
        decision = engine.score(tx);
      } catch (InvalidTransactionException e) {
        sink.rejected(row, e);
        continue;
      }
      if (row.label() != null) {
        Instant at = row.labelTime() != null ? row.labelTime() : tx.eventTime().plus(labelDelay);
        pending.add(tx.id(), row.label(), at);
      }
      sink.decided(row, decision);
      n++;
    }
    pending.deliverUpTo(Instant.MAX, engine::feedback);
    return n;
  }

  /** Receives the replay's decisions, in input order, on the replaying thread. */
  public interface Sink {
    /**
     * Receives one decision.
     *
     * @param row the transaction with its label
     * @param decision the engine's decision
     */
    void decided(Replay.Labelled row, Decision decision);

    /**
     * Receives a transaction the engine refused. The default rethrows the exception, which ends the run: nothing is
     * dropped silently.
     *
     * @param row the refused transaction with its label
     * @param problems the engine's exception, listing every problem
     * @throws InvalidTransactionException the default always does
     */
    default void rejected(Replay.Labelled row, InvalidTransactionException problems) {
      throw problems;
    }
  }
}
