package dev.fraudengine.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesTest {

  @Test
  void reason_badCodeOrValue_rejected() {
    assertThatThrownBy(() -> new Reason("rule block", "m", 1, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("code must be upper snake case, but was 'rule block'");
    assertThatThrownBy(() -> new Reason("X", "m", Double.NaN, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight must be finite");
    assertThatThrownBy(() -> new Reason("X", "m", 1, Map.of("list", List.of(1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("value of 'list' must be a String");
  }

  @Test
  void reason_values_keepOrderAndAreImmutableCopies() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("z", 1);
    values.put("a", "two");
    Reason r = new Reason("X", "m", 1, values);
    values.put("b", 3);

    assertThat(r.values().keySet()).containsExactly("z", "a");
    assertThatThrownBy(() -> r.values().put("c", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void decision_outOfRangeFields_rejected() {
    assertThatThrownBy(() -> new Decision("t", Verdict.APPROVE, RiskLevel.LOW, 1.01, List.of(), List.of(), 1, List.of(),
        List.of(), List.of(), false, "s@1", "v", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("score must be in [0, 1], but was 1.01");
    assertThatThrownBy(() -> new Decision("t", Verdict.APPROVE, RiskLevel.LOW, 0.5, List.of(), List.of(), -0.1, List.of(),
        List.of(), List.of(), false, "s@1", "v", 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("agreement");
  }

  @Test
  void modelScoreAndSimilarCase_outOfRange_rejected() {
    assertThatThrownBy(() -> new ModelScore("m", "1", -0.1, 1)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("score must be in [0, 1], but was -0.1");
    assertThatThrownBy(() -> new SimilarCase("c", 1.2, Label.FRAUD, null, Instant.EPOCH))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("similarity must be in [0, 1], but was 1.2");
  }

  @Test
  void featureSchema_duplicateOrBlankNames_rejected() {
    assertThatThrownBy(() -> FeatureSchema.of("s", "1", "a", "b", "a"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("features must be unique, but 'a' is at 0 and 2");
    assertThatThrownBy(() -> FeatureSchema.of("s", "1", "a", " ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("features[1] must not be blank");
    assertThatThrownBy(() -> FeatureSchema.of(" ", "1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("name must not be blank");
  }

  @Test
  void caseSignals_fromNeighbours_derivesNearestFraudAndShare() {
    CaseSignals s = CaseSignals.of(List.of(
        new SimilarCase("a", 0.9, Label.LEGITIMATE, null, Instant.EPOCH),
        new SimilarCase("b", 0.7, Label.FRAUD, null, Instant.EPOCH),
        new SimilarCase("c", 0.6, Label.FRAUD, null, Instant.EPOCH)));

    assertThat(s.nearestFraudSimilarity()).isEqualTo(0.7);
    assertThat(s.fraudShare()).isEqualTo(2 / 3.0);
    assertThat(CaseSignals.of(List.of())).isSameAs(CaseSignals.NONE);
  }

  @Test
  void verdict_max_returnsStricter() {
    assertThat(Verdict.REVIEW.max(Verdict.BLOCK)).isEqualTo(Verdict.BLOCK);
    assertThat(Verdict.HOLD.max(Verdict.APPROVE)).isEqualTo(Verdict.HOLD);
    assertThatThrownBy(RuleAction.SCORE::verdict).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void values_fromPairs_orderedImmutableAndEqualToOtherMaps() {
    Map<String, Object> v = Values.of("b", 1, "a", "x");

    assertThat(v.keySet()).containsExactly("b", "a");
    assertThat(v).isEqualTo(Map.of("a", "x", "b", 1)).hasSameHashCodeAs(Map.of("a", "x", "b", 1));
    assertThat(Values.copyOf("values", v)).isSameAs(v);
    assertThatThrownBy(() -> v.put("c", 2)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> Values.of("a", 1, "a", 2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a' appears twice");
    assertThatThrownBy(() -> Values.of("a")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pairs");
  }

  @Test
  void decimal_formatsWithAtMostThreeDecimals() {
    assertThat(DefaultFraudEngine.decimal(0.7345)).isEqualTo("0.735");
    assertThat(DefaultFraudEngine.decimal(900)).isEqualTo("900");
    assertThat(DefaultFraudEngine.decimal(-0.0889)).isEqualTo("-0.089");
    assertThat(DefaultFraudEngine.decimal(0.05)).isEqualTo("0.05");
    assertThat(DefaultFraudEngine.decimal(12.5)).isEqualTo("12.5");
    assertThat(DefaultFraudEngine.decimal(Double.NaN)).isEqualTo("NaN");
    assertThat(DefaultFraudEngine.decimal(1e20)).isEqualTo("1.0E20");
  }
}
