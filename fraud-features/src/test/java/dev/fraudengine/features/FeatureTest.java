package dev.fraudengine.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FeatureTest {
  private static final Duration DAY = Duration.ofDays(1);

  @Test
  void names_factories_areStableAndReadable() {
    assertThat(Feature.count(Entity.CARD, DAY).name()).isEqualTo("card.txn_count_1d");
    assertThat(Feature.amountMean(Entity.CARD, Duration.ofDays(30)).name()).isEqualTo("card.amount_mean_30d");
    assertThat(Feature.delayedRisk(Entity.TERMINAL, Duration.ofDays(7), Duration.ofDays(7)).name())
        .isEqualTo("terminal.risk_7d_delay7d");
    assertThat(Feature.count(Entity.IP, Duration.ofMinutes(15)).name()).isEqualTo("ip.txn_count_15m");
    assertThat(Feature.count(Entity.IP, Duration.ofHours(1)).excludingCurrent().name())
        .isEqualTo("ip.txn_count_1h_prior");
    assertThat(Feature.distinct(Entity.CARD, Entity.DEVICE, DAY).name()).isEqualTo("card.distinct_device_1d");
    assertThat(Feature.newPair(Entity.CARD, Entity.attribute("mcc"), DAY).name()).isEqualTo("card.new_attr.mcc_1d");
    assertThat(Feature.geoSpeedKmh(Entity.CARD).named("card.speed").name()).isEqualTo("card.speed");
  }

  @Test
  void readsLabels_delayedRiskOnly_isTrue() {
    assertThat(Feature.delayedRisk(Entity.TERMINAL, DAY, Duration.ofDays(7)).readsLabels()).isTrue();
    assertThat(Feature.delayedRisk(Entity.TERMINAL, DAY, Duration.ofDays(7)).orElse(0).readsLabels()).isTrue();
    assertThat(Feature.delayedCount(Entity.TERMINAL, DAY, Duration.ofDays(7)).readsLabels()).isFalse();
    assertThat(Feature.count(Entity.CARD, DAY).readsLabels()).isFalse();
    assertThat(Feature.amount().readsLabels()).isFalse();
  }

  @Test
  void window_outOfRange_isRejectedWithValue() {
    assertThatThrownBy(() -> Feature.count(Entity.CARD, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window").hasMessageContaining("PT0S");
    assertThatThrownBy(() -> Feature.count(Entity.CARD, Duration.ofDays(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window").hasMessageContaining("PT-24H");
    assertThatThrownBy(() -> Feature.count(Entity.CARD, Duration.ofDays(400)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("366 days");
    assertThatThrownBy(() -> Feature.count(Entity.CARD, Duration.ofNanos(1500)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("milliseconds");
    assertThatThrownBy(() -> Feature.delayedRisk(Entity.CARD, DAY, Duration.ofDays(-7)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("delay");
    assertThatThrownBy(() -> Feature.count(null, DAY)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("entity");
  }

  @Test
  void definitionMisuse_isRejected() {
    assertThatThrownBy(() -> Feature.amountZScore(Entity.CARD, DAY).excludingCurrent())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("card.amount_zscore_1d");
    assertThatThrownBy(() -> Feature.distinct(Entity.CARD, Entity.CARD, DAY))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("other").hasMessageContaining("card");
    assertThatThrownBy(() -> Feature.weekend().named("a,b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name").hasMessageContaining("a,b");
    assertThatThrownBy(() -> Feature.weekend().named(" ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
  }

  @Test
  void entity_badNames_areRejected() {
    assertThatThrownBy(() -> Entity.attribute("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attribute");
    assertThatThrownBy(() -> Entity.attribute("a b")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a b");
    assertThatThrownBy(() -> Entity.of("card", tx -> tx.cardId())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("built-in").hasMessageContaining("card");
    assertThatThrownBy(() -> Entity.of("x", null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("key");
    assertThat(Entity.of("merchant_country", tx -> tx.country())).isEqualTo(Entity.of("merchant_country", tx -> null));
  }

  @Test
  void handbook_schema_hasFifteenFeaturesMappedToHandbookColumns() {
    OnlineFeaturePipeline p = FeaturePipelines.handbook();
    assertThat(p.schema().name()).isEqualTo("handbook");
    assertThat(p.schema().features()).hasSize(15).containsExactlyElementsOf(
        FeaturePipelines.handbookColumns().keySet());
    assertThat(FeaturePipelines.handbookColumns().values()).containsExactly("TX_AMOUNT", "TX_DURING_WEEKEND", "TX_DURING_NIGHT",
        "CUSTOMER_ID_NB_TX_1DAY_WINDOW", "CUSTOMER_ID_AVG_AMOUNT_1DAY_WINDOW", "CUSTOMER_ID_NB_TX_7DAY_WINDOW",
        "CUSTOMER_ID_AVG_AMOUNT_7DAY_WINDOW", "CUSTOMER_ID_NB_TX_30DAY_WINDOW", "CUSTOMER_ID_AVG_AMOUNT_30DAY_WINDOW",
        "TERMINAL_ID_NB_TX_1DAY_WINDOW", "TERMINAL_ID_RISK_1DAY_WINDOW", "TERMINAL_ID_NB_TX_7DAY_WINDOW",
        "TERMINAL_ID_RISK_7DAY_WINDOW", "TERMINAL_ID_NB_TX_30DAY_WINDOW", "TERMINAL_ID_RISK_30DAY_WINDOW");
  }
}
