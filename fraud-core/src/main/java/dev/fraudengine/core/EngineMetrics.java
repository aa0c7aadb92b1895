package dev.fraudengine.core;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A snapshot of what an engine has done since it was built. Immutable; take a new one with
 * {@link FraudEngine#metrics()}.
 *
 * @param decisions the number of decisions made
 * @param decisionsByVerdict the decisions per verdict (every verdict present, possibly 0)
 * @param degraded the decisions marked degraded
 * @param rejected the transactions refused by validation (each counts once, whatever its number of problems)
 * @param rejectedByReason the problems of refused transactions, by {@link InputProblem#metricKey()}
 * @param modelFailures the failures per model id (only models that failed at least once)
 * @param ruleFailures the rule evaluations that threw
 * @param listenerDropped the decisions dropped for a listener whose queue was full
 * @param listenerFailures the calls of a listener that threw
 * @param latency the decision latency percentiles
 * @param uptime the time since the engine was built, by the engine's clock
 * @param alertBudget the alert budget's state, or {@code null} when the engine has no budget
 */
public record EngineMetrics(
    long decisions,
    Map<Verdict, Long> decisionsByVerdict,
    long degraded,
    long rejected,
    Map<String, Long> rejectedByReason,
    Map<String, Long> modelFailures,
    long ruleFailures,
    long listenerDropped,
    long listenerFailures,
    LatencySummary latency,
    Duration uptime,
    AlertBudget.Status alertBudget) {

  /*
   * Creates a snapshot and copies its maps.
   *
   * @throws NullPointerException if a component is {@code null}
   */
  public EngineMetrics {
    decisionsByVerdict = Collections.unmodifiableMap(new EnumMap<>(decisionsByVerdict));
    rejectedByReason = Collections.unmodifiableMap(new TreeMap<>(rejectedByReason));
    modelFailures = Collections.unmodifiableMap(new TreeMap<>(modelFailures));
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(uptime, "uptime");
  }

  /**
   * Returns the number of decisions with a verdict.
   *
   * @param verdict the verdict
   * @return how many decisions had it
   */
  public long decisions(Verdict verdict) {
    return decisionsByVerdict.getOrDefault(verdict, 0L);
  }

  /**
   * Returns the share of decisions that are alerts for analysts (REVIEW or HOLD).
   *
   * @return in [0, 1]; 0 before the first decision
   */
  public double alertRate() {
    return decisions == 0 ? 0 : (decisions(Verdict.REVIEW) + decisions(Verdict.HOLD)) / (double) decisions;
  }
}
