package dev.fraudengine.core;

/**
 * A coarse band of the decision score, from lowest to highest risk.
 *
 * <p>The bands are set by the thresholds of the {@link VerdictPolicy}; with the defaults,
 * LOW &lt; 0.30 &le; MEDIUM &lt; 0.60 &le; HIGH &lt; 0.85 &le; CRITICAL.
 */
public enum RiskLevel {
  /** Below the medium threshold. */
  LOW,
  /** At or above the medium threshold, below the high one. */
  MEDIUM,
  /** At or above the high threshold, below the critical one. */
  HIGH,
  /** At or above the critical threshold. */
  CRITICAL
}
