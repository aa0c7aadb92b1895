package dev.fraudengine.flink;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.Label;
import dev.fraudengine.features.EntityStore;
import dev.fraudengine.flink.internal.EntityRecord;
import dev.fraudengine.flink.internal.LabelUpdate;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ValueState;

/*
 * An EntityStore over Flink keyed state: the state of the entity the task is currently processing (Flink sets the
 * key before each element), so a stage's OnlineFeaturePipeline computes its entity's features by the library's own
 * code from the history kept here. Atomicity comes from Flink: one task processes one key at a time.
 *
 * record() follows the store contract exactly as the in-memory state does (EntityState.record): all-time fields
 * first, then pruning at newest - retention and beyond maxEvents, then insertion after every event at the same time
 * unless the event itself is at or before the cutoff.
 *
 * Lateness is judged per entity here, not by the stage pipeline: a task's pipeline sees many keys arriving over
 * several channels, whose interleaving (a slower upstream task, a restart) says nothing about one entity's order.
 * The stage pipeline is therefore built with the largest allowed lateness, which never rejects; its appends carry
 * a retention that includes that lateness, and this store takes it back out (retentionAdjust) so that events are
 * kept exactly as long as with the configured lateness. A transaction more than the configured lateness behind its
 * entity's newest event is rejected with LATE_EVENT, state unchanged. Labels and transactions reach a stage by different paths; a
 * label that comes before its transaction waits in the entity's record (bounded) and is applied when the
 * transaction is recorded.
 *
 * Confined to the task thread that owns the state, as Flink keyed state is.
 */
final class KeyedHistoryStore implements EntityStore {
  /** How many labels an entity holds for transactions it has not seen yet; the oldest beyond are dropped. */
  static final int MAX_PENDING_LABELS = 64;

  private final ValueState<EntityRecord> state;
  private final long latenessMillis;
  private final long retentionAdjust;
  private String currentKey;
  private long retentionMillis;

  /**
   * @param lateness how far behind its entity's newest event a transaction may come
   * @param pipelineLateness the allowed lateness the stage pipeline was built with, included in its retentions
   */
  KeyedHistoryStore(ValueState<EntityRecord> state, Duration lateness, Duration pipelineLateness) {
    this.state = state;
    this.latenessMillis = lateness.toMillis();
    this.retentionAdjust = pipelineLateness.toMillis() - latenessMillis;
  }

  /** Names the entity key Flink has set, so that a record for another key is caught. */
  void expect(String entityKey) {
    this.currentKey = entityKey;
  }

  @Override
  public List<Recorded> record(Batch batch) {
    if (batch.appends().size() != 1) {
      throw new IllegalStateException("a stage records exactly one entity, but the batch had "
          + batch.appends().size() + " appends");
    }
    Append append = batch.appends().get(0);
    if (!append.key().equals(currentKey)) {
      throw new IllegalStateException("the batch is for key '" + append.key() + "' but the task is at key '"
          + currentKey + "'");
    }
    retentionMillis = append.retentionMillis() - retentionAdjust;
    EntityRecord current = read();
    History before = current.history();
    Event event = append.event();
    if (before.lastTime() != Long.MIN_VALUE && event.time() < before.lastTime() - latenessMillis) {
      throw new FraudEngineException(ErrorCode.LATE_EVENT, "transaction '" + batch.transactionId() + "' at "
          + Instant.ofEpochMilli(event.time()) + " is " + Duration.ofMillis(before.lastTime() - event.time())
          + " behind the latest event of its " + append.entity() + ", more than the allowed lateness "
          + Duration.ofMillis(latenessMillis) + "; rejected, state unchanged");
    }
    List<LabelUpdate> pending = new ArrayList<>(current.pending());
    if (append.keepsLabels()) {
      for (int i = pending.size() - 1; i >= 0; i--) {
        LabelUpdate u = pending.get(i);
        if (u.time() == event.time() && u.txHash() == event.txHash()) {
          event = labelled(event, u.label(), u.labelTime());
          pending.remove(i);
          break;
        }
      }
    }
    Inserted inserted = insert(before, event, retentionMillis, append.maxEvents());
    long cutoff = inserted.history.lastTime() - retentionMillis;
    pending.removeIf(u -> u.time() <= cutoff);
    write(new EntityRecord(inserted.history, pending));
    return List.of(new Recorded(before, inserted.dropped));
  }

  /** Sets a routed label on its event, or keeps it until the event is recorded. */
  void apply(LabelUpdate update) {
    EntityRecord current = read();
    List<Event> events = current.history().events();
    int at = find(events, update.time(), update.txHash());
    if (at >= 0) {
      List<Event> changed = new ArrayList<>(events);
      changed.set(at, labelled(events.get(at), update.label(), update.labelTime()));
      write(new EntityRecord(withEvents(current.history(), changed), current.pending()));
      return;
    }
    History h = current.history();
    if (retentionMillis > 0 && h.lastTime() != Long.MIN_VALUE && update.time() <= h.lastTime() - retentionMillis) {
      return;
    }
    List<LabelUpdate> pending = new ArrayList<>(current.pending());
    pending.removeIf(u -> u.time() == update.time() && u.txHash() == update.txHash());
    pending.add(update);
    while (pending.size() > MAX_PENDING_LABELS) {
      pending.remove(0);
    }
    write(new EntityRecord(h, pending));
  }

  /**
   * Labels the newest event of the current entity whose transaction-id hash matches; the job itself routes labels
   * with their event time ({@link #apply}), which this method cannot know.
   */
  @Override
  public boolean label(String namespace, String transactionId, Label label, long labelTime) {
    int hash = transactionId.hashCode();
    EntityRecord current = read();
    List<Event> events = current.history().events();
    for (int i = events.size() - 1; i >= 0; i--) {
      if (events.get(i).txHash() == hash) {
        List<Event> changed = new ArrayList<>(events);
        changed.set(i, labelled(events.get(i), label, labelTime));
        write(new EntityRecord(withEvents(current.history(), changed), current.pending()));
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    currentKey = null;
  }

  private EntityRecord read() {
    try {
      EntityRecord r = state.value();
      return r == null ? EntityRecord.empty() : r;
    } catch (IOException e) {
      throw new FraudEngineException(ErrorCode.FEATURE_STATE_FAILED, "cannot read the state of key '" + currentKey
          + "' from the Flink state backend", e);
    }
  }

  private void write(EntityRecord r) {
    try {
      state.update(r);
    } catch (IOException e) {
      throw new FraudEngineException(ErrorCode.FEATURE_STATE_FAILED, "cannot write the state of key '" + currentKey
          + "' to the Flink state backend", e);
    }
  }

  /** The history after one event was recorded, and how many events maxEvents dropped. */
  record Inserted(History history, int dropped) {}

  /** Records an event as the store contract (and the in-memory EntityState) does. */
  static Inserted insert(History h, Event e, long retention, int maxEvents) {
    long t = e.time();
    long firstTime = Math.min(h.firstTime(), t);
    long lastTime = Math.max(h.lastTime(), t);
    long lastLocTime = h.lastLocationTime();
    double lastLat = h.lastLatitude();
    double lastLon = h.lastLongitude();
    if (!Double.isNaN(e.latitude()) && t >= lastLocTime) {
      lastLocTime = t;
      lastLat = e.latitude();
      lastLon = e.longitude();
    }
    List<Event> events = h.events();
    long cutoff = lastTime - retention;
    int head = 0;
    while (head < events.size() && events.get(head).time() <= cutoff) {
      head++;
    }
    int dropped = 0;
    while (events.size() - head >= maxEvents) {
      head++;
      dropped++;
    }
    List<Event> kept = new ArrayList<>(events.size() - head + 1);
    kept.addAll(events.subList(head, events.size()));
    if (t > cutoff) {
      int pos = kept.size();
      while (pos > 0 && kept.get(pos - 1).time() > t) {
        pos--;
      }
      kept.add(pos, e);
    }
    return new Inserted(new History(kept, firstTime, lastTime, lastLocTime, lastLat, lastLon), dropped);
  }

  private static int find(List<Event> events, long time, int txHash) {
    for (int i = events.size() - 1; i >= 0; i--) {
      Event e = events.get(i);
      if (e.time() < time) {
        return -1;
      }
      if (e.time() == time && e.txHash() == txHash) {
        return i;
      }
    }
    return -1;
  }

  private static Event labelled(Event e, Label label, long labelTime) {
    return new Event(e.time(), e.amount(), e.txHash(), label, labelTime, e.others(), e.latitude(), e.longitude());
  }

  private static History withEvents(History h, List<Event> events) {
    return new History(events, h.firstTime(), h.lastTime(), h.lastLocationTime(), h.lastLatitude(),
        h.lastLongitude());
  }
}
