package dev.fraudengine.core;

/**
 * What the caller should do with a payment, from mildest to strictest.
 *
 * <p>The declaration order is the order of severity: {@code compareTo} tells which of two verdicts is stricter.
 */
public enum Verdict {
  /** Let the payment through. */
  APPROVE,
  /** Let the payment through and queue it for an analyst. */
  REVIEW,
  /** Hold the payment until an analyst or the customer confirms it. */
  HOLD,
  /** Refuse the payment. */
  BLOCK;

  /**
   * Returns the stricter of this verdict and another.
   *
   * @param other the other verdict
   * @return whichever of the two is later in the order APPROVE, REVIEW, HOLD, BLOCK
   */
  public Verdict max(Verdict other) {
    return other.ordinal() > ordinal() ? other : this;
  }
}
