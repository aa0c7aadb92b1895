package dev.fraudengine.examples;

// quick-start:begin
import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.Rule;
import dev.fraudengine.core.RuleSet;
import dev.fraudengine.core.Transaction;
import java.time.Instant;
import java.util.Set;

public class QuickStart {
  public static void main(String[] args) {
    Set<String> blockedCards = Set.of("card-666");
    RuleSet rules = RuleSet.of("2026-11-21",
        Rule.block("blocked-card", ctx -> blockedCards.contains(ctx.transaction().cardId())),
        Rule.review("large-amount", ctx -> ctx.transaction().amount() > 1_000),
        Rule.score("night", 0.35, ctx -> ctx.transaction().eventTime().atZone(java.time.ZoneOffset.UTC).getHour() < 5));

    try (FraudEngine engine = FraudEngine.builder().rules(rules).build()) {
      Transaction tx = Transaction.builder()
          .id("tx-1001").eventTime(Instant.now())
          .amount(1_250.00, "EUR").card("card-42").terminal("shop-7")
          .build();
      Decision d = engine.score(tx);
      System.out.println(d.verdict() + " " + d.riskLevel() + " score=" + d.score100() + " " + d.reasons());
    }
  }
}
// quick-start:end
