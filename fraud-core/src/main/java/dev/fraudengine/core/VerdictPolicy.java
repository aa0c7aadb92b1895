package dev.fraudengine.core;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * Turns a score into a {@link RiskLevel} by thresholds, and a risk level into a {@link Verdict}.
 *
 * <p>Defaults: LOW &lt; 0.30 &le; MEDIUM &lt; 0.60 &le; HIGH &lt; 0.85 &le; CRITICAL, mapped to APPROVE, REVIEW,
 * HOLD and BLOCK. Thresholds must be strictly increasing inside (0, 1]; the mapping must never give a higher
 * risk level a milder verdict. Immutable and thread-safe.
 */
public final class VerdictPolicy {
  private static final VerdictPolicy DEFAULTS = builder().build();

  private final double medium;
  private final double high;
  private final double critical;
  private final Verdict[] verdicts;

  private VerdictPolicy(Builder b) {
    this.medium = b.medium;
    this.high = b.high;
    this.critical = b.critical;
    this.verdicts = new Verdict[RiskLevel.values().length];
    for (RiskLevel level : RiskLevel.values()) {
      verdicts[level.ordinal()] = b.verdicts.get(level);
    }
  }

  /**
   * Returns the default policy.
   *
   * @return thresholds 0.30 / 0.60 / 0.85, mapped to APPROVE / REVIEW / HOLD / BLOCK
   */
  public static VerdictPolicy defaults() {
    return DEFAULTS;
  }

  /**
   * Starts a builder holding the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns the risk level of a score.
   *
   * @param score a score in [0, 1]
   * @return its band
   */
  public RiskLevel riskLevel(double score) {
    if (score >= critical) {
      return RiskLevel.CRITICAL;
    }
    if (score >= high) {
      return RiskLevel.HIGH;
    }
    if (score >= medium) {
      return RiskLevel.MEDIUM;
    }
    return RiskLevel.LOW;
  }

  /**
   * Returns the verdict for a risk level.
   *
   * @param level the risk level
   * @return its verdict
   */
  public Verdict verdict(RiskLevel level) {
    return verdicts[level.ordinal()];
  }

  /**
   * Returns the lowest score that is MEDIUM risk.
   *
   * @return the medium threshold
   */
  public double mediumThreshold() {
    return medium;
  }

  /**
   * Returns the lowest score that is HIGH risk.
   *
   * @return the high threshold
   */
  public double highThreshold() {
    return high;
  }

  /**
   * Returns the lowest score that is CRITICAL risk.
   *
   * @return the critical threshold
   */
  public double criticalThreshold() {
    return critical;
  }

  @Override
  public String toString() {
    return "VerdictPolicy[LOW<" + medium + "<=MEDIUM<" + high + "<=HIGH<" + critical + "<=CRITICAL, "
        + "verdicts=" + java.util.Arrays.toString(verdicts) + "]";
  }

  /** Builds a {@link VerdictPolicy}; setters check their argument, {@link #build()} checks the whole. */
  public static final class Builder {
    private double medium = 0.30;
    private double high = 0.60;
    private double critical = 0.85;
    private final Map<RiskLevel, Verdict> verdicts = new EnumMap<>(RiskLevel.class);

    private Builder() {
      verdicts.put(RiskLevel.LOW, Verdict.APPROVE);
      verdicts.put(RiskLevel.MEDIUM, Verdict.REVIEW);
      verdicts.put(RiskLevel.HIGH, Verdict.HOLD);
      verdicts.put(RiskLevel.CRITICAL, Verdict.BLOCK);
    }

    /**
     * Sets the three thresholds at once.
     *
     * @param medium lowest MEDIUM score
     * @param high lowest HIGH score
     * @param critical lowest CRITICAL score
     * @return this builder
     * @throws IllegalArgumentException if a threshold is not in (0, 1]
     */
    public Builder thresholds(double medium, double high, double critical) {
      this.medium = threshold("medium", medium);
      this.high = threshold("high", high);
      this.critical = threshold("critical", critical);
      return this;
    }

    /**
     * Sets the verdict for a risk level.
     *
     * @param level the risk level
     * @param verdict its verdict
     * @return this builder
     */
    public Builder verdict(RiskLevel level, Verdict verdict) {
      verdicts.put(Objects.requireNonNull(level, "level"), Objects.requireNonNull(verdict, "verdict"));
      return this;
    }

    private static double threshold(String name, double value) {
      if (!(value > 0 && value <= 1)) {
        throw new IllegalArgumentException(name + " threshold must be in (0, 1], but was " + value);
      }
      return value;
    }

    /**
     * Makes the policy.
     *
     * @return the policy
     * @throws IllegalStateException if the thresholds are not strictly increasing, or a higher risk level maps
     *     to a milder verdict than a lower one
     */
    public VerdictPolicy build() {
      if (!(medium < high && high < critical)) {
        throw new IllegalStateException("thresholds must be strictly increasing (medium < high < critical), but were "
            + medium + ", " + high + ", " + critical);
      }
      RiskLevel[] levels = RiskLevel.values();
      for (int i = 1; i < levels.length; i++) {
        if (verdicts.get(levels[i]).compareTo(verdicts.get(levels[i - 1])) < 0) {
          throw new IllegalStateException("verdicts must not get milder as risk rises, but " + levels[i] + " -> "
              + verdicts.get(levels[i]) + " is milder than " + levels[i - 1] + " -> " + verdicts.get(levels[i - 1]));
        }
      }
      return new VerdictPolicy(this);
    }
  }
}
