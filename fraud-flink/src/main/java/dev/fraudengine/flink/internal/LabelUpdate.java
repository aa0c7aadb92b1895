package dev.fraudengine.flink.internal;

import dev.fraudengine.core.Label;
import java.util.Objects;

/**
 * A confirmed label on its way to one entity's state: the router has found which entity key the labelled
 * transaction was recorded under.
 *
 * @param stage the index of the entity stage the label is for
 * @param key the entity's key, as the stage is keyed by
 * @param time the labelled transaction's event time, epoch milliseconds
 * @param txHash the hash of the labelled transaction's id, as stored in the entity's events
 * @param label the label
 * @param labelTime when the label became known, epoch milliseconds
 */
public record LabelUpdate(int stage, String key, long time, int txHash, Label label, long labelTime) {
  /**
   * Validates.
   *
   * @throws NullPointerException if key or label is {@code null}
   */
  public LabelUpdate {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(label, "label");
  }
}
