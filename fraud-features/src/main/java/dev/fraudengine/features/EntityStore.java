package dev.fraudengine.features;

import dev.fraudengine.core.Label;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Extension point: an external home for the per-entity event state of an {@link OnlineFeaturePipeline}, such as
 * Redis shared by every instance of a service. Without one, the pipeline keeps its state in its own bounded
 * in-memory maps (the default); with one ({@link OnlineFeaturePipeline.Builder#store}), the same feature
 * definitions are computed by the same code over the histories the store returns.
 *
 * <p><b>Contract.</b> The pipeline describes each transaction as one {@link Append} per entity it has a key for.
 * For each append, {@link #record} must, <em>atomically</em> for that entity, read the entity's {@link History},
 * insert the event in time order (after every event at the same time), prune events at or before
 * {@code newest - retentionMillis} (newest including this event) and then the oldest ones while the entity holds
 * {@code maxEvents} or more (the event is not inserted if it falls at or before that cutoff), and return the history
 * as it was <em>before</em>. The pipeline computes the features from that history: since every instance's
 * read-modify-write of one entity is serialised by the store, no update is lost and each transaction sees exactly
 * the transactions recorded before it. Appends of different entities need not be atomic together.
 *
 * <p><b>Labels.</b> When a batch names a transaction id and has appends that {@link Append#keepsLabels() keep
 * labels}, the store remembers, for at least {@link Batch#labelRetentionMillis()}, which entities the transaction
 * was recorded in; {@link #label} then sets the label and label time of that event (matched by event time and
 * transaction-id hash) in each of them, if still there.
 *
 * <p><b>Faults.</b> A store that cannot do its work (down, too slow) throws a
 * {@link dev.fraudengine.core.FraudEngineException} with
 * {@link dev.fraudengine.core.ErrorCode#FEATURE_STATE_FAILED}; the pipeline's {@link FailurePolicy} decides what
 * the transaction gets. A store counts what it could not record, so that nothing is lost silently.
 *
 * <p><b>Threading.</b> Implementations must be thread-safe.
 */
public interface EntityStore extends AutoCloseable {

  /**
   * Records a transaction in each of its entities and returns each entity's history as it was just before.
   *
   * @param batch the transaction's appends, one per entity with a key
   * @return one {@link Recorded} per append, in the same order
   * @throws dev.fraudengine.core.FraudEngineException with {@code FEATURE_STATE_FAILED} if the store failed or
   *     timed out; some appends may then have been recorded and others not
   */
  List<Recorded> record(Batch batch);

  /**
   * Sets the label of an earlier transaction in every entity it was recorded in that keeps labels.
   *
   * @param namespace the pipeline's namespace, as in {@link Batch#namespace()}
   * @param transactionId the labelled transaction
   * @param label the label
   * @param labelTime when the label became known, epoch milliseconds
   * @return whether the label was applied to at least one remembered event
   * @throws dev.fraudengine.core.FraudEngineException with {@code FEATURE_STATE_FAILED} if the store failed
   */
  boolean label(String namespace, String transactionId, Label label, long labelTime);

  /** Releases the store's connections. Never throws; faults are logged. */
  @Override
  void close();

  /** What an {@link OnlineFeaturePipeline} with a store does when the store fails or times out. */
  enum FailurePolicy {
    /**
     * Throw a {@link dev.fraudengine.core.FraudEngineException} with {@code FEATURE_STATE_FAILED}: inside a
     * {@link dev.fraudengine.core.FraudEngine} the decision is then made without features (rules only) and marked
     * degraded with reason {@code FEATURES_UNAVAILABLE}. Feedback that cannot be stored also throws.
     */
    FAIL_CLOSED,
    /**
     * Throw a {@link dev.fraudengine.core.PartialFeaturesException} carrying the vector with the features that need
     * no state (the transaction's own: amount, hour, weekend...) and {@code NaN} for every entity feature: inside a
     * {@link dev.fraudengine.core.FraudEngine} models and rules still score on what is known, and the decision is
     * marked degraded with reason {@code FEATURES_PARTIAL}. Feedback that cannot be stored is dropped. Either way
     * the store counts the failure.
     */
    FAIL_OPEN
  }

  /**
   * One transaction's appends.
   *
   * @param namespace identifies the pipeline's feature schema (name and version); a store keeps the state of each
   *     namespace apart, since two schemas store different event columns
   * @param transactionId the transaction's id, or {@code null}
   * @param txHash the id's hash, as stored in the events
   * @param eventTime the transaction's event time, epoch milliseconds
   * @param appends one per entity, in the pipeline's order
   * @param labelRetentionMillis how long, in event time, labels for this transaction can still matter
   */
  record Batch(String namespace, String transactionId, int txHash, long eventTime, List<Append> appends,
      long labelRetentionMillis) {
    /**
     * Validates and copies.
     *
     * @throws NullPointerException if namespace or appends is {@code null}
     */
    public Batch {
      Objects.requireNonNull(namespace, "namespace");
      appends = List.copyOf(appends);
    }
  }

  /**
   * One event to record in one entity's state.
   *
   * @param entity the entity's name, e.g. {@code card}
   * @param key the entity's key (pseudonymised if the pipeline does so)
   * @param event the event
   * @param retentionMillis how far behind the entity's newest event an event is still kept
   * @param maxEvents how many events the entity keeps at most
   * @param keepsLabels whether the entity's features read labels (so feedback must reach this entity)
   */
  record Append(String entity, String key, Event event, long retentionMillis, int maxEvents, boolean keepsLabels) {
    /**
     * Validates.
     *
     * @throws NullPointerException if entity, key or event is {@code null}
     */
    public Append {
      Objects.requireNonNull(entity, "entity");
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(event, "event");
    }
  }

  /**
   * One recorded transaction in one entity's state.
   *
   * @param time event time, epoch milliseconds
   * @param amount the amount ({@code NaN} if none)
   * @param txHash the transaction id's hash (0 if none), to match labels
   * @param label the label given by feedback, or {@code null}
   * @param labelTime when the label became known (0 without label)
   * @param others hashes of the other entities' keys this entity's features read (0 where absent); copied
   * @param latitude latitude in degrees, {@code NaN} if unknown
   * @param longitude longitude in degrees, {@code NaN} if unknown
   */
  record Event(long time, double amount, int txHash, Label label, long labelTime, int[] others, double latitude,
      double longitude) {
    /**
     * Validates and copies.
     *
     * @throws NullPointerException if others is {@code null}
     */
    public Event {
      others = Objects.requireNonNull(others, "others").clone();
    }

    /**
     * Returns the hashes of the other entities' keys.
     *
     * @return a copy
     */
    @Override
    public int[] others() {
      return others.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Event e && e.time == time && Double.compare(e.amount, amount) == 0 && e.txHash == txHash
          && e.label == label && e.labelTime == labelTime && Arrays.equals(e.others, others)
          && Double.compare(e.latitude, latitude) == 0 && Double.compare(e.longitude, longitude) == 0;
    }

    @Override
    public int hashCode() {
      return Objects.hash(time, amount, txHash, label, labelTime, Arrays.hashCode(others), latitude, longitude);
    }

    @Override
    public String toString() {
      return "Event[time=" + time + ", amount=" + amount + ", txHash=" + txHash + ", label=" + label
          + ", labelTime=" + labelTime + ", others=" + Arrays.toString(others) + ", latitude=" + latitude
          + ", longitude=" + longitude + "]";
    }
  }

  /**
   * An entity's state: its kept events in time order, and the all-time fields that outlive pruning.
   *
   * @param events kept events, oldest first; copied
   * @param firstTime the first event time ever recorded, {@code Long.MAX_VALUE} if none
   * @param lastTime the latest event time ever recorded, {@code Long.MIN_VALUE} if none
   * @param lastLocationTime the time of the latest located event, {@code Long.MIN_VALUE} if none
   * @param lastLatitude its latitude, {@code NaN} if none
   * @param lastLongitude its longitude, {@code NaN} if none
   */
  record History(List<Event> events, long firstTime, long lastTime, long lastLocationTime, double lastLatitude,
      double lastLongitude) {
    private static final History EMPTY = new History(List.of(), Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE,
        Double.NaN, Double.NaN);

    /**
     * Validates and copies.
     *
     * @throws NullPointerException if events is {@code null}
     */
    public History {
      events = List.copyOf(events);
    }

    /**
     * Returns the state of an entity never seen.
     *
     * @return the empty history
     */
    public static History empty() {
      return EMPTY;
    }
  }

  /**
   * A store's answer for one append.
   *
   * @param before the entity's history just before the event was recorded
   * @param dropped events dropped by this append because the entity held {@code maxEvents}
   */
  record Recorded(History before, int dropped) {
    /**
     * Validates.
     *
     * @throws NullPointerException if before is {@code null}
     * @throws IllegalArgumentException if dropped is negative
     */
    public Recorded {
      Objects.requireNonNull(before, "before");
      if (dropped < 0) {
        throw new IllegalArgumentException("dropped must not be negative, but was " + dropped);
      }
    }
  }
}
