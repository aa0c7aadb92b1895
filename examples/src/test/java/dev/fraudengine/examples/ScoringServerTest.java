package dev.fraudengine.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudengine.core.FraudEngine;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API over real HTTP on loopback. */
class ScoringServerTest {
  private static final String TX = "{\"id\":\"h1\",\"event_time\":\"2025-03-01T10:00:00Z\",\"amount\":25.0,"
      + "\"currency\":\"EUR\",\"card_id\":\"c1\"}";

  @TempDir
  static Path dir;

  static ScoringServer server;
  static HttpClient client = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws IOException {
    Path model = Fixtures.trainedModel(dir);
    FraudEngine engine = ModelDirectory.engine(model, null).build();
    server = ScoringServer.start(engine, new InetSocketAddress("127.0.0.1", 0), "secret", 1024, 4, 2);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static HttpResponse<String> send(String method, String path, String body, String key)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .header("Content-Type", "application/json");
    if (key != null) {
      b.header(ScoringServer.API_KEY_HEADER, key);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void score_validTransaction_answersTheDecision() throws Exception {
    HttpResponse<String> r = send("POST", "/score", TX, "secret");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"transaction_id\":\"h1\"").contains("\"verdict\":");
  }

  @Test
  void score_invalidTransaction_is422ListingEveryProblem() throws Exception {
    HttpResponse<String> r = send("POST", "/score", TX.replace("25.0", "-1").replace("EUR", "EURO"), "secret");

    assertThat(r.statusCode()).isEqualTo(422);
    assertThat(r.body()).contains("amount=").contains("currency=");
  }

  @Test
  void score_badJson_is400() throws Exception {
    assertThat(send("POST", "/score", "{nope", "secret").statusCode()).isEqualTo(400);
  }

  @Test
  void score_withoutKey_is401_andWrongMethod405_andUnknownPath404() throws Exception {
    assertThat(send("POST", "/score", TX, null).statusCode()).isEqualTo(401);
    assertThat(send("POST", "/score", TX, "wrong").statusCode()).isEqualTo(401);
    assertThat(send("GET", "/score", null, "secret").statusCode()).isEqualTo(405);
    assertThat(send("GET", "/nothing", null, "secret").statusCode()).isEqualTo(404);
  }

  @Test
  void score_bodyOverTheLimit_is413() throws Exception {
    HttpResponse<String> r = send("POST", "/score", TX.replace("}", ",\"channel\":\"" + "x".repeat(2000) + "\"}"),
        "secret");

    assertThat(r.statusCode()).isEqualTo(413);
    assertThat(r.body()).contains("at most 1024 bytes");
  }

  @Test
  void feedback_validAndInvalid_are202And422() throws Exception {
    assertThat(send("POST", "/feedback", "{\"transaction_id\":\"h1\",\"label\":\"fraud\","
        + "\"label_time\":\"2025-03-02T10:00:00Z\"}", "secret").statusCode()).isEqualTo(202);
    HttpResponse<String> bad = send("POST", "/feedback", "{\"label\":\"maybe\"}", "secret");
    assertThat(bad.statusCode()).isEqualTo(422);
    assertThat(bad.body()).contains("transaction_id").contains("label: must be fraud or legitimate");
  }

  @Test
  void healthAndMetrics_answer() throws Exception {
    HttpResponse<String> health = send("GET", "/health", null, null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).contains("\"status\":\"UP\"");
    send("POST", "/score", TX.replace("h1", "h2"), "secret");
    HttpResponse<String> metrics = send("GET", "/metrics", null, "secret");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("# TYPE fraud_decisions_total counter")
        .containsPattern("fraud_decisions_total\\{verdict=\"APPROVE\"} \\d+")
        .contains("fraud_decision_latency_seconds{quantile=\"0.99\"}");
  }
}
