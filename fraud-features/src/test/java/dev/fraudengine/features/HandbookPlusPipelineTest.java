package dev.fraudengine.features;

import static dev.fraudengine.features.Txs.days;
import static dev.fraudengine.features.Txs.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HandbookPlusPipelineTest {
  private final OnlineFeaturePipeline p = FeaturePipelines.handbookPlus();

  private float get(float[] v, String feature) {
    int i = p.schema().indexOf(feature);
    assertThat(i).as(feature).isNotNegative();
    return v[i];
  }

  @Test
  void handbookPlus_schema_startsWithTheHandbooksFifteenAndHasUniqueNames() {
    List<String> names = p.schema().features();
    assertThat(p.schema().name()).isEqualTo("handbook-plus");
    assertThat(names).hasSize(37).doesNotHaveDuplicates();
    assertThat(names.subList(0, 15)).containsExactlyElementsOf(FeaturePipelines.handbook().schema().features());
    assertThat(new HashSet<>(names)).contains("card.amount_ratio_90d", "card.amount_max_30d_prior",
        "terminal.risk_14d_delay7d", "terminal.risk_60d_delay7d", "card.risk_30d_delay7d",
        "terminal.seconds_since_last");
  }

  @Test
  void handbookPlus_sameStream_firstFifteenEqualTheHandbookPipelineButEmptyRiskIsNaN() {
    long seed = 20180725L;
    System.out.println("seed " + seed);
    Random r = new Random(seed);
    OnlineFeaturePipeline hb = FeaturePipelines.handbook();
    for (int i = 0; i < 2_000; i++) {
      Transaction t = tx("t" + i, days(i * 0.02), "c" + r.nextInt(30), "m" + r.nextInt(10), 1 + r.nextInt(300));
      if (i % 97 == 0) {
        hb.feedback("t" + (i / 2), Label.FRAUD, t.eventTime());
        p.feedback("t" + (i / 2), Label.FRAUD, t.eventTime());
      }
      float[] a = hb.process(t);
      float[] b = p.process(t);
      for (int j = 0; j < a.length; j++) {
        String name = hb.schema().features().get(j);
        boolean emptyRisk = name.startsWith("terminal.risk_") && a[j - 1] == 0;
        if (emptyRisk) {
          assertThat(b[j]).as("row %d, %s", i, name).isNaN();
        } else {
          assertThat(b[j]).as("row %d, %s", i, name).isEqualTo(a[j]);
        }
      }
    }
  }

  @Test
  void handbookPlus_amountFiveTimesTheHistory_showsInTheRatiosAndTheDelayedTerminalRisk() {
    p.process(tx("a", days(0), "c1", "m1", 20));
    p.process(tx("b", days(1), "c1", "m1", 40));
    p.feedback("a", Label.FRAUD, Txs.at(days(7)));
    float[] v = p.process(tx("c", days(20), "c1", "m2", 150));

    assertThat(get(v, "card.amount_ratio_90d")).isCloseTo(5f, within(1e-5f));
    assertThat(get(v, "card.amount_ratio_7d")).isNaN();
    assertThat(get(v, "card.amount_max_30d_prior")).isEqualTo(40f);
    assertThat(get(v, "card.amount_mean_90d")).isCloseTo(70f, within(1e-4f));
    assertThat(get(v, "card.txn_count_90d")).isEqualTo(3f);
    assertThat(get(v, "card.risk_30d_delay7d")).isCloseTo(0.5f, within(1e-6f));
    assertThat(get(v, "terminal.risk_14d_delay7d")).isZero();

    float[] w = p.process(tx("d", days(20.5), "c2", "m1", 10));
    assertThat(get(w, "terminal.risk_14d_delay7d")).isCloseTo(0.5f, within(1e-6f));
    assertThat(get(w, "terminal.risk_60d_delay7d")).isCloseTo(0.5f, within(1e-6f));
    assertThat(get(w, "terminal.seconds_since_last")).isEqualTo((float) (19.5 * 86_400));
    assertThat(get(w, "terminal.risk_7d_delay7d")).isNaN();
  }
}
