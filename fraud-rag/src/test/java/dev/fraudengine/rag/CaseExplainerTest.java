package dev.fraudengine.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.fraudengine.core.RiskLevel;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CaseExplainerTest {
  private final AtomicInteger status = new AtomicInteger(200);
  private final AtomicReference<String> body = new AtomicReference<>();
  private final AtomicReference<String> received = new AtomicReference<>();
  private final AtomicReference<String> authorization = new AtomicReference<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile boolean hang;
  private HttpServer server;

  private URI start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/v1/chat/completions", this::handle);
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange ex) throws IOException {
    requests.incrementAndGet();
    received.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    authorization.set(ex.getRequestHeaders().getFirst("Authorization"));
    if (hang) {
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    byte[] out = body.get().getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status.get(), out.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(out);
    }
  }

  @AfterEach
  void stop() {
    release.countDown();
    if (server != null) {
      server.stop(0);
    }
  }

  private static String answer(String content) {
    return "{\"id\":\"x\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
        + content + "\"}}]}";
  }

  @Test
  void explain_endpointAnswers_returnsModelTextAndSendsContext() throws Exception {
    body.set(answer("Blocked: it looks like card testing."));
    try (CaseExplainer e = CaseExplainer.builder(start(), "local-model").apiKey("k-123").build()) {
      Explanation x = e.explain(Decisions.decision(RiskLevel.CRITICAL), Decisions.TX).get(5, TimeUnit.SECONDS);

      assertThat(x.source()).isEqualTo(Explanation.Source.MODEL);
      assertThat(x.text()).isEqualTo("Blocked: it looks like card testing.");
      JsonNode sent = new ObjectMapper().readTree(received.get());
      assertThat(sent.path("model").asText()).isEqualTo("local-model");
      assertThat(sent.path("messages").path(1).path("content").asText()).contains("case-7: FRAUD (card_testing)");
      assertThat(authorization.get()).isEqualTo("Bearer k-123");
    }
  }

  @Test
  void explain_noApiKey_sendsNoAuthorization() throws Exception {
    body.set(answer("ok"));
    try (CaseExplainer e = CaseExplainer.builder(start(), "m").build()) {
      e.explain(Decisions.decision(RiskLevel.CRITICAL), Decisions.TX).get(5, TimeUnit.SECONDS);

      assertThat(authorization.get()).isNull();
    }
  }

  @Test
  void explain_slowEndpoint_fallsBackAfterTimeout() throws Exception {
    body.set(answer("too late"));
    hang = true;
    try (CaseExplainer e = CaseExplainer.builder(start(), "m").timeout(Duration.ofMillis(300)).build()) {
      long t0 = System.nanoTime();
      Explanation x = e.explain(Decisions.decision(RiskLevel.CRITICAL), Decisions.TX).get(5, TimeUnit.SECONDS);
      long ms = (System.nanoTime() - t0) / 1_000_000;

      assertThat(x.source()).isEqualTo(Explanation.Source.FALLBACK);
      assertThat(x.detail()).contains("timed out");
      assertThat(ms).isLessThan(3_000);
      assertThat(x.text()).isEqualTo(CaseExplainer.fallback(CaseContext.of(Decisions.decision(RiskLevel.CRITICAL),
          Decisions.TX), Explanation.Source.FALLBACK, "").text());
    }
  }

  @Test
  void explain_serverError_fallsBackWithStatus() throws Exception {
    body.set("{\"error\":\"boom\"}");
    status.set(500);
    try (CaseExplainer e = CaseExplainer.builder(start(), "m").build()) {
      Explanation x = e.explain(Decisions.decision(RiskLevel.CRITICAL), Decisions.TX).get(5, TimeUnit.SECONDS);

      assertThat(x.source()).isEqualTo(Explanation.Source.FALLBACK);
      assertThat(x.detail()).contains("HTTP 500");
      assertThat(x.text()).startsWith("The payment was given ")
          .contains("at CRITICAL risk (score 0.95).").contains("The nearest known fraud case is case-7 (card_testing), similarity 0.09.")
          .contains("1 of the 2 most similar known cases were fraud.");
    }
  }

  @Test
  void explain_malformedJson_fallsBack() throws Exception {
    body.set("{\"choices\": [ {\"message\": ");
    try (CaseExplainer e = CaseExplainer.builder(start(), "m").build()) {
      Explanation x = e.explain(Decisions.decision(RiskLevel.CRITICAL), Decisions.TX).get(5, TimeUnit.SECONDS);

      assertThat(x.source()).isEqualTo(Explanation.Source.FALLBACK);
      assertThat(x.detail()).contains("not JSON");
    }
  }

  @Test
  void explain_jsonWithoutContent_fallsBack() throws Exception {
    body.set("{\"choices\": []}");
    try (CaseExplainer e = CaseExplainer.builder(start(), "m").build()) {
      Explanation x = e.explain(Decisions.decision(RiskLevel.CRITICAL), Decisions.TX).get(5, TimeUnit.SECONDS);

      assertThat(x.source()).isEqualTo(Explanation.Source.FALLBACK);
      assertThat(x.detail()).contains("choices[0].message.content");
    }
  }

  @Test
  void explain_endpointDown_fallsBack() throws Exception {
    URI base = start();
    server.stop(0);
    server = null;
    try (CaseExplainer e = CaseExplainer.builder(base, "m").timeout(Duration.ofSeconds(2)).build()) {
      Explanation x = e.explain(Decisions.decision(RiskLevel.CRITICAL), Decisions.TX).get(5, TimeUnit.SECONDS);

      assertThat(x.source()).isEqualTo(Explanation.Source.FALLBACK);
      assertThat(x.detail()).contains("request failed");
    }
  }

  @Test
  void explain_belowLevel_doesNotCallEndpoint() throws Exception {
    body.set(answer("unused"));
    try (CaseExplainer e = CaseExplainer.builder(start(), "m").minRiskLevel(RiskLevel.HIGH).build()) {
      Explanation x = e.explain(Decisions.decision(RiskLevel.LOW), Decisions.TX).get(5, TimeUnit.SECONDS);

      assertThat(x.source()).isEqualTo(Explanation.Source.BELOW_LEVEL);
      assertThat(requests.get()).isZero();
    }
  }

  @Test
  void onDecision_highRisk_deliversToSinkOffCallerThread() throws Exception {
    body.set(answer("explained"));
    BlockingQueue<Explanation> out = new ArrayBlockingQueue<>(4);
    AtomicReference<String> thread = new AtomicReference<>();
    try (CaseExplainer e = CaseExplainer.builder(start(), "m").onExplanation(x -> {
      thread.set(Thread.currentThread().getName());
      out.add(x);
    }).build()) {
      e.onDecision(Decisions.TX, Decisions.decision(RiskLevel.LOW));
      e.onDecision(Decisions.TX, Decisions.decision(RiskLevel.CRITICAL));

      Explanation x = out.poll(5, TimeUnit.SECONDS);
      assertThat(x).isNotNull();
      assertThat(x.text()).isEqualTo("explained");
      assertThat(thread.get()).isNotEqualTo(Thread.currentThread().getName());
      assertThat(out.poll(200, TimeUnit.MILLISECONDS)).isNull();
      assertThat(requests.get()).isEqualTo(1);
    }
  }

  @Test
  void builder_badArguments_reject() {
    assertThatThrownBy(() -> CaseExplainer.builder(URI.create("ftp://x"), "m"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("baseUrl").hasMessageContaining("ftp://x");
    assertThatThrownBy(() -> CaseExplainer.builder(URI.create("http://x"), " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model");
    assertThatThrownBy(() -> CaseExplainer.builder(URI.create("http://x"), "m").timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout must be positive, but was PT0S");
  }
}
