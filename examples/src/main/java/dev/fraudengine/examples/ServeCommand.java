package dev.fraudengine.examples;

import dev.fraudengine.core.FraudEngine;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fraud serve}: serves the engine of a model directory over HTTP until stopped (Ctrl-C, SIGTERM). */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve the engine of a model directory as an HTTP JSON API.",
        "POST /score with a transaction (the jsonl fields) answers the decision; POST /feedback with"
            + " {\"transaction_id\", \"label\": \"fraud\"|\"legitimate\", \"label_time\"} records a label;"
            + " GET /health; GET /metrics (Prometheus text). With an API key, every endpoint but /health needs the"
            + " X-API-Key header. Client mistakes get 4xx answers listing the problems (400 bad JSON, 401 key, 404,"
            + " 405, 413 too large, 415, 422 invalid transaction). Ctrl-C or SIGTERM stops accepting and finishes the"
            + " requests in flight."},
    footerHeading = "%nExamples:%n",
    footer = {"  fraud serve --model model --port 8080",
        "  FRAUD_API_KEY=secret fraud serve --model model --port 8080 --rules rules.txt",
        "  curl -s -XPOST localhost:8080/score -H 'Content-Type: application/json' -H 'X-API-Key: secret' \\",
        "    -d '{\"id\":\"tx-1\",\"event_time\":\"2025-03-01T10:00:00Z\",\"amount\":25.0,\"currency\":\"EUR\","
            + "\"card_id\":\"card-1\"}'"})
final class ServeCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--model", required = true, paramLabel = "DIR", description = "Model directory from fraud train.")
  Path model;

  @Option(names = "--port", defaultValue = "8080", description = "Port; 0 picks a free one (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--host", defaultValue = "127.0.0.1",
      description = "Address to listen on (default ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String host;

  @Option(names = "--rules", paramLabel = "FILE", description = "A rule file the engine applies (optional).")
  Path rules;

  @Option(names = "--api-key-env", defaultValue = "FRAUD_API_KEY", paramLabel = "NAME",
      description = "Environment variable holding the API key; no key, no check (default ${DEFAULT-VALUE}).")
  String apiKeyEnv;

  @Option(names = "--max-body-bytes", defaultValue = "65536",
      description = "Largest request body accepted (default ${DEFAULT-VALUE}).")
  int maxBodyBytes;

  @Option(names = "--threads", defaultValue = "8", description = "Request threads (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--grace-seconds", defaultValue = "10",
      description = "How long a shutdown waits for requests in flight (default ${DEFAULT-VALUE}).")
  int graceSeconds;

  private final PrintStream stdout;
  private final CountDownLatch stop;
  private volatile ScoringServer server;

  ServeCommand() {
    this(System.out, new CountDownLatch(1));
  }

  ServeCommand(PrintStream stdout, CountDownLatch stop) {
    this.stdout = stdout;
    this.stop = stop;
  }

  ScoringServer server() {
    return server;
  }

  @Override
  public Integer call() throws IOException, InterruptedException {
    Cli.requireModel(spec, model);
    if (rules != null) {
      Cli.requireFile(spec, rules, "--rules");
    }
    if (port < 0 || port > 65_535) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--port must be in [0, 65535], but was " + port);
    }
    if (maxBodyBytes < 256 || threads < 1 || graceSeconds < 0) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--max-body-bytes must be at least 256, --threads"
          + " at least 1 and --grace-seconds at least 0, but were " + maxBodyBytes + ", " + threads + ", "
          + graceSeconds);
    }
    String key = System.getenv(apiKeyEnv);
    FraudEngine.Builder b = ModelDirectory.engine(model, null);
    if (rules != null) {
      b.rules(ModelDirectory.rules(rules, ModelDirectory.schema(model, null), true, Map.of()));
    }
    ScoringServer s = ScoringServer.start(b.build(), new InetSocketAddress(host, port),
        key == null || key.isBlank() ? null : key.strip(), maxBodyBytes, threads, graceSeconds);
    server = s;
    Thread hook = new Thread(() -> {
      s.close();
      stop.countDown();
    }, "fraud-serve-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    stdout.printf("fraud serve: listening on http://%s:%d (model %s%s); Ctrl-C stops%n", host, s.port(),
        model, key == null || key.isBlank() ? ", no API key" : ", API key from $" + apiKeyEnv);
    stdout.flush();
    stop.await();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
      s.close();
    } catch (IllegalStateException e) {
      stdout.println("fraud serve: stopped");
    }
    return Cli.OK;
  }
}
