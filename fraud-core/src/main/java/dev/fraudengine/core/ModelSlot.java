package dev.fraudengine.core;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/** One model of an engine with its weight and its failure record. Thread-safe. */
final class ModelSlot {
  final FraudModel model;
  final String id;
  /** The name under which rules read its score: {@code model.<id>}. */
  final String ruleName;
  final String version;
  final double weight;
  /** The weight as a reason's value, boxed once. */
  final Double boxedWeight;
  /** The ends of this model's feature-contribution messages, for a positive and a negative contribution. */
  final String raisedSuffix;
  final String loweredSuffix;
  /**
   * The messages of this model's MODEL_SCORE reasons by score in thousandths (the message shows three decimals),
   * made on first use. Racy but safe: a String is immutable, and two threads that make the same message store
   * equal values.
   */
  private final String[] scoreMessages = new String[1001];
  /** {@code true} for a challenger: scored and recorded, never part of the verdict. */
  final boolean shadow;
  private final LongAdder failures = new LongAdder();
  private final BurstLog burstLog;
  private volatile boolean failing;
  private volatile String lastError;

  ModelSlot(FraudModel model, double weight, boolean shadow, Logger log, Duration logInterval) {
    this.model = model;
    this.shadow = shadow;
    this.id = model.id();
    this.ruleName = "model." + id;
    this.version = model.version();
    this.weight = weight;
    this.boxedWeight = Double.valueOf(weight);
    this.raisedSuffix = " raised the score of model '" + id + "'";
    this.loweredSuffix = " lowered the score of model '" + id + "'";
    this.burstLog = new BurstLog(log, "model '" + id + "' (version " + version + ")", logInterval);
  }

  /** Scores the features; returns NaN and records the failure if the model throws or answers out of [0, 1]. */
  double score(float[] features) {
    double s;
    try {
      s = model.score(features);
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      fail(e);
      return Double.NaN;
    }
    if (!(s >= 0 && s <= 1)) {
      fail(new IllegalStateException("model '" + id + "' returned " + s + ", outside [0, 1]"));
      return Double.NaN;
    }
    if (failing) {
      failing = false;
    }
    return s;
  }

  /**
   * Scores and explains the features in one model call; returns {@code null} and records the failure if the model
   * throws or answers out of [0, 1].
   */
  ExplainedScore scoreExplained(float[] features, int limit) {
    ExplainedScore e;
    try {
      e = model.scoreExplained(features, limit);
    } catch (RuntimeException | LinkageError | StackOverflowError ex) {
      fail(ex);
      return null;
    }
    if (e == null) {
      fail(new IllegalStateException("model '" + id + "' returned no explained score"));
      return null;
    }
    double s = e.score();
    if (!(s >= 0 && s <= 1)) {
      fail(new IllegalStateException("model '" + id + "' returned " + s + ", outside [0, 1]"));
      return null;
    }
    if (failing) {
      failing = false;
    }
    return e;
  }

  /**
   * Returns the message of this model's MODEL_SCORE reason, {@code model '<id>' scored <score>}, with the score
   * written by {@link DefaultFraudEngine#decimal}.
   *
   * @param score a score in [0, 1], as {@link #score} accepts it
   */
  String scoreMessage(double score) {
    int thousandths = (int) Math.round(score * 1000);
    String m = scoreMessages[thousandths];
    if (m == null) {
      m = "model '" + id + "' scored " + DefaultFraudEngine.decimal(score);
      scoreMessages[thousandths] = m;
    }
    return m;
  }

  private void fail(Throwable e) {
    failures.increment();
    failing = true;
    lastError = String.valueOf(e);
    burstLog.failed(e);
  }

  long failures() {
    return failures.sum();
  }

  ModelHealth health() {
    return new ModelHealth(id, version, failing ? ModelHealth.State.FAILING : ModelHealth.State.READY,
        failures.sum(), lastError, shadow);
  }
}
