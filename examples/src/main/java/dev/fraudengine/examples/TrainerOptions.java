package dev.fraudengine.examples;

import dev.fraudengine.models.training.XGBoostTrainer;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/*
 * The XGBoost options that fraud train and fraud prequential share, as a picocli mixin. The defaults are the
 * library's defaults for the CLI: unweighted classes (scale_pos_weight 1, so that scores stay calibrated
 * probabilities and the verdict bands mean what they say), depth 6, eta 0.1, up to 1,000 rounds with early
 * stopping after 50 rounds on the latest 20 % of the training rows.
 */
final class TrainerOptions {
  @Option(names = "--rounds", defaultValue = "1000", description = "Most boosting rounds (default ${DEFAULT-VALUE}).")
  int rounds;

  @Option(names = "--scale-pos-weight", defaultValue = "1", paramLabel = "W",
      description = "Weight of fraud rows; 1 (default) keeps the scores calibrated probabilities, so that the"
          + " verdict thresholds mean what they say.")
  double scalePosWeight;

  @Option(names = "--max-depth", defaultValue = "6", paramLabel = "D",
      description = "Deepest tree (default ${DEFAULT-VALUE}).")
  int maxDepth;

  @Option(names = "--eta", defaultValue = "0.1", paramLabel = "ETA",
      description = "Learning rate (default ${DEFAULT-VALUE}).")
  double eta;

  @Option(names = "--early-stopping-rounds", defaultValue = "50", paramLabel = "N",
      description = "Stop after N rounds without a better aucpr on the latest 20% of the training rows, a"
          + " time-ordered split inside the training window (default ${DEFAULT-VALUE}).")
  int earlyStoppingRounds;

  @Option(names = "--xgb", paramLabel = "NAME=VALUE",
      description = "Any other XGBoost parameter, e.g. --xgb min_child_weight=5 --xgb subsample=0.9 (repeatable).")
  Map<String, String> xgb = new LinkedHashMap<>();

  /** Builds the trainer, or reports a bad value as a usage error naming the option. */
  XGBoostTrainer trainer(CommandSpec spec) {
    try {
      if (maxDepth <= 0) {
        throw new IllegalArgumentException("--max-depth must be positive, but was " + maxDepth);
      }
      if (!(eta > 0 && eta <= 1)) {
        throw new IllegalArgumentException("--eta must be in (0, 1], but was " + eta);
      }
      XGBoostTrainer.Builder b = XGBoostTrainer.builder().rounds(rounds).scalePosWeight(scalePosWeight)
          .earlyStoppingRounds(earlyStoppingRounds).parameter("max_depth", maxDepth).parameter("eta", eta);
      xgb.forEach((k, v) -> b.parameter(k, number(v)));
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** XGBoost4J takes numbers as numbers: "5" is the integer 5, "0.9" the double 0.9, anything else a string. */
  private static Object number(String v) {
    String s = v.strip();
    try {
      return Integer.valueOf(s);
    } catch (NumberFormatException notInt) {
      try {
        return Double.valueOf(s);
      } catch (NumberFormatException notDouble) {
        return s;
      }
    }
  }
}
