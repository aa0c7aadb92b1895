package dev.fraudengine.rag;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudengine.core.CaseSignals;
import dev.fraudengine.core.Decision;
import dev.fraudengine.core.DecisionListener;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.Reason;
import dev.fraudengine.core.ReasonCode;
import dev.fraudengine.core.RiskLevel;
import dev.fraudengine.core.SimilarCase;
import dev.fraudengine.core.Transaction;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Explains decisions in plain language by sending their {@link CaseContext} to an OpenAI-compatible
 * chat-completions endpoint, with a deterministic fallback.
 *
 * <p><b>Protocol.</b> {@code POST {baseUrl}/v1/chat/completions} with a JSON body {@code {"model", "messages":
 * [system, user], "temperature": 0}}, the user message being {@link CaseContext#render()}, and an
 * {@code Authorization: Bearer} header when an API key is set. The answer is
 * {@code choices[0].message.content}. Nothing is hard-coded: the base URL, model and key come from the builder.
 *
 * <p><b>When.</b> Only decisions at or above the {@linkplain Builder#minRiskLevel minimum risk level} are sent;
 * others get the deterministic summary at once ({@link Explanation.Source#BELOW_LEVEL}).
 *
 * <p><b>Faults.</b> The returned future always completes normally, within about the timeout: when the endpoint is
 * slow, unreachable, answers a non-2xx status or a body without a non-blank {@code choices[0].message.content}, the
 * explanation is the deterministic summary built from the case context ({@link Explanation.Source#FALLBACK}), with
 * the cause in {@link Explanation#detail()}.
 *
 * <p><b>Threading.</b> Thread-safe. As a {@link DecisionListener} it runs on the engine's listener thread, starts
 * the request and returns; the HTTP exchange runs on the explainer's own daemon threads and the result goes to the
 * {@linkplain Builder#onExplanation sink} there, never on a scoring thread.
 */
public final class CaseExplainer implements DecisionListener, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CaseExplainer.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SYSTEM_PROMPT = "You are a fraud analyst's assistant. In at most five sentences, "
      + "explain why the payment below received its verdict, citing the reasons and the similar known cases "
      + "given. Do not invent facts that are not in the context.";

  private final URI endpoint;
  private final String model;
  private final String apiKey;
  private final RiskLevel minRiskLevel;
  private final Duration timeout;
  private final Consumer<Explanation> sink;
  private final ExecutorService executor;
  private final HttpClient http;

  private CaseExplainer(Builder b) {
    String base = b.baseUrl.toString();
    this.endpoint = URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base)
        + "/v1/chat/completions");
    this.model = b.model;
    this.apiKey = b.apiKey;
    this.minRiskLevel = b.minRiskLevel;
    this.timeout = b.timeout;
    this.sink = b.sink;
    AtomicInteger n = new AtomicInteger();
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fraud-explainer-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    this.http = HttpClient.newBuilder().connectTimeout(timeout).executor(executor).build();
  }

  /**
   * Starts a builder.
   *
   * @param baseUrl the endpoint's base URL, e.g. {@code http://127.0.0.1:8080}; {@code /v1/chat/completions} is
   *     appended
   * @param model the model name sent in each request
   * @return a new builder: minimum risk level {@link RiskLevel#HIGH}, timeout 10 s, no API key, no sink
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the URL is not absolute http(s), or the model is blank
   */
  public static Builder builder(URI baseUrl, String model) {
    return new Builder(baseUrl, model);
  }

  /**
   * Explains a decision asynchronously. Never fails: see the class description.
   *
   * @param decision the decision
   * @param transaction its transaction
   * @return a future that completes with the explanation within about the timeout
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the decision is not for that transaction
   */
  public CompletableFuture<Explanation> explain(Decision decision, Transaction transaction) {
    CaseContext context = CaseContext.of(decision, transaction);
    if (decision.riskLevel().compareTo(minRiskLevel) < 0) {
      return CompletableFuture.completedFuture(fallback(context, Explanation.Source.BELOW_LEVEL, ""));
    }
    HttpRequest request;
    try {
      request = request(context);
    } catch (RuntimeException e) {
      return CompletableFuture.completedFuture(fallback(context, Explanation.Source.FALLBACK, e.toString()));
    }
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((response, error) -> {
          if (error != null) {
            Throwable cause = error.getCause() != null && error instanceof java.util.concurrent.CompletionException
                ? error.getCause() : error;
            String why = cause instanceof java.util.concurrent.TimeoutException
                || cause instanceof java.net.http.HttpTimeoutException
                ? "timed out after " + timeout.toMillis() + " ms" : "request failed: " + cause;
            return fallback(context, Explanation.Source.FALLBACK, why);
          }
          return answer(context, response);
        });
  }

  /**
   * Explains a decision at or above the minimum risk level and hands the explanation to the sink. Returns at once.
   *
   * @param tx the scored transaction
   * @param decision its decision
   */
  @Override
  public void onDecision(Transaction tx, Decision decision) {
    if (decision.riskLevel().compareTo(minRiskLevel) < 0) {
      return;
    }
    explain(decision, tx).thenAccept(e -> {
      try {
        sink.accept(e);
      } catch (RuntimeException ex) {
        LOG.warn("the explanation sink failed for transaction {}", e.transactionId(), ex);
      }
    });
  }

  /** Stops the explainer's threads; requests in flight complete with the fallback. Never throws. */
  @Override
  public void close() {
    executor.shutdownNow();
  }

  private HttpRequest request(CaseContext context) {
    ObjectNode body = JSON.createObjectNode();
    body.put("model", model);
    ArrayNode messages = body.putArray("messages");
    messages.addObject().put("role", "system").put("content", SYSTEM_PROMPT);
    messages.addObject().put("role", "user").put("content", context.render());
    body.put("temperature", 0);
    HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
    if (apiKey != null) {
      b.header("Authorization", "Bearer " + apiKey);
    }
    return b.build();
  }

  private Explanation answer(CaseContext context, HttpResponse<String> response) {
    int status = response.statusCode();
    if (status < 200 || status > 299) {
      return fallback(context, Explanation.Source.FALLBACK, "endpoint answered HTTP " + status);
    }
    try {
      JsonNode content = JSON.readTree(response.body()).path("choices").path(0).path("message").path("content");
      if (!content.isTextual() || content.asText().isBlank()) {
        return fallback(context, Explanation.Source.FALLBACK, "answer has no choices[0].message.content");
      }
      Decision d = context.decision();
      return new Explanation(d.transactionId(), d.riskLevel(), content.asText().strip(), Explanation.Source.MODEL,
          "");
    } catch (java.io.IOException | RuntimeException e) {
      return fallback(context, Explanation.Source.FALLBACK, "answer is not JSON: " + e.getMessage());
    }
  }

  /**
   * The deterministic summary: the verdict, the first three reasons that are not feature contributions, the
   * nearest fraud case and the fraud share among the nearest cases.
   */
  static Explanation fallback(CaseContext context, Explanation.Source source, String detail) {
    Decision d = context.decision();
    StringBuilder s = new StringBuilder(256);
    s.append("The payment was given ").append(d.verdict()).append(" at ").append(d.riskLevel())
        .append(" risk (score ").append(CaseContext.num(d.score())).append(").");
    int n = 0;
    for (Reason r : d.reasons()) {
      if (n == 3) {
        break;
      }
      if (!r.code().equals(ReasonCode.FEATURE_CONTRIBUTION)) {
        s.append(n == 0 ? " Main reasons: " : "; ").append(r.message());
        n++;
      }
    }
    if (n > 0) {
      s.append('.');
    }
    CaseSignals signals = CaseSignals.of(d.similarCases());
    for (SimilarCase c : d.similarCases()) {
      if (c.label() == Label.FRAUD) {
        s.append(" The nearest known fraud case is ").append(c.caseId());
        if (c.fraudType() != null) {
          s.append(" (").append(c.fraudType()).append(')');
        }
        s.append(", similarity ").append(CaseContext.num(c.similarity())).append('.');
        break;
      }
    }
    if (!d.similarCases().isEmpty()) {
      long frauds = Math.round(signals.fraudShare() * d.similarCases().size());
      s.append(' ').append(frauds).append(" of the ").append(d.similarCases().size())
          .append(" most similar known cases were fraud.");
    }
    if (d.degraded()) {
      s.append(" A component failed, so the decision was made with less information than usual.");
    }
    return new Explanation(d.transactionId(), d.riskLevel(), s.toString(), source, detail);
  }

  /** Builds a {@link CaseExplainer}. Setters validate at once; not thread-safe. */
  public static final class Builder {
    private final URI baseUrl;
    private final String model;
    private String apiKey;
    private RiskLevel minRiskLevel = RiskLevel.HIGH;
    private Duration timeout = Duration.ofSeconds(10);
    private Consumer<Explanation> sink = e -> { };

    private Builder(URI baseUrl, String model) {
      Objects.requireNonNull(baseUrl, "baseUrl");
      Objects.requireNonNull(model, "model");
      String scheme = baseUrl.getScheme();
      if (!baseUrl.isAbsolute() || !("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))) {
        throw new IllegalArgumentException("baseUrl must be an absolute http(s) URL, but was " + baseUrl);
      }
      if (model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      this.baseUrl = baseUrl;
      this.model = model;
    }

    /**
     * Sets the API key sent as a bearer token. Default: none.
     *
     * @param apiKey the key
     * @return this builder
     * @throws IllegalArgumentException if the key is blank
     */
    public Builder apiKey(String apiKey) {
      Objects.requireNonNull(apiKey, "apiKey");
      if (apiKey.isBlank()) {
        throw new IllegalArgumentException("apiKey must not be blank");
      }
      this.apiKey = apiKey;
      return this;
    }

    /**
     * Sets the lowest risk level sent to the endpoint. Default {@link RiskLevel#HIGH}.
     *
     * @param level the level
     * @return this builder
     */
    public Builder minRiskLevel(RiskLevel level) {
      this.minRiskLevel = Objects.requireNonNull(level, "level");
      return this;
    }

    /**
     * Sets how long to wait for the endpoint (connection and answer) before falling back. Default 10 s.
     *
     * @param timeout the timeout, positive
     * @return this builder
     * @throws IllegalArgumentException if the timeout is not positive
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isZero() || timeout.isNegative()) {
        throw new IllegalArgumentException("timeout must be positive, but was " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Sets where {@link #onDecision} delivers explanations; called on the explainer's threads. Default: discard.
     *
     * @param sink the consumer; its exceptions are logged
     * @return this builder
     */
    public Builder onExplanation(Consumer<Explanation> sink) {
      this.sink = Objects.requireNonNull(sink, "sink");
      return this;
    }

    /**
     * Builds the explainer.
     *
     * @return a new explainer; close it to stop its threads
     */
    public CaseExplainer build() {
      return new CaseExplainer(this);
    }
  }
}
