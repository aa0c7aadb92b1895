package dev.fraudengine.core.testing;

import dev.fraudengine.core.FeaturePipeline;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stateful pipeline for tests: features {@code amount} and {@code card.txn_count} (the card's earlier
 * transactions, the current one excluded). Records feedback. Thread-safe.
 */
public final class CountingPipeline implements FeaturePipeline {
  /** The schema: {@code amount}, {@code card.txn_count}. */
  public static final FeatureSchema SCHEMA = FeatureSchema.of("counting", "1", "amount", "card.txn_count");

  private final Map<String, Integer> counts = new ConcurrentHashMap<>();
  /** Every feedback received, as {@code id:label}. */
  public final List<String> feedback = new CopyOnWriteArrayList<>();

  @Override
  public FeatureSchema schema() {
    return SCHEMA;
  }

  @Override
  public float[] process(Transaction tx) {
    int before = counts.merge(tx.cardId(), 1, Integer::sum) - 1;
    return new float[] {(float) tx.amount(), before};
  }

  @Override
  public void feedback(String transactionId, Label label, Instant labelTime) {
    feedback.add(transactionId + ":" + label);
  }

  /**
   * Returns a copy of the state: transactions seen per card.
   *
   * @return card to count
   */
  public Map<String, Integer> state() {
    return Map.copyOf(counts);
  }
}
