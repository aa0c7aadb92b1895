package dev.fraudengine.features;

import static dev.fraudengine.features.Txs.days;
import static dev.fraudengine.features.Txs.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class OnlineFeaturePipelineTest {
  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration WEEK = Duration.ofDays(7);

  private static OnlineFeaturePipeline cardCountAndMean() {
    return OnlineFeaturePipelines.of(Feature.count(Entity.CARD, DAY), Feature.amountMean(Entity.CARD, DAY),
        Feature.count(Entity.CARD, DAY).excludingCurrent());
  }

  @Test
  void count_windowIsOpenOnTheLeftAndIncludesCurrent_matchesDefinition() {
    OnlineFeaturePipeline p = cardCountAndMean();
    p.process(tx("a", days(0), "c1", "t1", 10));
    p.process(tx("b", days(0.5), "c1", "t1", 20));
    float[] atExactlyOneDay = p.process(tx("c", days(1), "c1", "t1", 30));
    assertThat(atExactlyOneDay).containsExactly(2f, 25f, 1f);
    float[] justInside = p.process(tx("d", days(1.5).minusMillis(1), "c1", "t1", 40));
    assertThat(justInside).containsExactly(3f, 30f, 2f);
  }

  @Test
  void count_sameTimestampRecordedEarlier_isInsideWindow() {
    OnlineFeaturePipeline p = cardCountAndMean();
    p.process(tx("a", days(0), "c1", "t1", 10));
    assertThat(p.process(tx("b", days(0), "c1", "t1", 30))).containsExactly(2f, 20f, 1f);
  }

  @Test
  void process_keyAbsent_givesNaN() {
    OnlineFeaturePipeline p = OnlineFeaturePipelines.of(Feature.count(Entity.DEVICE, DAY), Feature.weekend());
    float[] v = p.process(tx("a", days(0), "c1", "t1", 10));
    assertThat(v[0]).isNaN();
    assertThat(v[1]).isZero();
  }

  @Test
  void calendarFeatures_utcHourAndWeekday_followHandbookDefinitions() {
    OnlineFeaturePipeline p = OnlineFeaturePipelines.of(Feature.weekend(), Feature.night(), Feature.hourOfDay(),
        Feature.dayOfWeek());
    assertThat(p.process(tx("a", Instant.parse("2024-03-09T06:59:59Z"), "c", "t", 1)))
        .containsExactly(1f, 1f, 6f, 6f);
    assertThat(p.process(tx("b", Instant.parse("2024-03-11T07:00:00Z"), "c", "t", 1)))
        .containsExactly(0f, 0f, 7f, 1f);
  }

  @Test
  void delayedRisk_labelNotYetKnown_isNotCounted() {
    OnlineFeaturePipeline p = OnlineFeaturePipelines.of(Feature.delayedCount(Entity.TERMINAL, DAY, WEEK),
        Feature.delayedRisk(Entity.TERMINAL, DAY, WEEK));
    p.process(tx("fraud", days(0.5), "c1", "t1", 10));
    p.feedback("fraud", Label.FRAUD, Txs.at(days(8.25)));
    float[] before = p.process(tx("x", days(8), "c2", "t1", 10));
    assertThat(before).containsExactly(1f, 0f);
    float[] after = p.process(tx("y", days(8.25), "c3", "t1", 10));
    assertThat(after).containsExactly(1f, 1f);
  }

  @Test
  void delayedRisk_transactionNewerThanDelay_isOutsideWindow() {
    OnlineFeaturePipeline p = OnlineFeaturePipelines.of(Feature.delayedCount(Entity.TERMINAL, DAY, WEEK),
        Feature.delayedRisk(Entity.TERMINAL, DAY, WEEK).orElse(0));
    p.process(tx("fraud", days(0), "c1", "t1", 10));
    p.feedback("fraud", Label.FRAUD, Txs.at(days(0)));
    assertThat(p.process(tx("x", days(6.9), "c2", "t1", 10))).containsExactly(0f, 0f);
    assertThat(p.process(tx("y", days(7), "c2", "t1", 10))).containsExactly(1f, 1f);
    assertThat(p.process(tx("z", days(8), "c2", "t1", 10))).containsExactly(0f, 0f);
  }

  @Test
  void feedback_laterLabelWins_andUnknownTransactionIsCounted() {
    OnlineFeaturePipeline p = OnlineFeaturePipelines.of(Feature.delayedRisk(Entity.TERMINAL, DAY, WEEK));
    p.process(tx("a", days(0), "c1", "t1", 10));
    p.feedback("a", Label.FRAUD, Txs.at(days(1)));
    p.feedback("a", Label.LEGITIMATE, Txs.at(days(2)));
    p.feedback("nobody", Label.FRAUD, Txs.at(days(2)));
    assertThat(p.process(tx("b", days(7.5), "c1", "t1", 10))).containsExactly(0f);
    assertThat(p.stats().labelsApplied()).isEqualTo(2);
    assertThat(p.stats().labelsUnmatched()).isEqualTo(1);
  }

  @Test
  void process_concurrentTransactionsOfOneCard_loseNoUpdate() throws Exception {
    OnlineFeaturePipeline p = OnlineFeaturePipelines.builder().add(Feature.count(Entity.CARD, Duration.ofDays(30)),
        Feature.amountSum(Entity.CARD, Duration.ofDays(30))).maxEventsPerEntity(100_000).build();
    int threads = 4;
    int each = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int th = 0; th < threads; th++) {
        int base = th * each;
        done.add(pool.submit(() -> {
          for (int i = 0; i < each; i++) {
            p.process(tx("tx" + (base + i), Duration.ofSeconds(1), "card", "t" + (i % 7), 1));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    float[] last = p.process(tx("last", Duration.ofSeconds(1), "card", "t", 1));
    assertThat(last).containsExactly(threads * each + 1f, threads * each + 1f);
  }

  @Test
  void process_tooLate_isRejectedAndStateUnchanged() {
    OnlineFeaturePipeline p = OnlineFeaturePipelines.builder()
        .add(Feature.count(Entity.CARD, DAY)).allowedLateness(Duration.ofHours(1)).build();
    p.process(tx("a", Duration.ofHours(10), "c1", "t1", 10));
    assertThatThrownBy(() -> p.process(tx("late", Duration.ofHours(8), "c1", "t1", 10)))
        .isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("late")
        .hasMessageContaining("allowed lateness PT1H")
        .hasMessageContaining("state unchanged")
        .satisfies(e -> assertThat(((FraudEngineException) e).code()).isEqualTo(ErrorCode.LATE_EVENT));
    assertThat(p.process(tx("b", Duration.ofHours(11), "c1", "t1", 10))).containsExactly(2f);
    assertThat(p.stats().lateRejected()).isEqualTo(1);
  }

  @Test
  void process_outOfOrderWithinLateness_seesOnlyEarlierEvents() {
    OnlineFeaturePipeline p = OnlineFeaturePipelines.builder()
        .add(Feature.count(Entity.CARD, DAY), Feature.secondsSinceLast(Entity.CARD), Feature.firstSeen(Entity.CARD))
        .allowedLateness(Duration.ofHours(1)).build();
    p.process(tx("a", Duration.ofMinutes(60), "c1", "t1", 10));
    float[] late = p.process(tx("b", Duration.ofMinutes(30), "c1", "t1", 10));
    assertThat(late[0]).isEqualTo(1f);
    assertThat(late[1]).isNaN();
    assertThat(late[2]).isEqualTo(1f);
    float[] next = p.process(tx("c", Duration.ofMinutes(61), "c1", "t1", 10));
    assertThat(next).containsExactly(3f, 60f, 0f);
  }

  @Test
  void entityMap_sizeBound_evictsAndCounts() {
    OnlineFeaturePipeline p = OnlineFeaturePipelines.builder().add(Feature.count(Entity.CARD, DAY))
        .maxEntities(10).build();
    for (int i = 0; i < 200; i++) {
      p.process(tx("x" + i, Duration.ofSeconds(i), "card" + i, "t", 1));
    }
    assertThat(p.stats().evictions()).isGreaterThanOrEqualTo(190);
    assertThat(p.stats().entities()).isLessThanOrEqualTo(10);
  }

  @Test
  void entityMap_idleInEventTime_isForgotten() {
    OnlineFeaturePipeline p = OnlineFeaturePipelines.builder().add(Feature.firstSeen(Entity.CARD))
        .idleTimeout(Duration.ofDays(2)).build();
    p.process(tx("a", days(0), "old", "t", 1));
    p.process(tx("b", days(1), "other", "t", 1));
    assertThat(p.process(tx("c", days(1.5), "old", "t", 1))).containsExactly(0f);
    p.process(tx("d", days(5), "other", "t", 1));
    assertThat(p.process(tx("e", days(5), "old", "t", 1))).containsExactly(1f);
    assertThat(p.stats().evictions()).isGreaterThanOrEqualTo(1);
  }

  @Test
  void entityState_maxEvents_dropsOldestAndCounts() {
    OnlineFeaturePipeline p = OnlineFeaturePipelines.builder().add(Feature.count(Entity.CARD, DAY))
        .maxEventsPerEntity(5).build();
    float[] v = null;
    for (int i = 0; i < 20; i++) {
      v = p.process(tx("x" + i, Duration.ofSeconds(i), "c", "t", 1));
    }
    assertThat(v).containsExactly(6f);
    assertThat(p.stats().droppedEvents()).isEqualTo(15);
  }

  @Test
  void amountStatistics_knownValues_areExact() {
    OnlineFeaturePipeline p = OnlineFeaturePipelines.of(Feature.amountStd(Entity.CARD, DAY),
        Feature.amountMin(Entity.CARD, DAY), Feature.amountMax(Entity.CARD, DAY),
        Feature.amountZScore(Entity.CARD, DAY), Feature.amountRatio(Entity.CARD, DAY),
        Feature.amountSum(Entity.CARD, DAY).excludingCurrent());
    p.process(tx("a", Duration.ofMinutes(1), "c", "t", 10));
    p.process(tx("b", Duration.ofMinutes(2), "c", "t", 30));
    float[] v = p.process(tx("c", Duration.ofMinutes(3), "c", "t", 50));
    assertThat(v[0]).isCloseTo((float) Math.sqrt(800.0 / 3), within(1e-4f));
    assertThat(v[1]).isEqualTo(10f);
    assertThat(v[2]).isEqualTo(50f);
    assertThat(v[3]).isCloseTo(3f, within(1e-5f));
    assertThat(v[4]).isCloseTo(2.5f, within(1e-6f));
    assertThat(v[5]).isEqualTo(40f);
  }

  @Test
  void builder_badArguments_areRejectedWithNameAndValue() {
    OnlineFeaturePipeline.Builder b = OnlineFeaturePipeline.builder();
    assertThatThrownBy(() -> b.maxEntities(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEntities").hasMessageContaining("0");
    assertThatThrownBy(() -> b.idleTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("idleTimeout").hasMessageContaining("PT0S");
    assertThatThrownBy(() -> b.maxEventsPerEntity(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEventsPerEntity");
    assertThatThrownBy(() -> b.allowedLateness(Duration.ofHours(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowedLateness").hasMessageContaining("PT-1H");
    assertThatThrownBy(() -> b.maxIndexedTransactions(-5)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxIndexedTransactions").hasMessageContaining("-5");
    assertThatThrownBy(() -> b.pseudonymiseKeys(new byte[3])).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("secret").hasMessageContaining("3");
    assertThatThrownBy(() -> b.schema(" ", "1")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThatThrownBy(() -> b.schema("x", "")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("version");
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class).hasMessageContaining("at least one");
    assertThatThrownBy(() -> OnlineFeaturePipelines.of(Feature.weekend(), Feature.weekend()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tx.weekend");
    assertThatThrownBy(() -> b.add((Feature) null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("feature");
  }

  @Test
  void process_nullTransaction_isRejected() {
    OnlineFeaturePipeline p = cardCountAndMean();
    assertThatThrownBy(() -> p.process(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("tx");
    Transaction noTime = Transaction.builder().id("x").card("c").amount(1, "EUR").build();
    assertThatThrownBy(() -> p.process(noTime)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("eventTime");
    assertThatThrownBy(() -> p.feedback(null, Label.FRAUD, Txs.T0)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("transactionId");
    assertThatThrownBy(() -> p.feedback("x", null, Txs.T0)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("label");
    assertThatThrownBy(() -> p.feedback("x", Label.FRAUD, null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("labelTime");
  }

  @Test
  void close_forgetsStateAndWatermark() {
    OnlineFeaturePipeline p = cardCountAndMean();
    p.process(tx("a", days(10), "c1", "t1", 10));
    p.close();
    assertThat(p.watermark()).isNull();
    assertThat(p.stats().entities()).isZero();
    assertThat(p.process(tx("b", days(0), "c1", "t1", 10))).containsExactly(1f, 10f, 0f);
  }
}
