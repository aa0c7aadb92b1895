package dev.fraudengine.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fraudengine.core.Decision;
import dev.fraudengine.core.EngineMetrics;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.InvalidTransactionException;
import dev.fraudengine.core.Verdict;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fraud score}: scores a file of transactions with the engine of a model directory and writes one decision
 * per line as JSON.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = {"Score transactions (JSON lines or CSV) and write the decisions as JSON lines.",
        "A bad line is reported on stderr with its line number and every field problem, counted, and the run goes"
            + " on; the summary says how many lines were rejected. With --strict the first bad line stops the run"
            + " (exit 3). Labels in the input are ignored: nothing is fed back."},
    footerHeading = "%nExamples:%n",
    footer = {"  fraud score --model model --in payments.jsonl --out decisions.jsonl",
        "  fraud score --model model --in payments.csv --rules rules.txt --strict > decisions.jsonl"})
final class ScoreCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory from fraud train.")
  Path model;

  @Option(names = "--in", required = true, paramLabel = "FILE", description = "Transactions (.jsonl or .csv, .gz).")
  Path in;

  @Option(names = "--format", description = "Input format: ${COMPLETION-CANDIDATES} (default: by the file's"
      + " extension, .jsonl is jsonl, anything else csv).")
  InputFormat format;

  @Option(names = "--out", paramLabel = "FILE", description = "Decisions as JSON lines (default: stdout).")
  Path out;

  @Option(names = "--rules", paramLabel = "FILE", description = "A rule file the engine applies (optional).")
  Path rules;

  @Option(names = "--strict", description = "Stop at the first bad line with exit code 3.")
  boolean strict;

  @Option(names = "--no-progress", negatable = true, defaultValue = "true",
      description = "Show a progress bar on stderr (default: on).")
  boolean progress;

  private final PrintStream stdout;
  private final PrintStream stderr;

  ScoreCommand() {
    this(System.out, System.err);
  }

  ScoreCommand(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  @Override
  public Integer call() throws IOException {
    Cli.requireFile(spec, in, "--in");
    Cli.requireModel(spec, model);
    if (rules != null) {
      Cli.requireFile(spec, rules, "--rules");
    }
    InputFormat f = format != null ? format : InputFormat.guess(in.getFileName().toString());
    FraudEngine.Builder b = ModelDirectory.engine(model, null);
    if (rules != null) {
      b.rules(ModelDirectory.rules(rules, ModelDirectory.schema(model, null), true, Map.of()));
    }
    ObjectMapper mapper = new ObjectMapper();
    long lines = 0;
    long bad = 0;
    long t0 = System.nanoTime();
    EngineMetrics m;
    try (FraudEngine engine = b.build();
        TransactionInput input = TransactionInput.open(f, List.of(in));
        Writer w = new BufferedWriter(out == null ? new OutputStreamWriter(unclosable(stdout), StandardCharsets.UTF_8)
            : Files.newBufferedWriter(out, StandardCharsets.UTF_8), 1 << 16)) {
      Progress bar = new Progress(stderr, "score", input::progress, progress && out != null);
      Iterator<InputRecord> it = input;
      while (it.hasNext()) {
        InputRecord r = it.next();
        lines++;
        String problem = null;
        if (r.isBad()) {
          problem = r.describe();
        } else {
          try {
            Decision d = engine.score(r.transaction());
            w.write(mapper.writeValueAsString(DecisionJson.of(mapper, d)));
            w.write('\n');
          } catch (InvalidTransactionException e) {
            problem = r.source() + ":" + r.line() + ": " + e.getMessage();
          }
        }
        if (problem != null) {
          bad++;
          if (strict) {
            w.flush();
            stderr.println(problem);
            stderr.println("fraud score: stopped at the first bad line (--strict)");
            return Cli.BAD_INPUT;
          }
          stderr.println(problem);
        }
        bar.update(lines);
      }
      bar.finish(lines);
      w.flush();
      m = engine.metrics();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    stderr.printf(Locale.ROOT, "scored %,d of %,d lines in %.1f s; %,d lines rejected; %s; latency p50 %.1f µs,"
        + " p99 %.1f µs%n", lines - bad, lines, seconds, bad,
        Arrays.stream(Verdict.values()).map(v -> v + " " + m.decisions(v)).collect(Collectors.joining(", ")),
        m.latency().p50Nanos() / 1e3, m.latency().p99Nanos() / 1e3);
    return Cli.OK;
  }

  /** Standard output, which the writer must flush but not close. */
  private static java.io.OutputStream unclosable(PrintStream s) {
    return new java.io.FilterOutputStream(s) {
      @Override
      public void write(byte[] b, int off, int len) {
        s.write(b, off, len);
      }

      @Override
      public void close() {
        s.flush();
      }
    };
  }
}
