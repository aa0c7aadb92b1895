package dev.fraudengine.core;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when a transaction is refused: lists every problem found, not only the first.
 *
 * <p>When it is thrown, the engine has not changed: no feature state was read or written, and only the
 * rejection counters of {@link FraudEngine#metrics()} moved.
 */
public class InvalidTransactionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** The problems, in field order. */
  private final List<InputProblem> problems;

  /**
   * Creates the exception.
   *
   * @param transactionId the id of the refused transaction as given (may be {@code null} or bad itself)
   * @param problems every problem found; not empty
   * @throws IllegalArgumentException if {@code problems} is empty
   */
  public InvalidTransactionException(String transactionId, List<InputProblem> problems) {
    super(message(transactionId, problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("problems must not be empty");
    }
    this.problems = List.copyOf(problems);
  }

  /**
   * Returns every problem found.
   *
   * @return the problems, never empty
   */
  public List<InputProblem> problems() {
    return problems;
  }

  private static String message(String transactionId, List<InputProblem> problems) {
    String id = transactionId == null || transactionId.isBlank() || transactionId.length() > 64
        || transactionId.chars().anyMatch(Character::isISOControl)
        ? "" : " " + transactionId;
    return "invalid transaction" + id + ", " + problems.size()
        + (problems.size() == 1 ? " problem: " : " problems: ")
        + problems.stream().map(InputProblem::toString).collect(Collectors.joining("; "));
  }
}
