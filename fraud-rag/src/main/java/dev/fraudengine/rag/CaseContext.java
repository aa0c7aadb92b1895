package dev.fraudengine.rag;

import dev.fraudengine.core.CaseSignals;
import dev.fraudengine.core.Decision;
import dev.fraudengine.core.Reason;
import dev.fraudengine.core.ReasonCode;
import dev.fraudengine.core.SimilarCase;
import dev.fraudengine.core.Transaction;
import java.util.Locale;
import java.util.Objects;

/**
 * A decision with its evidence as a short, structured text: for an analyst, or as the retrieved context of a
 * language-model prompt ({@link CaseExplainer}).
 *
 * <p>{@link #render()} writes, in this order: the verdict, risk level and score; the transaction (time, amount,
 * channel, merchant category, country; never the card, device, IP or other entity keys, so that the text can be
 * logged or sent out); the reasons, most important first, at most {@value #MAX_REASONS}; the top feature
 * contributions; the nearest known cases with their outcomes, nearest first; the case signals; whether the decision
 * was degraded. Numbers use a fixed format (Locale.ROOT), so the same decision always renders the same text.
 *
 * <p>Immutable and thread-safe.
 */
public final class CaseContext {
  /** The most reasons {@link #render()} lists. */
  public static final int MAX_REASONS = 10;

  private final Decision decision;
  private final Transaction transaction;

  private CaseContext(Decision decision, Transaction transaction) {
    this.decision = decision;
    this.transaction = transaction;
  }

  /**
   * Makes the context of a decision.
   *
   * @param decision the decision
   * @param transaction the transaction it was made for
   * @return the context
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the decision is not for that transaction
   */
  public static CaseContext of(Decision decision, Transaction transaction) {
    Objects.requireNonNull(decision, "decision");
    Objects.requireNonNull(transaction, "transaction");
    if (!decision.transactionId().equals(transaction.id())) {
      throw new IllegalArgumentException("transaction must be the decision's ('" + decision.transactionId()
          + "'), but was '" + transaction.id() + "'");
    }
    return new CaseContext(decision, transaction);
  }

  /**
   * Returns the decision.
   *
   * @return the decision
   */
  public Decision decision() {
    return decision;
  }

  /**
   * Returns the transaction.
   *
   * @return the transaction
   */
  public Transaction transaction() {
    return transaction;
  }

  /**
   * Renders the context as plain text, one fact per line.
   *
   * @return the text, deterministic for a given decision and transaction
   */
  public String render() {
    Decision d = decision;
    Transaction tx = transaction;
    StringBuilder out = new StringBuilder(512);
    out.append("Decision for transaction ").append(d.transactionId()).append(": ").append(d.verdict())
        .append(" (risk ").append(d.riskLevel()).append(", score ").append(num(d.score())).append(")\n");
    out.append("Transaction: ").append(tx.eventTime()).append(", amount ").append(num(tx.amount()));
    if (tx.currency() != null) {
      out.append(' ').append(tx.currency());
    }
    field(out, "channel", tx.channel());
    field(out, "merchant category", tx.merchantCategory());
    field(out, "country", tx.country());
    out.append('\n');

    out.append("Reasons:\n");
    int n = 0;
    for (Reason r : d.reasons()) {
      if (n == MAX_REASONS) {
        out.append("  (").append(d.reasons().size() - n).append(" more)\n");
        break;
      }
      if (!r.code().equals(ReasonCode.FEATURE_CONTRIBUTION)) {
        out.append("  ").append(++n).append(". [").append(r.code()).append("] ").append(r.message())
            .append(" (weight ").append(num(r.weight())).append(")\n");
      }
    }
    if (n == 0) {
      out.append("  none\n");
    }

    out.append("Top features:\n");
    int f = 0;
    for (Reason r : d.reasons()) {
      if (r.code().equals(ReasonCode.FEATURE_CONTRIBUTION)) {
        f++;
        out.append("  - ").append(r.values().get("feature")).append(" = ").append(value(r.values().get("value")))
            .append(", contribution ").append(value(r.values().get("contribution")))
            .append(" (model ").append(r.values().get("model")).append(")\n");
      }
    }
    if (f == 0) {
      out.append("  none reported\n");
    }

    out.append("Nearest known cases:\n");
    int i = 0;
    for (SimilarCase c : d.similarCases()) {
      out.append("  ").append(++i).append(". ").append(c.caseId()).append(": ").append(c.label());
      if (c.fraudType() != null) {
        out.append(" (").append(c.fraudType()).append(')');
      }
      out.append(", similarity ").append(num(c.similarity())).append(", happened ").append(c.eventTime())
          .append('\n');
    }
    if (i == 0) {
      out.append("  none\n");
    } else {
      CaseSignals s = CaseSignals.of(d.similarCases());
      out.append("Case signals: nearest fraud similarity ").append(num(s.nearestFraudSimilarity()))
          .append(", fraud share ").append(num(s.fraudShare())).append(" of ").append(i).append(" neighbours\n");
    }
    out.append("Degraded: ").append(d.degraded() ? "yes, a component failed" : "no").append('\n');
    return out.toString();
  }

  @Override
  public String toString() {
    return render();
  }

  private static void field(StringBuilder out, String name, String value) {
    if (value != null) {
      out.append(", ").append(name).append(' ').append(value);
    }
  }

  private static String value(Object v) {
    return v instanceof Number x ? num(x.doubleValue()) : String.valueOf(v);
  }

  static String num(double x) {
    return Double.isNaN(x) ? "n/a" : String.format(Locale.ROOT, "%.2f", x);
  }
}
