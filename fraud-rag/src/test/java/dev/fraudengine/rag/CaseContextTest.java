package dev.fraudengine.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.RiskLevel;
import org.junit.jupiter.api.Test;

class CaseContextTest {

  @Test
  void render_decision_listsVerdictReasonsFeaturesAndCasesInOrder() {
    Decision d = Decisions.decision(RiskLevel.CRITICAL);
    String text = CaseContext.of(d, Decisions.TX).render();

    assertThat(text).startsWith("Decision for transaction tx-9: " + d.verdict() + " (risk CRITICAL, score "
        + CaseContext.num(d.score()) + ")\n"
        + "Transaction: 2026-11-21T11:00:00Z, amount 900.00 EUR, channel pos, merchant category 5732, country FR\n"
        + "Reasons:\n");
    assertThat(text).containsSubsequence("[MODEL_SCORE] model 'gbt' scored 0.95", "[SIMILAR_FRAUD_CASE]",
        "Top features:\n  - amount = 900.00, contribution 1.25 (model gbt)\n",
        "Nearest known cases:\n  1. case-7: FRAUD (card_testing), similarity 0.09, happened 2026-11-01T10:00:00Z\n"
            + "  2. case-2: LEGITIMATE, similarity 0.00",
        "Case signals: nearest fraud similarity 0.09, fraud share 0.50 of 2 neighbours\n", "Degraded: no\n");
    assertThat(CaseContext.of(d, Decisions.TX).render()).isEqualTo(text);
  }

  @Test
  void render_decision_leavesOutEntityKeys() {
    String text = CaseContext.of(Decisions.decision(RiskLevel.CRITICAL), Decisions.TX).render();

    assertThat(text).doesNotContain("card-1").doesNotContain("term-1").doesNotContain("device-secret");
  }

  @Test
  void of_otherTransaction_rejectsNamingBothIds() {
    assertThatThrownBy(() -> CaseContext.of(Decisions.decision(RiskLevel.LOW),
        Decisions.TX.toBuilder().id("other").build()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tx-9").hasMessageContaining("other");
  }
}
