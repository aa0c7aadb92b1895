package dev.fraudengine.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.fraudengine.core.Transaction;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StandardPipelineTest {
  private final OnlineFeaturePipeline p = FeaturePipelines.standard();

  private float get(float[] v, String feature) {
    int i = p.schema().indexOf(feature);
    assertThat(i).as(feature).isNotNegative();
    return v[i];
  }

  private static Transaction pay(String id, Duration at, String card, String device, String ip, double lat,
      double lon, double amount) {
    Transaction.Builder b = Transaction.builder().id(id).eventTime(Txs.at(at)).amount(amount, "EUR").card(card)
        .terminal("shop").device(device).ip(ip);
    if (!Double.isNaN(lat)) {
      b.location(lat, lon);
    }
    return b.build();
  }

  @Test
  void standard_schema_hasAtLeastThirtyUniqueFeatures() {
    assertThat(p.schema().size()).isGreaterThanOrEqualTo(30);
    assertThat(p.schema().name()).isEqualTo("standard");
  }

  @Test
  void standard_firstTransaction_missingHistoryIsNaN() {
    float[] v = p.process(pay("a", Duration.ZERO, "c1", null, null, Double.NaN, 0, 100));
    assertThat(get(v, "card.first_seen")).isEqualTo(1f);
    assertThat(get(v, "card.seconds_since_last")).isNaN();
    assertThat(get(v, "card.geo_distance_km")).isNaN();
    assertThat(get(v, "card.amount_zscore_30d")).isNaN();
    assertThat(get(v, "card.amount_ratio_30d")).isNaN();
    assertThat(get(v, "card.new_device_30d")).isNaN();
    assertThat(get(v, "device.txn_count_1h")).isNaN();
    assertThat(get(v, "terminal.risk_1d_delay7d")).isNaN();
    assertThat(get(v, "card.distinct_device_30d")).isZero();
    assertThat(get(v, "tx.amount")).isEqualTo(100f);
  }

  @Test
  void standard_impossibleTravelAndNewDevice_areMeasured() {
    p.process(pay("a", Duration.ZERO, "c1", "d1", "1.1.1.1", 48.8566, 2.3522, 20));
    p.process(pay("b", Duration.ofMinutes(30), "c2", "d1", "1.1.1.1", Double.NaN, 0, 30));
    float[] v = p.process(pay("c", Duration.ofHours(1), "c1", "d2", "2.2.2.2", 40.7128, -74.0060, 40));
    assertThat(get(v, "card.geo_distance_km")).isCloseTo(5837f, within(10f));
    assertThat(get(v, "card.geo_speed_kmh")).isCloseTo(5837f, within(10f));
    assertThat(get(v, "card.new_device_30d")).isEqualTo(1f);
    assertThat(get(v, "card.distinct_device_30d")).isEqualTo(2f);
    assertThat(get(v, "card.distinct_ip_30d")).isEqualTo(2f);
    assertThat(get(v, "card.seconds_since_last")).isEqualTo(3600f);
    assertThat(get(v, "card.first_seen")).isZero();
    assertThat(get(v, "card.txn_count_1h")).isEqualTo(1f);
    assertThat(get(v, "card.amount_sum_1d")).isEqualTo(60f);
    assertThat(get(v, "device.first_seen")).isEqualTo(1f);

    float[] w = p.process(pay("d", Duration.ofMinutes(70), "c3", "d1", "1.1.1.1", Double.NaN, 0, 50));
    assertThat(get(w, "device.distinct_card_1d")).isEqualTo(3f);
    assertThat(get(w, "device.txn_count_1h")).isEqualTo(2f);
    assertThat(get(w, "ip.distinct_card_1d")).isEqualTo(3f);
    assertThat(get(w, "device.first_seen")).isZero();
  }
}
