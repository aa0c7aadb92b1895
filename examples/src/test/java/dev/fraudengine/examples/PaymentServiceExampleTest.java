package dev.fraudengine.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.InvalidTransactionException;
import dev.fraudengine.core.Verdict;
import dev.fraudengine.examples.PaymentServiceExample.Outcome;
import dev.fraudengine.examples.PaymentServiceExample.PaymentRequest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class PaymentServiceExampleTest {
  private static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");

  private static PaymentRequest payment(int i, String card, long cents) {
    return new PaymentRequest("pay-" + i, card, "shop-7", cents, "EUR", null, null, NOW.minusSeconds(3_600 - i * 30L));
  }

  @Test
  void authorise_velocityThenBlockList_followTheRules() {
    try (PaymentServiceExample service = new PaymentServiceExample(null, Clock.fixed(NOW, ZoneOffset.UTC))) {
      // card.txn_count_1h counts the payment being decided: the sixth within the hour trips "> 5".
      for (int i = 0; i < 5; i++) {
        assertThat(service.authorise(payment(i, "card-1", 2_000))).isEqualTo(Outcome.AUTHORISE);
      }
      assertThat(service.authorise(payment(5, "card-1", 2_000))).isEqualTo(Outcome.AUTHORISE_AND_REVIEW);

      service.blockCard("card-2");

      assertThat(service.authorise(payment(7, "card-2", 500))).isEqualTo(Outcome.DECLINE);
      assertThat(service.decisions(Verdict.BLOCK)).isEqualTo(1);
      service.onChargeback("pay-0", NOW);
    }
  }

  @Test
  void authorise_badRequest_rejectedWithEveryProblem() {
    try (PaymentServiceExample service = new PaymentServiceExample(null, Clock.fixed(NOW, ZoneOffset.UTC))) {
      PaymentRequest bad = new PaymentRequest("pay-x", " ", "shop-7", -5, "EURO", null, null, NOW);

      assertThatThrownBy(() -> service.authorise(bad)).isInstanceOf(InvalidTransactionException.class)
          .hasMessageContaining("amount").hasMessageContaining("currency").hasMessageContaining("cardId");
      assertThat(service.decisions(Verdict.APPROVE)).isZero();
    }
  }
}
