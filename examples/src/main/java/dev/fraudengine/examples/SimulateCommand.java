package dev.fraudengine.examples;

import dev.fraudengine.core.Label;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fraud simulate}: writes a synthetic, labelled payment stream with the fraud patterns of card payments; see
 * the command's help.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = {"Generate a synthetic, labelled payment stream (csv or jsonl, by the file's extension).",
        "Legitimate cards have a home area, typical amounts, hours, devices and IPs. Fraud patterns: amount_anomaly,"
            + " card_testing (a burst of tiny amounts, then a large one), many_ips_countries, unusual_hours"
            + " (2-5 am), account_takeover (new device and place, then high amounts), compromised_terminal,"
            + " compromised_card. The pattern is in the fraud_pattern column, which is never a feature."
            + " The same seed gives the same file."},
    footerHeading = "%nExamples:%n",
    footer = {"  fraud simulate --out stream.csv",
        "  fraud simulate --cards 5000 --terminals 500 --days 90 --fraud-rate 0.005 --seed 7 --out stream.jsonl"})
final class SimulateCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--cards", defaultValue = "1000", description = "Number of cards (default ${DEFAULT-VALUE}).")
  int cards;

  @Option(names = "--terminals", defaultValue = "200", description = "Number of terminals (default ${DEFAULT-VALUE}).")
  int terminals;

  @Option(names = "--days", defaultValue = "60", description = "Number of days (default ${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--fraud-rate", defaultValue = "0.01",
      description = "Share of fraudulent transactions, in [0, 0.5] (default ${DEFAULT-VALUE}).")
  double fraudRate;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--start", defaultValue = "2025-01-01", converter = Cli.DateConverter.class,
      description = "First day, UTC (default ${DEFAULT-VALUE}).")
  LocalDate start;

  @Option(names = "--out", required = true, paramLabel = "FILE.csv|FILE.jsonl",
      description = "Output file; .csv or .jsonl, optionally .gz.")
  Path out;

  private final PrintStream stdout;

  SimulateCommand() {
    this(System.out);
  }

  SimulateCommand(PrintStream stdout) {
    this.stdout = stdout;
  }

  @Override
  public Integer call() throws IOException {
    Simulator.Config config;
    try {
      config = new Simulator.Config(cards, terminals, days, fraudRate, seed, Cli.startOf(start));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.getMessage().replace(" rate", "-rate"));
    }
    long t0 = System.nanoTime();
    List<Simulator.Row> rows = Simulator.generate(config);
    write(rows, out);
    long frauds = rows.stream().filter(r -> r.label() == Label.FRAUD).count();
    Map<String, Long> patterns = new TreeMap<>();
    rows.stream().filter(r -> r.pattern() != null).forEach(r -> patterns.merge(r.pattern(), 1L, Long::sum));
    stdout.printf(Locale.ROOT, "wrote %,d transactions (%,d frauds, %.2f%%) of %,d cards at %,d terminals over %d"
        + " days to %s in %.1f s%n", rows.size(), frauds, 100.0 * frauds / Math.max(1, rows.size()), cards, terminals,
        days, out, (System.nanoTime() - t0) / 1e9);
    stdout.println("frauds by pattern: " + patterns);
    return Cli.OK;
  }

  /** Writes rows as csv or jsonl, chosen by the file's extension, gzip when it ends with .gz. */
  static void write(List<Simulator.Row> rows, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    String name = file.getFileName().toString();
    OutputStream os = Files.newOutputStream(file);
    if (name.endsWith(".gz")) {
      os = new GZIPOutputStream(os, 1 << 16);
    }
    try (Writer w = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16)) {
      TransactionOutput output = new TransactionOutput(w, InputFormat.guess(name));
      for (Simulator.Row r : rows) {
        output.write(r.transaction(), r.label(), r.pattern());
      }
    }
  }
}
