package dev.fraudengine.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class VerdictPolicyTest {

  @ParameterizedTest
  @CsvSource({
      "0.0, LOW, APPROVE", "0.2999, LOW, APPROVE", "0.30, MEDIUM, REVIEW", "0.5999, MEDIUM, REVIEW",
      "0.60, HIGH, HOLD", "0.8499, HIGH, HOLD", "0.85, CRITICAL, BLOCK", "1.0, CRITICAL, BLOCK"})
  void defaults_thresholdBoundaries_giveDocumentedLevelsAndVerdicts(double score, RiskLevel level, Verdict verdict) {
    VerdictPolicy p = VerdictPolicy.defaults();

    assertThat(p.riskLevel(score)).isEqualTo(level);
    assertThat(p.verdict(level)).isEqualTo(verdict);
  }

  @Test
  void builder_customThresholdsAndMapping_applied() {
    VerdictPolicy p = VerdictPolicy.builder().thresholds(0.5, 0.7, 0.95)
        .verdict(RiskLevel.MEDIUM, Verdict.APPROVE).verdict(RiskLevel.CRITICAL, Verdict.HOLD).build();

    assertThat(p.riskLevel(0.6)).isEqualTo(RiskLevel.MEDIUM);
    assertThat(p.verdict(RiskLevel.MEDIUM)).isEqualTo(Verdict.APPROVE);
    assertThat(p.riskLevel(0.96)).isEqualTo(RiskLevel.CRITICAL);
    assertThat(p.verdict(RiskLevel.CRITICAL)).isEqualTo(Verdict.HOLD);
    assertThat(p.criticalThreshold()).isEqualTo(0.95);
  }

  @Test
  void thresholds_outOfRange_rejectedWithNameAndValue() {
    assertThatThrownBy(() -> VerdictPolicy.builder().thresholds(0, 0.6, 0.85))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("medium threshold must be in (0, 1], but was 0.0");
    assertThatThrownBy(() -> VerdictPolicy.builder().thresholds(0.3, 0.6, 1.4))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("critical threshold must be in (0, 1], but was 1.4");
    assertThatThrownBy(() -> VerdictPolicy.builder().thresholds(0.3, Double.NaN, 0.9))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("high threshold");
  }

  @Test
  void build_unorderedThresholds_rejected() {
    assertThatThrownBy(() -> VerdictPolicy.builder().thresholds(0.6, 0.3, 0.85).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("strictly increasing")
        .hasMessageContaining("0.6, 0.3, 0.85");
  }

  @Test
  void build_milderVerdictForHigherRisk_rejected() {
    assertThatThrownBy(() -> VerdictPolicy.builder().verdict(RiskLevel.HIGH, Verdict.APPROVE).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("HIGH -> APPROVE is milder than MEDIUM -> REVIEW");
  }
}
