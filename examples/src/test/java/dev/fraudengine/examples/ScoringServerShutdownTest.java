package dev.fraudengine.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.FraudModel;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Graceful shutdown of the HTTP API: a request in flight is answered, a new connection is refused. */
class ScoringServerShutdownTest {
  private static final String TX = "{\"id\":\"g1\",\"event_time\":\"2025-03-01T10:00:00Z\",\"amount\":25.0,"
      + "\"currency\":\"EUR\",\"card_id\":\"c1\"}";

  /** A model that waits until released, so that a request is still in flight when the server is closed. */
  static final class GateModel implements FraudModel {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    public String id() {
      return "gate";
    }

    @Override
    public String version() {
      return "1";
    }

    @Override
    public double score(float[] features) {
      entered.countDown();
      try {
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return 0.1;
    }
  }

  @Test
  void close_withRequestInFlight_answersItThenRefusesNewConnections() throws Exception {
    GateModel model = new GateModel();
    FraudEngine engine = FraudEngine.builder().model(model).build();
    ScoringServer server = ScoringServer.start(engine, new InetSocketAddress("127.0.0.1", 0), null, 4096, 2, 5);
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    URI score = URI.create("http://127.0.0.1:" + server.port() + "/score");
    HttpRequest request = HttpRequest.newBuilder(score).POST(HttpRequest.BodyPublishers.ofString(TX))
        .header("Content-Type", "application/json").build();

    CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    assertThat(model.entered.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
    Thread.sleep(200);
    assertThat(closing).isNotDone();
    model.release.countDown();

    HttpResponse<String> answered = inFlight.get(10, TimeUnit.SECONDS);
    closing.get(10, TimeUnit.SECONDS);

    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(answered.body()).contains("\"transaction_id\":\"g1\"");
    assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(ConnectException.class);
  }
}
