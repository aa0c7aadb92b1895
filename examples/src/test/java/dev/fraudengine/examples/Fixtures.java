package dev.fraudengine.examples;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Shared fixtures of the CLI tests: running a command with captured output, a small simulated stream and model. */
final class Fixtures {
  static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  private Fixtures() {}

  /** What a command printed and returned. */
  record Result(int exitCode, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    int code = FraudCli.commandLine(o, e, args).execute(args);
    return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A small simulated stream: 300 cards, 40 terminals, 30 days, 2% fraud, seed 7. */
  static List<Simulator.Row> smallStream() {
    return Simulator.generate(new Simulator.Config(300, 40, 30, 0.02, 7, START));
  }

  /** Writes the small stream to dir/stream.csv and trains a model on its first 20 days into dir/model. */
  static Path trainedModel(Path dir) throws IOException {
    Path csv = dir.resolve("stream.csv");
    SimulateCommand.write(smallStream(), csv);
    Result r = run("train", "--in", csv.toString(), "--train-to", "2025-01-20", "--rounds", "60", "--out",
        dir.resolve("model").toString());
    if (r.exitCode() != 0) {
      throw new IllegalStateException("training failed: " + r.err());
    }
    return dir.resolve("model");
  }
}
