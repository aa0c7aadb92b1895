package dev.fraudengine.examples;

import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.rag.InMemoryCaseStore;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/*
 * The case-store options of fraud eval and fraud backtest, as a picocli mixin. The store starts empty and is filled
 * only by the labels the replay feeds back (every fraud label, one legitimate label in --case-sample), each case
 * searchable from its label time on: InMemoryCaseStore.nearest(tx, ...) shows a search only the cases whose label
 * time is at or before the transaction's event time, so a replay never sees a label before it was known.
 */
final class CaseOptions {
  @Option(names = "--cases",
      description = "Run the engine with a case store: an in-memory store, empty at the start, that each label fed"
          + " back (--label-delay after its transaction) fills with a case, searchable from the label's time on."
          + " Its embedder standardises the features with the training window's means and deviations (the model"
          + " directory's case-embedder.json); rules read cases.nearest_fraud_similarity and cases.fraud_share,"
          + " and eval's --scores-out gets both as two more columns.")
  boolean enabled;

  @Option(names = "--case-sample", defaultValue = "100", paramLabel = "N",
      description = "With --cases: keep every fraud label but one legitimate label in N (default ${DEFAULT-VALUE}).")
  int legitimateSample;

  @Option(names = "--nearest-cases", defaultValue = "5", paramLabel = "K",
      description = "With --cases: how many nearest cases the engine searches per decision (default"
          + " ${DEFAULT-VALUE}).")
  int nearest;

  /** Checks the options against a model directory (null when the command runs without one). */
  void validate(CommandSpec spec, Path model) {
    if (!enabled) {
      return;
    }
    String problem = null;
    if (model == null) {
      problem = "--cases needs --model (the model directory holds the case embedder)";
    } else if (legitimateSample < 1 || legitimateSample > 1_000_000) {
      problem = "--case-sample must be in [1, 1000000], but was " + legitimateSample;
    } else if (nearest < 1 || nearest > 100) {
      problem = "--nearest-cases must be in [1, 100], but was " + nearest;
    } else {
      try {
        CaseEmbedding.read(model, ModelDirectory.schema(model, null));
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
    }
    if (problem != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), problem);
    }
  }

  /** Gives the engine a new, empty case store when --cases is on. */
  FraudEngine.Builder apply(FraudEngine.Builder b, Path model) {
    if (!enabled) {
      return b;
    }
    InMemoryCaseStore store = InMemoryCaseStore.builder(CaseEmbedding.read(model, ModelDirectory.schema(model, null)))
        .legitimateSample(legitimateSample)
        .build();
    return b.caseStore(store).nearestCases(nearest);
  }
}
