package dev.fraudengine.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fraudengine.core.FeatureContribution;
import dev.fraudengine.core.FraudModel;
import dev.fraudengine.core.testing.TestModels;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Platt scaling, isotonic regression, the 0–100 quantile scale and the calibrated model wrapper. */
class CalibrationTest {
  static final boolean T = true;
  static final boolean F = false;

  @Test
  void isotonic_violatorsPooled_handComputedSteps() {
    // labels by score 1..4: 0, 1, 0, 1 -> the 1, 0 at scores 2, 3 pool to 0.5
    Calibrator c = Calibrator.isotonic(new double[] {4, 2, 3, 1}, new boolean[] {T, T, F, F});
    assertThat(c.calibrate(0)).isEqualTo(0.0);
    assertThat(c.calibrate(1)).isEqualTo(0.0);
    assertThat(c.calibrate(1.5)).isCloseTo(0.25, within(1e-12));
    assertThat(c.calibrate(2)).isEqualTo(0.5);
    assertThat(c.calibrate(2.5)).isEqualTo(0.5);
    assertThat(c.calibrate(3.5)).isCloseTo(0.75, within(1e-12));
    assertThat(c.calibrate(9)).isEqualTo(1.0);
  }

  @Test
  void isotonic_tiedScores_averaged() {
    Calibrator c = Calibrator.isotonic(new double[] {1, 1, 1, 2}, new boolean[] {T, F, F, T});
    assertThat(c.calibrate(1)).isCloseTo(1 / 3.0, within(1e-12));
    assertThat(c.calibrate(2)).isEqualTo(1.0);
  }

  @Test
  void isotonic_randomData_nonDecreasing() {
    SplittableRandom random = new SplittableRandom(11);
    double[] s = new double[2_000];
    boolean[] y = new boolean[s.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = random.nextDouble();
      y[i] = random.nextDouble() < s[i] * s[i];
    }
    Calibrator c = Calibrator.isotonic(s, y);
    double previous = -1;
    for (double x = -0.1; x <= 1.1; x += 0.001) {
      double p = c.calibrate(x);
      assertThat(p).isBetween(0.0, 1.0).isGreaterThanOrEqualTo(previous);
      previous = p;
    }
    assertThat(c.calibrate(0.5)).isCloseTo(0.25, within(0.08));
  }

  @Test
  void platt_separableSymmetricData_fitsSmoothedTargets() {
    // targets 3/4 for fraud (2 frauds: (2 + 1) / (2 + 2)) and 1/4 for legitimate: a = -ln 3, b = 0
    Calibrator c = Calibrator.platt(new double[] {-1, -1, 1, 1}, new boolean[] {F, F, T, T});
    assertThat(c.calibrate(1)).isCloseTo(0.75, within(1e-6));
    assertThat(c.calibrate(-1)).isCloseTo(0.25, within(1e-6));
    assertThat(c.calibrate(0)).isCloseTo(0.5, within(1e-6));
  }

  @Test
  void platt_logisticData_recoversParameters() {
    SplittableRandom random = new SplittableRandom(5);
    double[] s = new double[20_000];
    boolean[] y = new boolean[s.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = random.nextGaussian();
      y[i] = random.nextDouble() < 1 / (1 + Math.exp(-(2 * s[i] - 1)));
    }
    Calibrator c = Calibrator.platt(s, y);
    assertThat(c.calibrate(0.5)).isCloseTo(0.5, within(0.03));
    assertThat(c.calibrate(1.5)).isCloseTo(1 / (1 + Math.exp(-2)), within(0.03));
  }

  @Test
  void platt_oneClass_rejects() {
    assertThatThrownBy(() -> Calibrator.platt(new double[] {0.1, 0.2}, new boolean[] {F, F}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("both fraud and legitimate");
  }

  @Test
  void fit_badScores_reject() {
    assertThatThrownBy(() -> Calibrator.isotonic(new double[] {0.1, Double.NaN}, new boolean[] {F, T}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scores[1] must be finite, but was NaN");
    assertThatThrownBy(() -> Calibrator.platt(new double[] {0.1}, new boolean[] {F, T}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same length, but had 1 and 2");
    assertThatThrownBy(() -> Calibrator.isotonic(new double[0], new boolean[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be empty");
  }

  @Test
  void scoreScale_uniformReference_mapsToPercentiles() {
    double[] reference = new double[101];
    for (int i = 0; i <= 100; i++) {
      reference[i] = i / 100.0;
    }
    ScoreScale scale = ScoreScale.fit(reference);
    assertThat(scale.toScale(0.375)).isCloseTo(37.5, within(1e-9));
    assertThat(scale.toScale(-1)).isEqualTo(0.0);
    assertThat(scale.toScale(2)).isEqualTo(100.0);
    assertThat(scale.scoreAt(99)).isCloseTo(0.99, within(1e-12));
  }

  @Test
  void scoreScale_twoReferenceScores_interpolates() {
    ScoreScale scale = ScoreScale.fit(new double[] {10, 0});
    assertThat(scale.toScale(5)).isCloseTo(50, within(1e-9));
    assertThat(scale.scoreAt(50)).isCloseTo(5, within(1e-12));
  }

  @Test
  void scoreScale_shiftedRetrainedScores_keepSamePosition() {
    SplittableRandom random = new SplittableRandom(3);
    double[] before = new double[5_000];
    double[] after = new double[5_000];
    for (int i = 0; i < before.length; i++) {
      double u = random.nextDouble();
      before[i] = u * u;
      after[i] = Math.sqrt(u);
    }
    ScoreScale a = ScoreScale.fit(before);
    ScoreScale b = ScoreScale.fit(after);
    assertThat(a.toScale(0.81)).isCloseTo(b.toScale(Math.sqrt(0.9)), within(1.0));
  }

  @Test
  void scoreScale_badInput_rejects() {
    assertThatThrownBy(() -> ScoreScale.fit(new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2 values, but held 1");
    ScoreScale scale = ScoreScale.fit(new double[] {0, 1});
    assertThatThrownBy(() -> scale.toScale(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("score must not be NaN");
    assertThatThrownBy(() -> scale.scoreAt(101))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("position must be in [0, 100], but was 101.0");
  }

  @Test
  void calibratedModel_wrapsScoreAndDelegatesRest() {
    List<FeatureContribution> why = List.of(new FeatureContribution("amount", 900, 1.2));
    FraudModel raw = TestModels.explaining("gbt", 0.2, why);
    Calibrator c = Calibrator.isotonic(new double[] {0.1, 0.3}, new boolean[] {F, T});
    CalibratedModel model = CalibratedModel.of(raw, c);
    assertThat(model.score(new float[0])).isCloseTo(0.5, within(1e-12));
    assertThat(model.id()).isEqualTo("gbt");
    assertThat(model.version()).isEqualTo(raw.version() + "+calibrated");
    assertThat(model.explain(new float[0], 3)).isEqualTo(why);
    assertThat(model.model()).isSameAs(raw);
  }

  @Test
  void calibratedModel_null_rejects() {
    assertThatThrownBy(() -> CalibratedModel.of(null, Calibrator.isotonic(new double[] {1}, new boolean[] {T})))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("model");
  }
}
