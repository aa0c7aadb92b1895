package dev.fraudengine.examples;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.EngineMetrics;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.Reason;
import dev.fraudengine.core.Rule;
import dev.fraudengine.core.RuleAction;
import dev.fraudengine.core.RuleContext;
import dev.fraudengine.core.RuleSet;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.core.Verdict;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/**
 * {@code fraud demo}: scores a small built-in stream of payments with a rules-only engine and prints each decision
 * with its reasons, then the engine's metrics.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
    description = "Score a small built-in stream with a rules-only engine and print the decisions.")
final class DemoCommand implements Callable<Integer> {
  private static final Instant START = Instant.parse("2026-11-20T08:00:00Z");
  private static final Set<String> BLOCKED_CARDS = Set.of("card-0666");
  private static final Set<String> TRUSTED_CARDS = Set.of("card-0007");
  private static final Set<String> RISKY_COUNTRIES = Set.of("KP", "IR");

  private final PrintStream out;

  DemoCommand() {
    this(System.out);
  }

  DemoCommand(PrintStream out) {
    this.out = out;
  }

  /** The demo's rule set: hard rules from lists and limits, weighted rules from the payment's own fields. */
  static RuleSet rules() {
    return RuleSet.of("demo-1",
        Rule.of("trusted-card", RuleAction.ALLOW, 0,
            "card is on the trusted list", ctx -> TRUSTED_CARDS.contains(ctx.transaction().cardId())),
        Rule.of("blocked-card", RuleAction.BLOCK, 0,
            "card is on the blocked list", ctx -> BLOCKED_CARDS.contains(ctx.transaction().cardId())),
        Rule.of("sanctioned-country", RuleAction.BLOCK, 0,
            "payment from a sanctioned country", ctx -> RISKY_COUNTRIES.contains(ctx.transaction().country())),
        Rule.of("large-ecom", RuleAction.HOLD, 0,
            "online payment above 5,000", ctx -> isEcom(ctx) && ctx.transaction().amount() > 5_000),
        Rule.of("large-amount", RuleAction.REVIEW, 0,
            "payment above 1,000", ctx -> ctx.transaction().amount() > 1_000),
        Rule.of("night", RuleAction.SCORE, 0.25,
            "payment between 01:00 and 05:00 UTC", DemoCommand::atNight),
        Rule.of("foreign-card", RuleAction.SCORE, 0.20,
            "card issued in another country than the payment's",
            ctx -> ctx.transaction().country() != null
                && !ctx.transaction().country().equals(ctx.transaction().attributes().get("card_country"))),
        Rule.of("ecom-no-device", RuleAction.SCORE, 0.15,
            "online payment without a device id", ctx -> isEcom(ctx) && ctx.transaction().deviceId() == null),
        Rule.of("small-amount", RuleAction.SCORE, -0.05,
            "payment under 20", ctx -> ctx.transaction().amount() < 20));
  }

  private static boolean isEcom(RuleContext ctx) {
    return "ecom".equals(ctx.transaction().channel());
  }

  private static boolean atNight(RuleContext ctx) {
    int hour = ctx.transaction().eventTime().atZone(ZoneOffset.UTC).getHour();
    return hour >= 1 && hour < 5;
  }

  /** The built-in stream: ordinary payments with a few suspicious ones among them, in event order. */
  static List<Transaction> stream() {
    List<Transaction> txs = new ArrayList<>();
    Object[][] rows = {
        // minutes after start, card, amount, channel, country, card country, device, merchant
        {0, "card-0001", 23.40, "pos", "FR", "FR", null, "bakery-12"},
        {7, "card-0002", 89.90, "ecom", "FR", "FR", "dev-a1", "shoes-online"},
        {15, "card-0003", 1_450.00, "ecom", "DE", "DE", "dev-b7", "electronics-4"},
        {22, "card-0666", 12.00, "pos", "FR", "FR", null, "kiosk-3"},
        {31, "card-0004", 7_800.00, "ecom", "GB", "FR", null, "jewels-online"},
        {40, "card-0007", 9_500.00, "ecom", "FR", "FR", "dev-c2", "cars-dealer"},
        {52, "card-0005", 54.10, "pos", "FR", "FR", null, "grocery-9"},
        {61, "card-0006", 310.00, "ecom", "IR", "FR", "dev-d4", "vpn-shop"},
        {1_080, "card-0008", 640.00, "ecom", "US", "FR", null, "gift-cards"},
        {1_095, "card-0008", 655.00, "ecom", "US", "FR", null, "gift-cards"},
        {1_140, "card-0009", 18.50, "pos", "FR", "FR", null, "cafe-2"},
        {1_150, "card-0010", 2_300.00, "pos", "FR", "FR", null, "furniture-1"},
    };
    int n = 0;
    for (Object[] r : rows) {
      Transaction.Builder b = Transaction.builder()
          .id(String.format("tx-%04d", ++n))
          .eventTime(START.plusSeconds(60L * (Integer) r[0]))
          .amount((Double) r[2], "EUR")
          .card((String) r[1])
          .channel((String) r[3])
          .country((String) r[4])
          .attribute("card_country", (String) r[5])
          .terminal((String) r[7]);
      if (r[6] != null) {
        b.device((String) r[6]);
      }
      txs.add(b.build());
    }
    return txs;
  }

  @Override
  public Integer call() {
    try (FraudEngine engine = FraudEngine.builder().rules(rules()).build()) {
      out.println("fraud-engine demo: a rules-only engine (" + rules().rules().size()
          + " rules) scoring " + stream().size() + " payments");
      out.println();
      out.printf("%-8s %-10s %10s  %-7s %-8s %5s  %s%n", "id", "card", "amount", "verdict", "risk", "score",
          "reasons");
      for (Transaction tx : stream()) {
        Decision d = engine.score(tx);
        out.printf("%-8s %-10s %10.2f  %-7s %-8s %5d  %s%n", tx.id(), tx.cardId(), tx.amount(), d.verdict(),
            d.riskLevel(), d.score100(), describe(d.reasons()));
      }
      EngineMetrics m = engine.metrics();
      out.println();
      out.printf("decisions: %d  (%s)  alert rate %.0f%%%n", m.decisions(),
          java.util.Arrays.stream(Verdict.values()).map(v -> v + " " + m.decisions(v))
              .collect(Collectors.joining(", ")),
          100 * m.alertRate());
      out.printf("latency per decision: p50 %.1f µs, p99 %.1f µs, max %.1f µs (first calls include JIT warm-up)%n",
          m.latency().p50Nanos() / 1e3, m.latency().p99Nanos() / 1e3, m.latency().maxNanos() / 1e3);
    }
    return 0;
  }

  private static String describe(List<Reason> reasons) {
    if (reasons.isEmpty()) {
      return "-";
    }
    return reasons.stream().map(r -> r.code() + " " + r.values().get("rule")).collect(Collectors.joining(", "));
  }
}
