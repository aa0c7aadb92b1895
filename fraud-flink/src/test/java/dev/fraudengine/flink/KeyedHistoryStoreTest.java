package dev.fraudengine.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.Label;
import dev.fraudengine.features.EntityStore;
import dev.fraudengine.flink.internal.EntityRecord;
import dev.fraudengine.flink.internal.LabelUpdate;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;
import org.junit.jupiter.api.Test;

class KeyedHistoryStoreTest {
  private static final long HOUR = 3_600_000L;

  /** One key's ValueState, as Flink gives it to the task. */
  private static final class Cell implements ValueState<EntityRecord> {
    EntityRecord value;

    @Override
    public EntityRecord value() {
      return value;
    }

    @Override
    public void update(EntityRecord value) {
      this.value = value;
    }

    @Override
    public void clear() {
      value = null;
    }
  }

  private final Cell cell = new Cell();
  private final KeyedHistoryStore store = new KeyedHistoryStore(cell, Duration.ofHours(1), Duration.ofHours(1));

  private static EntityStore.Batch batch(String id, long t, String key, long retention, int maxEvents) {
    EntityStore.Event e = new EntityStore.Event(t, 10, id.hashCode(), null, 0, new int[0], Double.NaN, Double.NaN);
    return new EntityStore.Batch("ns", id, id.hashCode(), t, List.of(new EntityStore.Append("terminal", key, e,
        retention, maxEvents, true)), retention);
  }

  @Test
  void record_outOfOrderAndPruned_keepsTimeOrderWithinRetention() {
    store.expect("t1");
    store.record(batch("a", 10 * HOUR, "t1", 5 * HOUR, 100));
    store.record(batch("b", 12 * HOUR, "t1", 5 * HOUR, 100));
    EntityStore.Recorded r = store.record(batch("c", 11 * HOUR + 1, "t1", 5 * HOUR, 100)).get(0);
    store.record(batch("d", 16 * HOUR, "t1", 5 * HOUR, 100));

    assertThat(r.before().events()).extracting(EntityStore.Event::time).containsExactly(10 * HOUR, 12 * HOUR);
    assertThat(cell.value.history().events()).extracting(EntityStore.Event::time)
        .containsExactly(11 * HOUR + 1, 12 * HOUR, 16 * HOUR);
    assertThat(cell.value.history().firstTime()).isEqualTo(10 * HOUR);
  }

  @Test
  void record_fullEntity_dropsOldestAndCountsThem() {
    store.expect("t1");
    store.record(batch("a", 1, "t1", HOUR, 2));
    store.record(batch("b", 2, "t1", HOUR, 2));
    EntityStore.Recorded r = store.record(batch("c", 3, "t1", HOUR, 2)).get(0);

    assertThat(r.dropped()).isEqualTo(1);
    assertThat(cell.value.history().events()).extracting(EntityStore.Event::time).containsExactly(2L, 3L);
  }

  @Test
  void apply_labelBeforeItsTransaction_isAppliedWhenRecorded() {
    store.expect("t1");
    store.apply(new LabelUpdate(0, "=t1", 5, "a".hashCode(), Label.FRAUD, 99));
    store.record(batch("a", 5, "t1", HOUR, 10));

    assertThat(cell.value.pending()).isEmpty();
    assertThat(cell.value.history().events()).singleElement().satisfies(e -> {
      assertThat(e.label()).isEqualTo(Label.FRAUD);
      assertThat(e.labelTime()).isEqualTo(99);
    });
  }

  @Test
  void apply_labelAfterItsTransaction_setsLabelAndLatestWins() {
    store.expect("t1");
    store.record(batch("a", 5, "t1", HOUR, 10));
    store.apply(new LabelUpdate(0, "=t1", 5, "a".hashCode(), Label.FRAUD, 99));
    store.apply(new LabelUpdate(0, "=t1", 5, "a".hashCode(), Label.LEGITIMATE, 120));

    assertThat(cell.value.history().events().get(0).label()).isEqualTo(Label.LEGITIMATE);
    assertThat(store.label("ns", "a", Label.FRAUD, 130)).isTrue();
    assertThat(store.label("ns", "unknown", Label.FRAUD, 130)).isFalse();
  }

  @Test
  void apply_manyEarlyLabels_keepsOnlyTheNewestBound() {
    store.expect("t1");
    for (int i = 0; i < KeyedHistoryStore.MAX_PENDING_LABELS + 5; i++) {
      store.apply(new LabelUpdate(0, "=t1", i, i, Label.FRAUD, i));
    }

    assertThat(cell.value.pending()).hasSize(KeyedHistoryStore.MAX_PENDING_LABELS);
    assertThat(cell.value.pending().get(0).time()).isEqualTo(5);
  }

  @Test
  void record_lateForItsEntity_rejectsWithStateUnchanged() {
    store.expect("t1");
    store.record(batch("a", 10 * HOUR, "t1", 5 * HOUR, 10));
    EntityRecord before = cell.value;

    assertThatThrownBy(() -> store.record(batch("b", 8 * HOUR, "t1", 5 * HOUR, 10)))
        .isInstanceOf(FraudEngineException.class).hasMessageContaining("'b'").hasMessageContaining("PT2H")
        .satisfies(e -> assertThat(((FraudEngineException) e).code()).isEqualTo(ErrorCode.LATE_EVENT));
    assertThat(cell.value).isSameAs(before);
  }

  @Test
  void record_otherKeyOrSeveralAppends_throwsIllegalState() {
    store.expect("t1");
    EntityStore.Batch one = batch("a", 1, "t2", HOUR, 10);
    EntityStore.Batch two = new EntityStore.Batch("ns", "a", 1, 1,
        List.of(one.appends().get(0), one.appends().get(0)), HOUR);

    assertThatThrownBy(() -> store.record(one)).isInstanceOf(IllegalStateException.class).hasMessageContaining("t2");
    assertThatThrownBy(() -> store.record(two)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("2 appends");
  }
}
