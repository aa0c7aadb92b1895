package dev.fraudengine.examples;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.InvalidTransactionException;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.NamedLists;
import dev.fraudengine.core.RuleCompiler;
import dev.fraudengine.core.RuleSet;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.core.Verdict;
import dev.fraudengine.features.FeaturePipelines;
import dev.fraudengine.features.OnlineFeaturePipeline;
import dev.fraudengine.models.GradientBoostedTrees;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * How a payment service embeds the engine: build it once at start-up, score in the request path, send the
 * outcome back when it is known.
 *
 * <pre>
 * java -cp examples/target/fraud-cli.jar dev.fraudengine.examples.PaymentServiceExample [MODEL_DIR]
 * </pre>
 *
 * <p>With a model directory made by {@code fraud train --pipeline standard}, the engine adds the model's score to
 * the rules; without one, the rules decide alone.
 */
public final class PaymentServiceExample implements AutoCloseable {

  /** What the service's own API receives: the request of a card payment. */
  public record PaymentRequest(String paymentId, String cardNumber, String merchantId, long amountCents,
      String currency, String deviceId, String ip, Instant at) {}

  /** What the service answers. */
  public enum Outcome {
    /** Authorise the payment. */
    AUTHORISE,
    /** Authorise, and queue the payment for an analyst. */
    AUTHORISE_AND_REVIEW,
    /** Ask the customer for a second factor before authorising. */
    CHALLENGE,
    /** Decline. */
    DECLINE
  }

  private static final String RULES = """
      blocked:        block  if card_id in @blocked_cards
      velocity:       review if card.txn_count_1h > 5
      new_device_big: hold   if card.new_device_30d and amount > 5 * card.amount_mean_30d
      large_ecom:     score +0.20 if amount > 2000 and not is_missing(device_id)
      """;

  private final FraudEngine engine;
  private final NamedLists lists = new NamedLists().define("blocked_cards", List.of());

  /**
   * Builds the engine once, at start-up: it is thread-safe and shared by every request thread.
   *
   * @param modelDir a model directory of {@code fraud train --pipeline standard}, or {@code null} for rules only
   * @param clock the clock that tells "now" (event times too far in the future are refused)
   */
  public PaymentServiceExample(Path modelDir, Clock clock) {
    OnlineFeaturePipeline features = FeaturePipelines.standard();
    RuleCompiler compiler = RuleCompiler.builder().schema(features.schema()).lists(lists)
        .models(modelDir == null ? new String[0] : new String[] {"gbt"}).build();
    RuleSet rules = compiler.compile("payments-2026-11", RULES);
    FraudEngine.Builder builder = FraudEngine.builder().clock(clock).features(features).rules(rules);
    if (modelDir != null) {
      builder.model(GradientBoostedTrees.loadDirectory(modelDir, features.schema(), "gbt"));
    }
    this.engine = builder.build();
  }

  /**
   * The request path: maps the request to a transaction, asks the engine, maps the verdict to the answer.
   *
   * @param request the payment request
   * @return what to answer
   * @throws InvalidTransactionException listing every problem of a bad request (answer it with a 4xx)
   */
  public Outcome authorise(PaymentRequest request) {
    Transaction tx = Transaction.builder()
        .id(request.paymentId())
        .eventTime(request.at())
        .amount(request.amountCents() / 100.0, request.currency())
        .card(request.cardNumber())
        .terminal(request.merchantId())
        .channel(request.deviceId() == null ? "pos" : "ecom")
        .device(request.deviceId())
        .ip(request.ip())
        .build();
    Decision d = engine.score(tx);
    return switch (d.verdict()) {
      case APPROVE -> Outcome.AUTHORISE;
      case REVIEW -> Outcome.AUTHORISE_AND_REVIEW;
      case HOLD -> Outcome.CHALLENGE;
      case BLOCK -> Outcome.DECLINE;
    };
  }

  /**
   * Later, off the request path: a chargeback confirms fraud; the engine's delayed-label features learn from it.
   *
   * @param paymentId the disputed payment
   * @param at when the chargeback arrived
   */
  public void onChargeback(String paymentId, Instant at) {
    engine.feedback(paymentId, Label.FRAUD, at);
  }

  /**
   * Blocks a card from now on: the list is swapped atomically, the rules need no recompiling.
   *
   * @param cardNumber the card
   */
  public void blockCard(String cardNumber) {
    List<String> blocked = new java.util.ArrayList<>(lists.get("blocked_cards"));
    blocked.add(cardNumber);
    lists.replace("blocked_cards", blocked);
  }

  /**
   * Returns the engine's verdict counts, for the service's metrics endpoint.
   *
   * @param verdict a verdict
   * @return how many decisions had it
   */
  public long decisions(Verdict verdict) {
    return engine.metrics().decisions(verdict);
  }

  @Override
  public void close() {
    engine.close();
  }

  /**
   * Runs a few payments through the service.
   *
   * @param args an optional model directory
   */
  public static void main(String[] args) {
    Path model = args.length > 0 ? Path.of(args[0]) : null;
    try (PaymentServiceExample service = new PaymentServiceExample(model, Clock.systemUTC())) {
      Instant now = Instant.now();
      for (int i = 0; i < 8; i++) {
        PaymentRequest r = new PaymentRequest("pay-" + i, "4970-0000-0000-0042", "shop-7", 1_250 + i * 100L, "EUR",
            "phone-1", "203.0.113.7", now.minusSeconds(600 - i * 60L));
        System.out.println(r.paymentId() + " -> " + service.authorise(r));
      }
      service.onChargeback("pay-0", now);
      service.blockCard("4970-0000-0000-0042");
      System.out.println("pay-8 -> " + service.authorise(new PaymentRequest("pay-8", "4970-0000-0000-0042", "shop-7",
          990, "EUR", null, null, now)));
    }
  }
}
