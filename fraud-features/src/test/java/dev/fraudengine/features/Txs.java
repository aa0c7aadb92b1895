package dev.fraudengine.features;

import dev.fraudengine.core.Transaction;
import java.time.Duration;
import java.time.Instant;

/** Small transaction builders for the tests. */
final class Txs {
  static final Instant T0 = Instant.parse("2024-03-04T12:00:00Z");

  private Txs() {}

  static Instant at(Duration offset) {
    return T0.plus(offset);
  }

  static Transaction tx(String id, Instant time, String card, String terminal, double amount) {
    return Transaction.builder().id(id).eventTime(time).amount(amount, "EUR").card(card).terminal(terminal).build();
  }

  static Transaction tx(String id, Duration offset, String card, String terminal, double amount) {
    return tx(id, at(offset), card, terminal, amount);
  }

  static Duration days(double d) {
    return Duration.ofMillis(Math.round(d * 86_400_000L));
  }
}
