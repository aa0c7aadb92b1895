package dev.fraudengine.core;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * Extension point: a named condition over a transaction, its features, the model scores and the similar cases,
 * with the {@link RuleAction} to take when it holds.
 *
 * <p>The static factories make rules from Java predicates:
 * <pre>{@code
 * Rule.block("blocked-card", ctx -> blocked.contains(ctx.transaction().cardId()));
 * Rule.review("fast-card", ctx -> ctx.feature("card.txn_count_1h") > 10);
 * Rule.score("big-amount", 0.15, ctx -> ctx.transaction().amount() > 5_000);
 * }</pre>
 *
 * <p><b>Threading.</b> A rule is called from many scoring threads at once; it must be thread-safe and must not
 * block. <b>Faults.</b> A rule that throws counts as not fired; the decision is marked degraded with a
 * {@code RULE_FAILED} reason.
 */
public interface Rule {

  /**
   * Returns the rule's id, unique within its {@link RuleSet}.
   *
   * @return the id
   */
  String id();

  /**
   * Returns what the rule does when it fires.
   *
   * @return the action
   */
  RuleAction action();

  /**
   * Returns what a {@link RuleAction#SCORE} rule adds to the score, in [-1, 1]; 0 for hard actions.
   *
   * @return the weight
   */
  double weight();

  /**
   * Returns a short text for analysts, shown in the decision's reasons.
   *
   * @return the description
   */
  String description();

  /**
   * Evaluates the condition.
   *
   * @param ctx what the rule may read
   * @return {@code true} when the rule fires
   */
  boolean test(RuleContext ctx);

  /**
   * Returns the transaction fields this rule read, to show with a hit beside the values it read through the
   * {@link RuleContext}. Called only when the rule fired. Entity ids should be masked. The default shows none.
   *
   * @param tx the transaction the rule fired on
   * @return the fields by name, in order
   */
  default java.util.Map<String, Object> transactionValues(Transaction tx) {
    return java.util.Map.of();
  }

  /**
   * Checks that the rule can read vectors of the pipeline's schema (every feature it names exists). Called once
   * when the engine is built. The default checks nothing.
   *
   * @param schema the schema of the engine's feature pipeline
   * @throws FraudEngineException with {@link ErrorCode#FEATURE_SCHEMA_MISMATCH} if it cannot
   */
  default void checkSchema(FeatureSchema schema) {}

  /**
   * Makes a rule from a predicate.
   *
   * @param id the rule's id, not blank
   * @param action what it does
   * @param weight the score it adds for {@link RuleAction#SCORE}, in [-1, 1], non-zero; 0 for hard actions
   * @param description a short text for analysts
   * @param condition when it fires
   * @return the rule
   * @throws IllegalArgumentException if the id is blank or the weight does not fit the action
   */
  static Rule of(String id, RuleAction action, double weight, String description, Predicate<RuleContext> condition) {
    return new PredicateRule(id, action, weight, description, condition);
  }

  /**
   * Makes a rule that approves the payment whatever else fires.
   *
   * @param id the rule's id
   * @param condition when it fires
   * @return the rule
   */
  static Rule allow(String id, Predicate<RuleContext> condition) {
    return of(id, RuleAction.ALLOW, 0, id, condition);
  }

  /**
   * Makes a rule that blocks the payment.
   *
   * @param id the rule's id
   * @param condition when it fires
   * @return the rule
   */
  static Rule block(String id, Predicate<RuleContext> condition) {
    return of(id, RuleAction.BLOCK, 0, id, condition);
  }

  /**
   * Makes a rule that holds the payment at least.
   *
   * @param id the rule's id
   * @param condition when it fires
   * @return the rule
   */
  static Rule hold(String id, Predicate<RuleContext> condition) {
    return of(id, RuleAction.HOLD, 0, id, condition);
  }

  /**
   * Makes a rule that sends the payment to review at least.
   *
   * @param id the rule's id
   * @param condition when it fires
   * @return the rule
   */
  static Rule review(String id, Predicate<RuleContext> condition) {
    return of(id, RuleAction.REVIEW, 0, id, condition);
  }

  /**
   * Makes a rule that adds a weight to the score.
   *
   * @param id the rule's id
   * @param weight in [-1, 1], non-zero
   * @param condition when it fires
   * @return the rule
   */
  static Rule score(String id, double weight, Predicate<RuleContext> condition) {
    return of(id, RuleAction.SCORE, weight, id, condition);
  }
}

/** A rule over a Java predicate, made by {@link Rule#of}. */
record PredicateRule(String id, RuleAction action, double weight, String description,
    Predicate<RuleContext> condition) implements Rule {

  PredicateRule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(condition, "condition");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    if (action == RuleAction.SCORE) {
      if (!(weight >= -1 && weight <= 1) || weight == 0) {
        throw new IllegalArgumentException(
            "weight of SCORE rule '" + id + "' must be in [-1, 1] and non-zero, but was " + weight);
      }
    } else if (weight != 0) {
      throw new IllegalArgumentException(
          "weight of " + action + " rule '" + id + "' must be 0 (only SCORE rules add weight), but was " + weight);
    }
  }

  @Override
  public boolean test(RuleContext ctx) {
    return condition.test(ctx);
  }
}
