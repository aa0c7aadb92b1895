package dev.fraudengine.core;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A versioned, immutable list of rules, evaluated in order for every decision.
 *
 * @param version the set's version, recorded in every decision
 * @param rules the rules, ids unique
 */
public record RuleSet(String version, List<Rule> rules) {

  private static final RuleSet EMPTY = new RuleSet("none", List.of());

  /*
   * Creates a rule set and copies the list.
   *
   * @throws IllegalArgumentException if the version is blank or two rules share an id
   * @throws NullPointerException if the version, the list or a rule is {@code null}
   */
  public RuleSet {
    Objects.requireNonNull(version, "version");
    if (version.isBlank()) {
      throw new IllegalArgumentException("version must not be blank");
    }
    rules = List.copyOf(rules);
    Set<String> ids = new HashSet<>();
    for (Rule r : rules) {
      if (!ids.add(r.id())) {
        throw new IllegalArgumentException("rule ids must be unique, but '" + r.id() + "' appears twice");
      }
    }
  }

  /**
   * Creates a rule set.
   *
   * @param version the set's version
   * @param rules the rules in evaluation order
   * @return the rule set
   */
  public static RuleSet of(String version, Rule... rules) {
    return new RuleSet(version, List.of(rules));
  }

  /**
   * Returns the rule set with no rules, version {@code "none"}.
   *
   * @return the empty set
   */
  public static RuleSet empty() {
    return EMPTY;
  }
}
