package dev.fraudengine.core;

/**
 * What a rule does when its condition holds.
 *
 * <p>The four hard actions are applied in a fixed precedence: {@link #ALLOW} &gt; {@link #BLOCK} &gt;
 * {@link #HOLD} &gt; {@link #REVIEW}. A fired {@code ALLOW} approves the payment whatever else fired (an allow
 * list is the analyst's final word); otherwise the verdict is the strictest of the score's verdict and the
 * fired hard actions. {@link #SCORE} rules add their weight to the combined score instead.
 */
public enum RuleAction {
  /** Approve the payment, overriding every other rule and the score. */
  ALLOW(Verdict.APPROVE),
  /** Refuse the payment. */
  BLOCK(Verdict.BLOCK),
  /** Hold the payment at least. */
  HOLD(Verdict.HOLD),
  /** Review the payment at least. */
  REVIEW(Verdict.REVIEW),
  /** Add the rule's weight (which may be negative) to the combined score. */
  SCORE(null);

  private final Verdict verdict;

  RuleAction(Verdict verdict) {
    this.verdict = verdict;
  }

  /**
   * Tells whether this action decides the verdict directly rather than through the score.
   *
   * @return {@code true} for ALLOW, BLOCK, HOLD and REVIEW
   */
  public boolean isHard() {
    return verdict != null;
  }

  /**
   * Returns the verdict a hard action asks for.
   *
   * @return the verdict
   * @throws IllegalStateException for {@link #SCORE}, which asks for none
   */
  public Verdict verdict() {
    if (verdict == null) {
      throw new IllegalStateException("a SCORE rule has no verdict of its own");
    }
    return verdict;
  }
}
