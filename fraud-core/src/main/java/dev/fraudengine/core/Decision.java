package dev.fraudengine.core;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The engine's answer for one transaction: what to do, how risky it is, and why.
 *
 * <p>Immutable. {@link #reasons()} is ordered most important first: hard rule hits in precedence order, then the
 * rest by the absolute weight of their contribution to the score, then notes on failed components.
 *
 * @param transactionId the id of the scored transaction
 * @param verdict what to do with the payment
 * @param riskLevel the band of {@link #score()}; it reflects the score only, while the verdict also reflects
 *     hard rules (a BLOCK rule can block a LOW-risk payment)
 * @param score the combined score in [0, 1]: the weighted model scores plus the SCORE rules, clamped
 * @param modelScores every model that scored, in the builder's order; failed models are absent
 * @param shadowModelScores every shadow (challenger) model that scored: recorded, never part of the score
 * @param agreement how far the models agree, in [0, 1]: 1 minus the spread between the highest and the lowest
 *     model score; 1 when fewer than two models scored
 * @param ruleHits every rule that fired, in rule-set order, shadow rules included
 * @param similarCases the nearest known cases, nearest first; empty without a case store
 * @param reasons the reasons, most important first
 * @param degraded {@code true} when a component (features, a model, the case store, a rule) failed and was
 *     left out of this decision
 * @param featureSchema the feature schema as {@code name@version}
 * @param ruleSetVersion the version of the rule set that decided
 * @param latencyNanos the time the engine spent on this decision, in nanoseconds
 */
public record Decision(
    String transactionId,
    Verdict verdict,
    RiskLevel riskLevel,
    double score,
    List<ModelScore> modelScores,
    List<ModelScore> shadowModelScores,
    double agreement,
    List<RuleHit> ruleHits,
    List<SimilarCase> similarCases,
    List<Reason> reasons,
    boolean degraded,
    String featureSchema,
    String ruleSetVersion,
    long latencyNanos) {

  /*
   * Creates a decision and copies its lists.
   *
   * @throws NullPointerException if a component is {@code null}
   * @throws IllegalArgumentException if the score or agreement is not in [0, 1] or the latency is negative
   */
  public Decision {
    Objects.requireNonNull(transactionId, "transactionId");
    Objects.requireNonNull(verdict, "verdict");
    Objects.requireNonNull(riskLevel, "riskLevel");
    Objects.requireNonNull(featureSchema, "featureSchema");
    Objects.requireNonNull(ruleSetVersion, "ruleSetVersion");
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("score must be in [0, 1], but was " + score);
    }
    if (!(agreement >= 0 && agreement <= 1)) {
      throw new IllegalArgumentException("agreement must be in [0, 1], but was " + agreement);
    }
    if (latencyNanos < 0) {
      throw new IllegalArgumentException("latencyNanos must not be negative, but was " + latencyNanos);
    }
    modelScores = List.copyOf(modelScores);
    shadowModelScores = List.copyOf(shadowModelScores);
    ruleHits = List.copyOf(ruleHits);
    similarCases = List.copyOf(similarCases);
    reasons = List.copyOf(reasons);
  }

  /**
   * Returns the score on a 0–100 scale, rounded to the nearest integer.
   *
   * @return the score in [0, 100]
   */
  public int score100() {
    return (int) Math.round(score * 100);
  }

  /**
   * Returns the time the engine spent on this decision.
   *
   * @return the latency
   */
  public Duration latency() {
    return Duration.ofNanos(latencyNanos);
  }

  /**
   * Tells whether the decision asks an analyst to look at the payment. Blocked payments are refused
   * outright and are not alerts.
   *
   * @return {@code true} for REVIEW and HOLD
   */
  public boolean isAlert() {
    return verdict == Verdict.REVIEW || verdict == Verdict.HOLD;
  }

  /**
   * Returns the first reason with a code, if any.
   *
   * @param code the reason code
   * @return the reason, or {@code null} when the decision has none with that code
   */
  public Reason reason(String code) {
    for (Reason r : reasons) {
      if (r.code().equals(code)) {
        return r;
      }
    }
    return null;
  }
}
