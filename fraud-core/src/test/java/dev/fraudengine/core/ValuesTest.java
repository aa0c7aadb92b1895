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

  @Test
  void decimal_andContributionMessage_agreeWithTheStringBuilderForm() {
    long seed = System.nanoTime();
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    for (int i = 0; i < 50_000; i++) {
      double v = switch (i % 4) {
        case 0 -> random.nextDouble(-1.5, 1.5);
        case 1 -> random.nextDouble(-1e6, 1e6);
        case 2 -> Math.round(random.nextDouble(-5_000, 5_000)) / 1000.0;
        default -> random.nextDouble(-2e15, 2e15);
      };
      assertThat(DefaultFraudEngine.decimal(v)).as("seed %d, value %s", seed, v).isEqualTo(builderDecimal(v));
      assertThat(DefaultFraudEngine.contributionMessage("card.amount_mean_30d", v, " raised the score of model 'm'"))
          .as("seed %d, value %s", seed, v)
          .isEqualTo("card.amount_mean_30d = " + builderDecimal(v) + " raised the score of model 'm'");
    }
    for (double v : new double[] {0, -0.0, 0.0004, -0.0004, 0.0005, -0.0005, 0.9996, 1.0006, 0.5, 0.05, 0.001, -0.25,
        999.9995, 1e-300, 1e15, -1e15, 999_999_999_999_999.0, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MAX_VALUE}) {
      assertThat(DefaultFraudEngine.decimal(v)).as("value %s", v).isEqualTo(builderDecimal(v));
      assertThat(DefaultFraudEngine.contributionMessage("f", v, "!")).isEqualTo("f = " + builderDecimal(v) + "!");
    }
  }

  /** The engine's number format as it was written before, with a StringBuilder: the reference. */
  private static String builderDecimal(double v) {
    if (!Double.isFinite(v) || Math.abs(v) >= 1e15) {
      return Double.toString(v);
    }
    long thousandths = Math.round(v * 1000);
    StringBuilder sb = new StringBuilder(12);
    if (thousandths < 0) {
      sb.append('-');
      thousandths = -thousandths;
    }
    sb.append(thousandths / 1000);
    int frac = (int) (thousandths % 1000);
    if (frac != 0) {
      sb.append('.').append((char) ('0' + frac / 100));
      if (frac % 100 != 0) {
        sb.append((char) ('0' + frac / 10 % 10));
        if (frac % 10 != 0) {
          sb.append((char) ('0' + frac % 10));
        }
      }
    }
    return sb.toString();
  }

  @Test
  void immutableLists_anySize_holdThePrefixWithoutFurtherCopies() {
    String[] a = new String[14];
    for (int i = 0; i < a.length; i++) {
      a[i] = "e" + i;
    }
    for (int size = 0; size <= a.length; size++) {
      List<String> list = ImmutableLists.of(a, size);

      assertThat(list).containsExactly(java.util.Arrays.copyOf(a, size));
      assertThat(List.copyOf(list)).isSameAs(list);
      assertThatThrownBy(() -> list.add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
    List<String> eleven = ImmutableLists.of(a, 11);
    a[0] = "changed";
    assertThat(eleven.get(0)).isEqualTo("e0");
    a[0] = null;
    assertThatThrownBy(() -> ImmutableLists.of(a, 3)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ImmutableLists.of(a, 12)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void modelSlot_scoreMessage_cachedByThousandthsSameAsWritten() {
    ModelSlot slot = new ModelSlot(dev.fraudengine.core.testing.TestModels.constant("gbt", 0.5), 2, false,
        org.slf4j.LoggerFactory.getLogger(ValuesTest.class), java.time.Duration.ofMinutes(1));
    long seed = System.nanoTime();
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    for (int i = 0; i < 20_000; i++) {
      double s = random.nextDouble();
      assertThat(slot.scoreMessage(s)).as("seed %d, score %s", seed, s)
          .isEqualTo("model 'gbt' scored " + builderDecimal(s));
    }
    assertThat(slot.scoreMessage(0)).isEqualTo("model 'gbt' scored 0");
    assertThat(slot.scoreMessage(1)).isEqualTo("model 'gbt' scored 1");
    assertThat(slot.boxedWeight).isEqualTo(2.0);
  }
}
