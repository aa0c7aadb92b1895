package dev.fraudengine.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fraudengine.core.FraudEngine;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fraud eval}: runs every row of the input through the whole engine, labels fed back after their delay, and
 * reports detection figures on the test window.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = {"Evaluate a model directory on a labelled history, through the whole engine.",
        "Every row of every input file (one stream, in order) is scored, so that feature state is warm, and each"
            + " label is fed back --label-delay after its transaction. The figures are computed on the labelled rows"
            + " of the test window, leaving out cards already known to be compromised (a fraud label known before"
            + " the day), as the Fraud Detection Handbook does: ROC AUC, average precision, Card Precision@100,"
            + " decisions, precision and recall per verdict, recall per fraud pattern, latency.",
        "With --cases the engine also searches a case store that the labels fed back fill, and --rules may read"
            + " its signals."},
    footerHeading = "%nExamples:%n",
    footer = {"  fraud eval --model model --format csv --in stream.csv --test-from 2025-02-15 --report report.html",
        "  fraud eval --model handbook-model --format fdh --in transactions-2018-04-to-08.csv.gz \\",
        "      --test-from 2018-08-08 --test-to 2018-08-14 --known-from 2018-07-25 --json --scores-out scores.csv",
        "  fraud eval --model model --format csv --in stream.csv --test-from 2025-02-15 --cases --rules cases.rules"})
final class EvalCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory from fraud train.")
  Path model;

  @Mixin
  InputOptions source;

  @Option(names = "--test-from", converter = Cli.DateConverter.class, paramLabel = "DATE",
      description = "First day of the test window (UTC, inclusive; default: the start).")
  LocalDate testFrom;

  @Option(names = "--test-to", converter = Cli.DateConverter.class, paramLabel = "DATE",
      description = "Last day of the test window (UTC, inclusive; default: the end).")
  LocalDate testTo;

  @Option(names = "--known-from", converter = Cli.DateConverter.class, paramLabel = "DATE",
      description = "Count as known compromised only cards with a fraud from this day on (the handbook: its training"
          + " start; default: any fraud of the input).")
  LocalDate knownFrom;

  @Option(names = "--rules", paramLabel = "FILE", description = "A rule file the engine applies (optional).")
  Path rules;

  @Mixin
  CaseOptions cases;

  @Option(names = "--json", description = "Print one JSON object (auc, ap, cp100, n, frauds, ...) instead of text.")
  boolean json;

  @Option(names = "--scores-out", paramLabel = "FILE.csv",
      description = "Write every test row: transaction_id,card_id,event_time,label,score,verdict.")
  Path scoresOut;

  @Option(names = "--report", paramLabel = "FILE.html", description = "Write a self-contained HTML report.")
  Path report;

  @Option(names = "--no-progress", negatable = true, defaultValue = "true",
      description = "Show a progress bar on stderr (default: on).")
  boolean progress;

  @Option(names = "--strict", description = "Fail (exit 3) on the first bad line instead of reporting and going on.")
  boolean strict;

  private final PrintStream stdout;
  private final PrintStream stderr;

  EvalCommand() {
    this(System.out, System.err);
  }

  EvalCommand(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  @Override
  public Integer call() throws IOException {
    source.requireFiles(spec);
    Cli.requireModel(spec, model);
    Cli.requireOrder(spec, testFrom, testTo, "--test-from", "--test-to");
    if (rules != null) {
      Cli.requireFile(spec, rules, "--rules");
    }
    cases.validate(spec, model);
    PrintStream err = stderr;
    FraudEngine.Builder b = cases.apply(ModelDirectory.engine(model, null), model);
    if (rules != null) {
      b.rules(ModelDirectory.rules(rules, ModelDirectory.schema(model, null), true, Map.of()));
    }
    EngineRun run = new EngineRun(Cli.startOf(testFrom), Cli.endOf(testTo), source.labelDelay, strict, err)
        .knownFrom(Cli.startOf(knownFrom));
    if (cases.enabled) {
      run.caseSignals();
    }
    try (FraudEngine engine = b.build();
        TransactionInput input = source.open();
        Writer scores = scoresOut == null ? null
            : new BufferedWriter(Files.newBufferedWriter(scoresOut, StandardCharsets.UTF_8), 1 << 16)) {
      if (scores != null) {
        run.scoresOut(scores);
      }
      run.run(engine, input, new Progress(err, "eval", input::progress, progress));
    }
    if (json) {
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      stdout.println(mapper.writeValueAsString(run.json(mapper)));
    } else {
      run.print(stdout);
    }
    if (report != null) {
      HtmlReport.write(run, "fraud eval: " + model.getFileName(), report);
      if (!json) {
        stdout.println("report written to " + report);
      }
    }
    return Cli.OK;
  }
}
