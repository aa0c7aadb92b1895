package dev.fraudengine.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Each metric on small examples worked out by hand (the first AUC and AP examples are scikit-learn's). */
class MetricsTest {
  static final boolean T = true;
  static final boolean F = false;

  @Test
  void rocAuc_distinctScores_countsOrderedPairs() {
    // positives 0.35, 0.8; negatives 0.1, 0.4: pairs won 0.35>0.1, 0.8>0.1, 0.8>0.4 -> 3 / 4
    assertThat(Metrics.rocAuc(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {F, F, T, T})).isEqualTo(0.75);
  }

  @Test
  void rocAuc_tiedScores_countHalf() {
    // positives 0.5, 0.9; negatives 0.1, 0.5: 1 + 0.5 + 1 + 1 = 3.5 of 4
    assertThat(Metrics.rocAuc(new double[] {0.1, 0.5, 0.5, 0.9}, new boolean[] {F, T, F, T})).isEqualTo(0.875);
    assertThat(Metrics.rocAuc(new double[] {0.5, 0.5, 0.5, 0.5}, new boolean[] {T, F, T, F})).isEqualTo(0.5);
  }

  @Test
  void rocAuc_perfectAndReversed_oneAndZero() {
    assertThat(Metrics.rocAuc(new double[] {0.1, 0.2, 0.9}, new boolean[] {F, F, T})).isEqualTo(1.0);
    assertThat(Metrics.rocAuc(new double[] {0.9, 0.2, 0.1}, new boolean[] {F, F, T})).isEqualTo(0.0);
  }

  @Test
  void rocAuc_oneClassOnly_rejects() {
    assertThatThrownBy(() -> Metrics.rocAuc(new double[] {0.1, 0.2}, new boolean[] {F, F}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both fraud and legitimate")
        .hasMessageContaining("0 frauds of 2");
  }

  @Test
  void rocAuc_lengthsDiffer_rejects() {
    assertThatThrownBy(() -> Metrics.rocAuc(new double[] {0.1, 0.2}, new boolean[] {F}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same length, but had 2 and 1");
  }

  @Test
  void rocAuc_nanScore_rejects() {
    assertThatThrownBy(() -> Metrics.rocAuc(new double[] {0.1, Double.NaN}, new boolean[] {F, T}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scores[1] must not be NaN");
  }

  @Test
  void averagePrecision_distinctScores_sumsRecallStepsTimesPrecision() {
    // 0.8 (fraud): recall 1/2, precision 1; 0.4: no recall step; 0.35 (fraud): recall 1, precision 2/3
    assertThat(Metrics.averagePrecision(new double[] {0.1, 0.4, 0.35, 0.8}, new boolean[] {F, F, T, T}))
        .isCloseTo(0.5 + 0.5 * 2 / 3.0, within(1e-12));
  }

  @Test
  void averagePrecision_tiedScores_enterTogether() {
    // threshold 0.9 flags both tied rows: recall 1/2 at precision 1/2; then 0.1: recall 1 at precision 2/3
    assertThat(Metrics.averagePrecision(new double[] {0.9, 0.9, 0.1}, new boolean[] {T, F, T}))
        .isCloseTo(0.25 + 0.5 * 2 / 3.0, within(1e-12));
  }

  @Test
  void averagePrecision_noFraud_rejects() {
    assertThatThrownBy(() -> Metrics.averagePrecision(new double[] {0.1}, new boolean[] {F}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one fraud");
  }

  @Test
  void confusionMatrix_threshold_flagsScoresAtOrAbove() {
    double[] scores = {0.9, 0.6, 0.4, 0.2, 0.6};
    boolean[] labels = {T, F, T, F, T};
    ConfusionMatrix m = Metrics.confusionMatrix(scores, labels, 0.6);
    assertThat(m).isEqualTo(new ConfusionMatrix(2, 1, 1, 1));
    assertThat(m.total()).isEqualTo(5);
    assertThat(m.precision()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(m.recall()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(m.f1()).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(m.falsePositiveRate()).isEqualTo(0.5);
    assertThat(Metrics.precision(scores, labels, 0.5)).isCloseTo(2 / 3.0, within(1e-12));
    assertThat(Metrics.recall(scores, labels, 0.95)).isEqualTo(0.0);
    assertThat(Metrics.f1(scores, labels, 0.0)).isCloseTo(2 * 3 / (2 * 3.0 + 2), within(1e-12));
  }

  @Test
  void confusionMatrix_nothingFlagged_ratiosZero() {
    ConfusionMatrix m = Metrics.confusionMatrix(new double[] {0.1, 0.2}, new boolean[] {T, F}, 0.5);
    assertThat(m).isEqualTo(new ConfusionMatrix(0, 0, 1, 1));
    assertThat(m.precision()).isZero();
    assertThat(m.f1()).isZero();
  }

  @Test
  void confusionMatrix_negativeCount_rejects() {
    assertThatThrownBy(() -> new ConfusionMatrix(1, -1, 0, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fp=-1");
  }

  @Test
  void cardPrecisionAtK_handbookDefinition_matchesHandComputation() {
    // day 10: A .9 fraud; B .8 legit and .1 fraud (B is fraudulent that day); C .3 fraud.
    //   top 2 cards: A, B, both fraudulent -> 2/2; A and B are detected from now on.
    // day 11: A .95 legit (left out: detected); C .7 fraud; D .6 fraud -> top 2: C, D -> 2/2.
    // day 12: only F, .4 fraud -> 1/2 (divided by k, not by the number of cards).
    long a = 1, b = 2, c = 3, d = 4, f = 6;
    long[] days = {10, 10, 10, 10, 11, 11, 11, 12};
    long[] cards = {a, b, b, c, a, c, d, f};
    double[] scores = {0.9, 0.8, 0.1, 0.3, 0.95, 0.7, 0.6, 0.4};
    boolean[] labels = {T, F, T, T, F, T, T, T};
    assertThat(Metrics.cardPrecisionAtK(days, cards, scores, labels, 2)).isCloseTo((1 + 1 + 0.5) / 3, within(1e-12));
    // k = 1: day 10 A -> 1; day 11 C -> 1 (A left out, else A, legit, would rank first); day 12 F -> 1.
    assertThat(Metrics.cardPrecisionAtK(days, cards, scores, labels, 1)).isEqualTo(1.0);
  }

  @Test
  void cardPrecisionAtK_tiedCardScores_rankByCardKey() {
    long[] days = {1, 1};
    long[] cards = {9, 3};
    double[] scores = {0.5, 0.5};
    boolean[] labels = {F, T};
    assertThat(Metrics.cardPrecisionAtK(days, cards, scores, labels, 1)).isEqualTo(1.0);
  }

  @Test
  void cardPrecisionAtK_nonPositiveK_rejects() {
    assertThatThrownBy(() -> Metrics.cardPrecisionAtK(new long[] {1}, new long[] {1}, new double[] {1}, new boolean[] {T}, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("k must be positive, but was 0");
  }

  @Test
  void cardPrecisionAtK_lengthsDiffer_rejects() {
    assertThatThrownBy(() -> Metrics.cardPrecisionAtK(new long[] {1, 2}, new long[] {1}, new double[] {1}, new boolean[] {T}, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same length");
  }
}
