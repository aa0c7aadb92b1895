package dev.fraudengine.core;

import java.util.Objects;

/**
 * One model's score in a decision, with its provenance.
 *
 * @param modelId the model's id
 * @param version the model's version
 * @param score its fraud probability in [0, 1]
 * @param weight its weight in the combination, as set on the engine's builder
 */
public record ModelScore(String modelId, String version, double score, double weight) {

  /*
   * Creates a model score.
   *
   * @throws NullPointerException if the id or version is {@code null}
   * @throws IllegalArgumentException if the score is not in [0, 1] or the weight is not positive
   */
  public ModelScore {
    Objects.requireNonNull(modelId, "modelId");
    Objects.requireNonNull(version, "version");
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("score must be in [0, 1], but was " + score);
    }
    if (!(weight > 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("weight must be positive and finite, but was " + weight);
    }
  }
}
