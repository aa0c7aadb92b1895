package dev.fraudengine.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fraudengine.core.Decision;
import dev.fraudengine.core.EngineHealth;
import dev.fraudengine.core.EngineMetrics;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.InputProblem;
import dev.fraudengine.core.InvalidTransactionException;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.TransactionValidator;
import dev.fraudengine.core.Verdict;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/*
 * The HTTP JSON API of fraud serve, on the JDK's com.sun.net.httpserver:
 *   POST /score     a transaction (the jsonl fields) -> 200 and the decision
 *   POST /feedback  {"transaction_id", "label": fraud|legitimate, "label_time"?} -> 202
 *   GET  /health    200 {"status": "UP"|"DEGRADED", ...}, 503 once closed; no API key needed
 *   GET  /metrics   Prometheus text format
 * Client mistakes are always 4xx with a JSON body {"error", "problems": [...]}: 400 bad JSON, 401 a missing or wrong
 * API key (X-API-Key, when configured), 404 unknown path, 405 wrong method, 413 body over the limit, 415 not JSON,
 * 422 an invalid transaction or label. 500 is only for a fault of the server itself.
 * close() stops accepting connections, lets the requests in flight finish (up to the grace period), then closes
 * the engine.
 */
final class ScoringServer implements AutoCloseable {
  static final String API_KEY_HEADER = "X-API-Key";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FraudEngine engine;
  private final HttpServer server;
  private final ExecutorService executor;
  private final byte[] apiKey;
  private final int maxBodyBytes;
  private final int graceSeconds;
  private final TransactionValidator validator = TransactionValidator.defaults();
  private final Map<String, LongAdder> responses = new ConcurrentHashMap<>();

  private ScoringServer(FraudEngine engine, InetSocketAddress address, String apiKey, int maxBodyBytes, int threads,
      int graceSeconds) throws IOException {
    this.engine = engine;
    this.apiKey = apiKey == null ? null : apiKey.getBytes(StandardCharsets.UTF_8);
    this.maxBodyBytes = maxBodyBytes;
    this.graceSeconds = graceSeconds;
    this.server = HttpServer.create(address, 128);
    this.executor = Executors.newFixedThreadPool(threads);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  static ScoringServer start(FraudEngine engine, InetSocketAddress address, String apiKey, int maxBodyBytes,
      int threads, int graceSeconds) throws IOException {
    ScoringServer s = new ScoringServer(engine, address, apiKey, maxBodyBytes, threads, graceSeconds);
    s.server.start();
    return s;
  }

  int port() {
    return server.getAddress().getPort();
  }

  private record Reply(int status, String contentType, byte[] body) {
    static Reply json(int status, JsonNode node) {
      try {
        return new Reply(status, "application/json", JSON.writeValueAsBytes(node));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write JSON", e);
      }
    }

    static Reply error(int status, String error, List<String> problems) {
      ObjectNode o = JSON.createObjectNode();
      o.put("error", error);
      ArrayNode a = o.putArray("problems");
      problems.forEach(a::add);
      return json(status, o);
    }
  }

  /** A client mistake, answered with its 4xx status. */
  private static final class ClientError extends Exception {
    private static final long serialVersionUID = 1L;
    final transient Reply reply;

    ClientError(int status, String error, List<String> problems) {
      super(error, null, false, false);
      this.reply = Reply.error(status, error, problems);
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    Reply reply;
    String path = ex.getRequestURI().getPath();
    try {
      reply = route(ex, path);
    } catch (ClientError e) {
      reply = e.reply;
    } catch (RuntimeException e) {
      reply = Reply.error(500, "internal error", List.of(e.getClass().getSimpleName()));
    }
    responses.computeIfAbsent(path.length() > 20 ? "other" : path + " " + reply.status(), k -> new LongAdder())
        .increment();
    ex.getResponseHeaders().set("Content-Type", reply.contentType() + "; charset=utf-8");
    if (reply.status() == 405) {
      ex.getResponseHeaders().set("Allow", path.equals("/health") || path.equals("/metrics") ? "GET" : "POST");
    }
    ex.sendResponseHeaders(reply.status(), reply.body().length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(reply.body());
    }
  }

  private Reply route(HttpExchange ex, String path) throws ClientError, IOException {
    String method = ex.getRequestMethod();
    switch (path) {
      case "/health" -> {
        requireMethod(method, "GET");
        return health();
      }
      case "/metrics" -> {
        requireMethod(method, "GET");
        authorise(ex);
        return new Reply(200, "text/plain; version=0.0.4", prometheus().getBytes(StandardCharsets.UTF_8));
      }
      case "/score" -> {
        requireMethod(method, "POST");
        authorise(ex);
        return score(body(ex));
      }
      case "/feedback" -> {
        requireMethod(method, "POST");
        authorise(ex);
        return feedback(body(ex));
      }
      default -> throw new ClientError(404, "not found", List.of("no endpoint " + path
          + "; the endpoints are POST /score, POST /feedback, GET /health, GET /metrics"));
    }
  }

  private static void requireMethod(String method, String expected) throws ClientError {
    if (!method.equals(expected)) {
      throw new ClientError(405, "method not allowed", List.of("use " + expected + ", not " + method));
    }
  }

  private void authorise(HttpExchange ex) throws ClientError {
    if (apiKey == null) {
      return;
    }
    String given = ex.getRequestHeaders().getFirst(API_KEY_HEADER);
    if (given == null || !MessageDigest.isEqual(apiKey, given.getBytes(StandardCharsets.UTF_8))) {
      throw new ClientError(401, "unauthorised", List.of("a valid " + API_KEY_HEADER + " header is required"));
    }
  }

  private String body(HttpExchange ex) throws ClientError, IOException {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
      throw new ClientError(415, "unsupported media type", List.of("Content-Type must be application/json, but was "
          + type));
    }
    String length = ex.getRequestHeaders().getFirst("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.strip()) > maxBodyBytes) {
          throw new ClientError(413, "payload too large", List.of("the body must be at most " + maxBodyBytes
              + " bytes, but was " + length.strip()));
        }
      } catch (NumberFormatException e) {
        throw new ClientError(400, "bad request", List.of("Content-Length must be a number"));
      }
    }
    try (InputStream in = ex.getRequestBody()) {
      byte[] b = in.readNBytes(maxBodyBytes + 1);
      if (b.length > maxBodyBytes) {
        throw new ClientError(413, "payload too large", List.of("the body must be at most " + maxBodyBytes
            + " bytes"));
      }
      return new String(b, StandardCharsets.UTF_8);
    }
  }

  private Reply score(String body) throws ClientError {
    InputRecord r = TransactionInput.parseJson("request", 1, body.strip().replace('\n', ' '), validator);
    if (r.isBad()) {
      boolean syntax = r.problems().size() == 1
          && (r.problems().get(0).startsWith("not valid JSON") || r.problems().get(0).startsWith("must be a JSON"));
      throw new ClientError(syntax ? 400 : 422, syntax ? "bad JSON" : "invalid transaction", r.problems());
    }
    try {
      Decision d = engine.score(r.transaction());
      return Reply.json(200, DecisionJson.of(JSON, d));
    } catch (InvalidTransactionException e) {
      List<String> problems = new ArrayList<>();
      for (InputProblem p : e.problems()) {
        problems.add(TransactionInput.snakeCase(p.field()) + "=" + p.value() + " (" + p.reason() + ")");
      }
      throw new ClientError(422, "invalid transaction", problems);
    }
  }

  private Reply feedback(String body) throws ClientError {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new ClientError(400, "bad JSON", List.of("not valid JSON: " + e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new ClientError(400, "bad JSON", List.of("must be a JSON object"));
    }
    List<String> problems = new ArrayList<>();
    JsonNode id = root.get("transaction_id");
    if (id == null || !id.isTextual() || id.asText().isBlank()) {
      problems.add("transaction_id: is required, a non-blank text");
    }
    JsonNode l = root.get("label");
    Label label = null;
    if (l == null || !l.isValueNode()) {
      problems.add("label: is required: fraud or legitimate");
    } else {
      label = switch (l.asText().toLowerCase(Locale.ROOT)) {
        case "fraud", "1", "true" -> Label.FRAUD;
        case "legitimate", "0", "false" -> Label.LEGITIMATE;
        default -> {
          problems.add("label: must be fraud or legitimate, but was '" + l.asText() + "'");
          yield null;
        }
      };
    }
    Instant at = Instant.now();
    JsonNode t = root.get("label_time");
    if (t != null && !t.isNull()) {
      try {
        at = Instant.parse(t.asText());
      } catch (DateTimeParseException e) {
        problems.add("label_time: must be an ISO-8601 instant like 2025-01-31T14:05:00Z, but was '" + t.asText()
            + "'");
      }
    }
    root.fieldNames().forEachRemaining(n -> {
      if (!n.equals("transaction_id") && !n.equals("label") && !n.equals("label_time")) {
        problems.add(n + ": unknown field; the fields are transaction_id, label, label_time");
      }
    });
    if (!problems.isEmpty()) {
      throw new ClientError(422, "invalid feedback", problems);
    }
    engine.feedback(id.asText(), label, at);
    ObjectNode o = JSON.createObjectNode();
    o.put("status", "accepted");
    return Reply.json(202, o);
  }

  private Reply health() {
    EngineHealth h = engine.health();
    ObjectNode o = JSON.createObjectNode();
    o.put("status", h.status().name());
    o.put("feature_schema", h.featureSchema());
    o.put("rule_set", h.ruleSetVersion());
    ArrayNode models = o.putArray("models");
    h.models().forEach(m -> {
      ObjectNode x = models.addObject();
      x.put("id", m.modelId());
      x.put("version", m.version());
      x.put("state", m.state().name());
      x.put("failures", m.failures());
    });
    return Reply.json(h.status() == EngineHealth.Status.CLOSED ? 503 : 200, o);
  }

  private String prometheus() {
    EngineMetrics m = engine.metrics();
    StringBuilder sb = new StringBuilder(2048);
    sb.append("# HELP fraud_decisions_total Decisions made, by verdict.\n# TYPE fraud_decisions_total counter\n");
    for (Verdict v : Verdict.values()) {
      sb.append("fraud_decisions_total{verdict=\"").append(v).append("\"} ").append(m.decisions(v)).append('\n');
    }
    sb.append("# HELP fraud_degraded_total Decisions made without a failed component.\n")
        .append("# TYPE fraud_degraded_total counter\nfraud_degraded_total ").append(m.degraded()).append('\n');
    sb.append("# HELP fraud_rejected_total Transactions refused by validation.\n")
        .append("# TYPE fraud_rejected_total counter\nfraud_rejected_total ").append(m.rejected()).append('\n');
    sb.append("# HELP fraud_model_failures_total Model failures, by model.\n")
        .append("# TYPE fraud_model_failures_total counter\n");
    m.modelFailures().forEach((id, n) -> sb.append("fraud_model_failures_total{model=\"").append(label(id))
        .append("\"} ").append(n).append('\n'));
    sb.append("# HELP fraud_alert_rate Share of decisions that are REVIEW or HOLD.\n# TYPE fraud_alert_rate gauge\n")
        .append("fraud_alert_rate ").append(m.alertRate()).append('\n');
    sb.append("# HELP fraud_decision_latency_seconds Decision latency.\n")
        .append("# TYPE fraud_decision_latency_seconds summary\n");
    sb.append("fraud_decision_latency_seconds{quantile=\"0.5\"} ").append(m.latency().p50Nanos() / 1e9).append('\n');
    sb.append("fraud_decision_latency_seconds{quantile=\"0.95\"} ").append(m.latency().p95Nanos() / 1e9).append('\n');
    sb.append("fraud_decision_latency_seconds{quantile=\"0.99\"} ").append(m.latency().p99Nanos() / 1e9).append('\n');
    sb.append("fraud_decision_latency_seconds_count ").append(m.latency().count()).append('\n');
    sb.append("fraud_decision_latency_seconds_sum ")
        .append(m.latency().meanNanos() * m.latency().count() / 1e9).append('\n');
    sb.append("# HELP fraud_http_responses_total HTTP responses, by path and status.\n")
        .append("# TYPE fraud_http_responses_total counter\n");
    new java.util.TreeMap<>(responses).forEach((k, v) -> {
      int space = k.lastIndexOf(' ');
      sb.append("fraud_http_responses_total{path=\"").append(label(k.substring(0, Math.max(0, space))))
          .append("\",status=\"").append(k.substring(space + 1)).append("\"} ").append(v.sum()).append('\n');
    });
    return sb.toString();
  }

  private static String label(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  /** Stops accepting, lets the requests in flight finish (up to the grace period), then closes the engine. */
  @Override
  public void close() {
    server.stop(graceSeconds);
    executor.shutdown();
    try {
      if (!executor.awaitTermination(graceSeconds, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      executor.shutdownNow();
    }
    engine.close();
  }
}
