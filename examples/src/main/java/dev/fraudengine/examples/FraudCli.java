package dev.fraudengine.examples;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code fraud} command: one subcommand per job (run {@code fraud --help} for the list).
 *
 * <p>Started by the {@code ./fraud} launcher at the root of the repository, which builds what it needs first.
 */
@Command(name = "fraud", mixinStandardHelpOptions = true, versionProvider = FraudCli.Version.class,
    description = "Embeddable fraud scoring: demo and tools.",
    subcommands = {DemoCommand.class, FeaturesCommand.class})
public final class FraudCli {

  private FraudCli() {}

  /**
   * Runs the command line and exits with its status.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the command line without exiting: for tests and embedding.
   *
   * @param args the arguments
   * @return the exit status: 0 on success
   */
  public static int run(String... args) {
    CommandLine cli = new CommandLine(new FraudCli());
    if (args.length == 0) {
      cli.usage(System.out);
      return 0;
    }
    return cli.execute(args);
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
