package dev.fraudengine.examples;

import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.features.Replay;
import java.util.List;
import java.util.Objects;

/**
 * One line of a transaction file: either a transaction, with its label and fraud pattern if the file has them, or
 * the line's problems.
 *
 * @param source the file name, for messages
 * @param line the line number in that file, 1 for the first line (the header of a CSV)
 * @param transaction the transaction, or {@code null} when the line is bad
 * @param label the label, or {@code null} when unknown
 * @param pattern the fraud pattern that produced the row (kept aside for per-pattern recall, never a feature), or
 *     {@code null}
 * @param problems every problem of a bad line, empty for a good one
 */
record InputRecord(String source, long line, Transaction transaction, Label label, String pattern,
    List<String> problems) {

  InputRecord {
    Objects.requireNonNull(source, "source");
    problems = List.copyOf(problems);
  }

  static InputRecord good(String source, long line, Transaction tx, Label label, String pattern) {
    return new InputRecord(source, line, Objects.requireNonNull(tx, "tx"), label, pattern, List.of());
  }

  static InputRecord bad(String source, long line, List<String> problems) {
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("a bad line must have problems");
    }
    return new InputRecord(source, line, null, null, null, problems);
  }

  boolean isBad() {
    return transaction == null;
  }

  /** The line as a replay row: labels become known after the replay's label delay. */
  Replay.Labelled labelled() {
    return Replay.Labelled.of(transaction, label);
  }

  /** A one-line description of a bad line: where it is and every problem. */
  String describe() {
    return source + ":" + line + ": " + problems.size() + (problems.size() == 1 ? " problem: " : " problems: ")
        + String.join("; ", problems);
  }
}
