package dev.fraudengine.flink;

import dev.fraudengine.core.Transaction;
import java.util.Objects;

/**
 * A transaction the job refused, on its side stream: it failed validation, and nothing was recorded for it.
 *
 * @param transaction the refused transaction
 * @param reason every problem found, as {@link dev.fraudengine.core.InvalidTransactionException} lists them
 */
public record Rejection(Transaction transaction, String reason) {
  /**
   * Validates.
   *
   * @throws NullPointerException if an argument is {@code null}
   */
  public Rejection {
    Objects.requireNonNull(transaction, "transaction");
    Objects.requireNonNull(reason, "reason");
  }
}
