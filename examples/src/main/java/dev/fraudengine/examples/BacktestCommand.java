package dev.fraudengine.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.Rule;
import dev.fraudengine.core.RuleSet;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fraud backtest}: replays a labelled history through the engine with a rule file and reports, per rule and
 * for the whole policy, what the rules would have done.
 */
@Command(name = "backtest", mixinStandardHelpOptions = true,
    description = {"Backtest a rule file on a labelled history, through the same engine as live scoring.",
        "Every row is scored (features, the model if given, the rules), labels fed back --label-delay after their"
            + " transaction. On the labelled rows of [--from, --to], every decision counted as live:"
            + " per rule hits, true and false positives, precision and recall; for the policy the decisions per"
            + " verdict with precision and recall, the alert rate and Card Precision@100."},
    footerHeading = "%nExamples:%n",
    footer = {"  fraud backtest --rules rules.txt --format csv --in stream.csv --pipeline standard",
        "  fraud backtest --rules rules.txt --model model --format jsonl --in jan.jsonl feb.jsonl \\",
        "      --from 2025-02-01 --to 2025-02-28 --list blocked_cards=blocked.txt --json"})
final class BacktestCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--rules", required = true, paramLabel = "FILE", description = "The rule file to backtest.")
  Path rules;

  @Mixin
  InputOptions source;

  @Option(names = "--model", paramLabel = "DIR",
      description = "Model directory from fraud train; rules may then read model.gbt (optional).")
  Path model;

  @Option(names = "--pipeline", defaultValue = "standard",
      description = "Feature pipeline without --model: handbook or standard (default ${DEFAULT-VALUE}).")
  String pipeline;

  @Option(names = "--from", converter = Cli.DateConverter.class, paramLabel = "DATE",
      description = "First day reported (UTC, inclusive; default: the start).")
  LocalDate from;

  @Option(names = "--to", converter = Cli.DateConverter.class, paramLabel = "DATE",
      description = "Last day reported (UTC, inclusive; default: the end).")
  LocalDate to;

  @Option(names = "--list", paramLabel = "NAME=FILE",
      description = "A named list the rules read as @NAME, one value per line (repeatable).")
  Map<String, Path> lists = new LinkedHashMap<>();

  @Mixin
  CaseOptions cases;

  @Option(names = "--json", description = "Print one JSON object instead of text.")
  boolean json;

  @Option(names = "--no-progress", negatable = true, defaultValue = "true",
      description = "Show a progress bar on stderr (default: on).")
  boolean progress;

  private final PrintStream stdout;
  private final PrintStream stderr;

  BacktestCommand() {
    this(System.out, System.err);
  }

  BacktestCommand(PrintStream stdout, PrintStream stderr) {
    this.stdout = stdout;
    this.stderr = stderr;
  }

  @Override
  public Integer call() throws IOException {
    Cli.requireFile(spec, rules, "--rules");
    source.requireFiles(spec);
    Cli.requireOrder(spec, from, to, "--from", "--to");
    for (Map.Entry<String, Path> e : lists.entrySet()) {
      Cli.requireFile(spec, e.getValue(), "--list " + e.getKey());
    }
    if (model != null) {
      Cli.requireModel(spec, model);
    } else if (!pipeline.equals("handbook") && !pipeline.equals("standard")) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(),
          "--pipeline must be handbook or standard, but was '" + pipeline + "'");
    }
    cases.validate(spec, model);
    FeatureSchema schema = ModelDirectory.schema(model, pipeline);
    RuleSet set = ModelDirectory.rules(rules, schema, model != null, lists);
    EngineRun run = new EngineRun(Cli.startOf(from), Cli.endOf(to), source.labelDelay, false, stderr).keepKnownCompromised();
    try (FraudEngine engine = cases.apply(ModelDirectory.engine(model, pipeline), model).rules(set).build();
        TransactionInput input = source.open()) {
      run.run(engine, input, new Progress(stderr, "backtest", input::progress, progress));
    }
    Map<String, long[]> perRule = run.byRule(set.rules(), List.of());
    long frauds = run.frauds();
    if (json) {
      ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
      ObjectNode root = mapper.createObjectNode();
      root.put("rule_set", set.version());
      ArrayNode arr = root.putArray("rules");
      for (Rule r : set.rules()) {
        long[] c = perRule.get(r.id());
        ObjectNode x = arr.addObject();
        x.put("id", r.id());
        x.put("action", r.action().name());
        x.put("hits", c[0]);
        x.put("tp", c[1]);
        x.put("fp", c[0] - c[1]);
        EngineRun.putNumber(x, "precision", c[0] == 0 ? Double.NaN : c[1] / (double) c[0]);
        EngineRun.putNumber(x, "recall", frauds == 0 ? Double.NaN : c[1] / (double) frauds);
      }
      root.set("policy", run.json(mapper));
      stdout.println(mapper.writeValueAsString(root));
      return Cli.OK;
    }
    stdout.printf("rule set %s: %d rules%n%n", set.version(), set.rules().size());
    stdout.printf("%-28s %-6s %8s %8s %8s %9s %7s%n", "rule", "action", "hits", "TP", "FP", "precision", "recall");
    for (Rule r : set.rules()) {
      long[] c = perRule.get(r.id());
      stdout.printf(Locale.ROOT, "%-28s %-6s %,8d %,8d %,8d %9s %7s%n", r.id(), r.action(), c[0], c[1], c[0] - c[1],
          c[0] == 0 ? "-" : String.format(Locale.ROOT, "%.3f", c[1] / (double) c[0]),
          frauds == 0 ? "-" : String.format(Locale.ROOT, "%.3f", c[1] / (double) frauds));
    }
    stdout.println();
    run.print(stdout);
    return Cli.OK;
  }
}
