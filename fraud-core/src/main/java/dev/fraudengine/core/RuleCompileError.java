package dev.fraudengine.core;

import java.util.Objects;

/**
 * One error in a rule file, where it is and why.
 *
 * @param line the line, from 1
 * @param column the column, from 1
 * @param message what is wrong, e.g. {@code "unknown name 'card.txn_cnt_1h'; nearest: card.txn_count_1h"}
 */
public record RuleCompileError(int line, int column, String message) {

  /*
   * Creates an error.
   *
   * @throws NullPointerException if message is null
   */
  public RuleCompileError {
    Objects.requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return "line " + line + ", column " + column + ": " + message;
  }
}
