package dev.fraudengine.examples;

import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.RuleCompileException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fraud} command: one subcommand per job (run {@code fraud --help} for the list).
 *
 * <p>Started by the {@code ./fraud} launcher at the root of the repository, which builds what it needs first.
 * Exit codes, for every command: 0 success; 1 the run failed (invalid data or rules, a model or I/O failure); 2 bad
 * usage (an unknown or bad option, a missing file); 3 a bad input line with {@code --strict}. Errors are one line
 * on stderr; {@code --verbose} adds the stack trace.
 */
@Command(name = "fraud", mixinStandardHelpOptions = true, versionProvider = FraudCli.Version.class,
    description = "Embeddable fraud scoring: demo and tools.",
    subcommands = {DemoCommand.class, SimulateCommand.class, TrainCommand.class, EvalCommand.class,
        ScoreCommand.class, BacktestCommand.class, ServeCommand.class, FeaturesCommand.class,
        PrequentialCommand.class},
    footerHeading = "%nExamples:%n",
    footer = {"  fraud demo", "  fraud simulate --out stream.csv", "  fraud train --in stream.csv --out model",
        "  fraud eval --model model --in stream.csv --test-from 2025-02-15 --report report.html",
        "  fraud <command> --help"})
public final class FraudCli {
  /** The exit codes of every command, as the help lists them. */
  static final Map<String, String> EXIT_CODES = exitCodes();

  @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Print the stack trace of an error.")
  boolean verbose;

  private FraudCli() {}

  private static Map<String, String> exitCodes() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("0", "success");
    m.put("1", "the run failed: invalid data or rules, a model or I/O failure");
    m.put("2", "bad usage: an unknown or bad option, a missing file");
    m.put("3", "a bad input line, with --strict");
    return m;
  }

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    quietLibraryLogs();
    System.exit(run(args));
  }

  /**
   * JVector reports through java.util.logging, on standard error, which SIMD provider it chose and how many
   * threads it uses: noise on a command line. Keep its warnings about real problems only. The logger is held in a
   * field, since java.util.logging keeps only weak references to configured loggers.
   */
  private static final java.util.logging.Logger JVECTOR_LOG = java.util.logging.Logger.getLogger("io.github.jbellis");

  private static void quietLibraryLogs() {
    JVECTOR_LOG.setLevel(java.util.logging.Level.SEVERE);
  }

  /**
   * Runs the command line without exiting: for tests and embedding.
   *
   * @param args the arguments
   * @return the exit status: 0 on success, see the class description for the others
   */
  public static int run(String... args) {
    return commandLine(args).execute(args);
  }

  /** The command line with its error handling, exit codes and help sections. */
  static CommandLine commandLine(String... args) {
    return commandLine(System.out, System.err, args);
  }

  /** The command line writing to the given streams: for tests. */
  static CommandLine commandLine(PrintStream out, PrintStream err, String... args) {
    CommandLine.IFactory factory = new CommandLine.IFactory() {
      @Override
      public <K> K create(Class<K> cls) throws Exception {
        try {
          return cls.getDeclaredConstructor(PrintStream.class, PrintStream.class).newInstance(out, err);
        } catch (NoSuchMethodException e) {
          try {
            return cls.getDeclaredConstructor(PrintStream.class).newInstance(out);
          } catch (NoSuchMethodException e2) {
            return CommandLine.defaultFactory().create(cls);
          }
        }
      }
    };
    CommandLine cli = new CommandLine(new FraudCli(), factory);
    cli.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
    cli.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    boolean verbose = Arrays.asList(args).contains("--verbose");
    for (CommandLine c : cli.getSubcommands().values()) {
      c.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
    }
    cli.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(EXIT_CODES);
    cli.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
      PrintWriter w = cmd.getErr();
      w.println(cmd.getCommandSpec().qualifiedName() + ": " + message(ex));
      if (verbose) {
        ex.printStackTrace(w);
      } else {
        w.println("(run with --verbose for details)");
      }
      w.flush();
      return ex instanceof EngineRun.BadLineException ? Cli.BAD_INPUT : Cli.FAILED;
    });
    if (args.length == 0) {
      cli.setExecutionStrategy(parseResult -> {
        cli.usage(cli.getOut());
        return Cli.OK;
      });
    }
    return cli;
  }

  private static String message(Exception ex) {
    if (ex instanceof RuleCompileException || ex instanceof FraudEngineException
        || ex instanceof IllegalArgumentException || ex instanceof UncheckedIOException
        || ex instanceof EngineRun.BadLineException) {
      String m = ex.getMessage();
      Throwable cause = ex.getCause();
      if (ex instanceof UncheckedIOException && cause != null && cause.getMessage() != null) {
        m += ": " + cause.getMessage();
      }
      return m;
    }
    return ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage());
  }

  /** The version printed by {@code fraud --version}, from the jar's manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = FraudCli.class.getPackage().getImplementationVersion();
      return new String[] {"fraud-engine " + (v == null ? "(development build)" : v)};
    }
  }
}
