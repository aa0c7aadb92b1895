package dev.fraudengine.models;

import java.util.Objects;

/** Argument checks shared by the calibrators' fits. */
final class CalibrationFit {
  private CalibrationFit() {}

  /** Checks held-out scores and labels; returns their length. */
  static int check(double[] scores, boolean[] labels) {
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(labels, "labels");
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(
          "scores and labels must have the same length, but had " + scores.length + " and " + labels.length);
    }
    if (scores.length == 0) {
      throw new IllegalArgumentException("scores must not be empty");
    }
    for (int i = 0; i < scores.length; i++) {
      if (!Double.isFinite(scores[i])) {
        throw new IllegalArgumentException("scores[" + i + "] must be finite, but was " + scores[i]);
      }
    }
    return scores.length;
  }
}
