package dev.fraudengine.examples;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The input options shared by the commands that replay history ({@code train}, {@code eval}, {@code backtest},
 * {@code prequential}): {@code --format}, {@code --in} and {@code --label-delay}. A picocli mixin.
 */
final class InputOptions {
  @Option(names = "--format", defaultValue = "csv",
      description = "Input format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
  InputFormat format;

  @Option(names = "--in", required = true, arity = "1..*", paramLabel = "FILE",
      description = "Input files, read in order as one stream (.gz allowed).")
  List<Path> in;

  @Option(names = "--label-delay", defaultValue = "7d", converter = FeaturesCommand.DelayConverter.class,
      paramLabel = "DELAY", description = "When labels become known: 7d, 12h, 0, P7D... (default 7d).")
  Duration labelDelay;

  /** Fails with a usage error (exit 2) if an input file is missing or unreadable. */
  void requireFiles(CommandSpec spec) {
    Cli.requireFiles(spec, in, "--in");
  }

  /** Opens the input files as one stream of records. */
  TransactionInput open() {
    return TransactionInput.open(format, in);
  }
}
