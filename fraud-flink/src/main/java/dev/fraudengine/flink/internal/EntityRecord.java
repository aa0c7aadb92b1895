package dev.fraudengine.flink.internal;

import dev.fraudengine.features.EntityStore;
import java.util.List;
import java.util.Objects;

/**
 * One entity's value in Flink keyed state: its event history, and the labels that reached it before the
 * transaction they label (labels and transactions travel different paths through the job).
 *
 * @param history the entity's history, as an {@link EntityStore} keeps it
 * @param pending labels waiting for their transaction, oldest first; copied
 */
public record EntityRecord(EntityStore.History history, List<LabelUpdate> pending) {
  private static final EntityRecord EMPTY = new EntityRecord(EntityStore.History.empty(), List.of());

  /**
   * Validates and copies.
   *
   * @throws NullPointerException if an argument is {@code null}
   */
  public EntityRecord {
    Objects.requireNonNull(history, "history");
    pending = List.copyOf(pending);
  }

  /**
   * Returns the value of an entity never seen.
   *
   * @return the empty record
   */
  public static EntityRecord empty() {
    return EMPTY;
  }
}
