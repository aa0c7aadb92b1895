package dev.fraudengine.examples;

import dev.fraudengine.features.FeaturePipelines;
import dev.fraudengine.features.OnlineFeaturePipeline;
import dev.fraudengine.features.Replay;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fraud features}: replays a transaction file through a feature pipeline, point-in-time correct, and writes
 * one CSV row per transaction: {@code TRANSACTION_ID}, then the features (under the handbook's column names for the
 * {@code handbook} pipeline, under the feature names otherwise).
 */
@Command(name = "features", mixinStandardHelpOptions = true,
    description = "Compute features of a transaction file by replaying it through a pipeline; write them as CSV.")
final class FeaturesCommand implements Callable<Integer> {
  /** The input formats the command reads. */
  enum Format {
    fdh
  }

  @Spec
  CommandSpec spec;

  @Option(names = "--pipeline", defaultValue = "handbook",
      description = "Feature pipeline: " + ModelDirectory.PIPELINES + " (default: ${DEFAULT-VALUE}).")
  String pipeline;

  @Option(names = "--format", defaultValue = "fdh",
      description = "Input format: ${COMPLETION-CANDIDATES}, the Fraud Detection Handbook CSV (default).")
  Format format;

  @Option(names = "--in", required = true, paramLabel = "FILE", description = "Input file (.csv or .csv.gz).")
  Path in;

  @Option(names = "--out", required = true, paramLabel = "OUT.csv", description = "Output CSV file.")
  Path out;

  @Option(names = "--label-delay", defaultValue = "7d", paramLabel = "DELAY",
      converter = DelayConverter.class,
      description = "When a label becomes known after its transaction: 7d, 12h, 30m, 0 or ISO-8601 (default 7d).")
  Duration labelDelay;

  private final PrintStream stdout;

  FeaturesCommand() {
    this(System.out);
  }

  FeaturesCommand(PrintStream stdout) {
    this.stdout = stdout;
  }

  @Override
  public Integer call() throws IOException {
    if (!Files.isRegularFile(in)) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--in must be a readable file, but was '" + in
          + "' (no such file)");
    }
    OnlineFeaturePipeline p;
    try {
      p = ModelDirectory.pipeline(pipeline);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage());
    }
    List<String> columns = pipeline.equals("handbook")
        ? List.copyOf(FeaturePipelines.handbookColumns().values()) : p.schema().features();
    long start = System.nanoTime();
    long rows;
    try (Stream<Replay.Labelled> input = Replay.readFdh(in);
        Writer w = new BufferedWriter(Files.newBufferedWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
      rows = Replay.of(p).labelDelay(labelDelay).writeCsv(input, w, "TRANSACTION_ID", columns, null);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      spec.commandLine().getErr().println("fraud features: " + e.getMessage());
      return 1;
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    stdout.printf(Locale.ROOT, "wrote %d rows of %d %s features to %s in %.1f s (%.0f transactions/s)%n", rows,
        p.schema().size(), pipeline, out, seconds, rows / Math.max(seconds, 1e-9));
    stdout.println(p.stats());
    return 0;
  }

  /** Reads {@code 7d}, {@code 12h}, {@code 30m}, {@code 45s}, {@code 0} or an ISO-8601 duration. */
  static final class DelayConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      Duration d;
      try {
        if (v.equals("0")) {
          d = Duration.ZERO;
        } else if (v.startsWith("p") || v.startsWith("-p")) {
          d = Duration.parse(value.strip());
        } else {
          long n = Long.parseLong(v.substring(0, v.length() - 1));
          d = switch (v.charAt(v.length() - 1)) {
            case 'd' -> Duration.ofDays(n);
            case 'h' -> Duration.ofHours(n);
            case 'm' -> Duration.ofMinutes(n);
            case 's' -> Duration.ofSeconds(n);
            default -> throw new NumberFormatException(value);
          };
        }
      } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
        throw new CommandLine.TypeConversionException(
            "--label-delay must be like 7d, 12h, 30m, 45s, 0 or ISO-8601 (P7D), but was '" + value + "'");
      }
      if (d.isNegative()) {
        throw new CommandLine.TypeConversionException(
            "--label-delay must not be negative, but was '" + value + "'");
      }
      return d;
    }
  }
}
