package dev.fraudengine.core;

import java.util.List;
import java.util.Objects;

/**
 * A model's score of one row together with the row's top feature contributions, from one evaluation of the model.
 *
 * @param score the score in [0, 1]
 * @param contributions the largest contributions by absolute size, at most the number asked for; empty when the
 *     model gives no explanation
 */
public record ExplainedScore(double score, List<FeatureContribution> contributions) {

  /*
   * Copies the contributions; the score is checked by the engine, which treats a score outside [0, 1] as a model
   * failure.
   */
  public ExplainedScore {
    contributions = List.copyOf(Objects.requireNonNull(contributions, "contributions"));
  }
}
