package dev.fraudengine.core;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exemptions of one entity from one rule until a date: a known-good customer whose payments keep tripping a
 * velocity rule, a test terminal, a corporate IP.
 *
 * <p>A suppressed rule that fires for a transaction of the exempted entity counts as not fired: it neither acts
 * nor appears in the decision. Expiry is checked against the transaction's <em>event time</em>, so replays and
 * backtests see the exemptions as they were. Thread-safe; changes apply to the next decision.
 */
public final class Suppressions {

  /** Which field of a transaction an exemption matches. */
  public enum Entity {
    /** {@link Transaction#cardId()}: the card or account, i.e. the customer. */
    CARD,
    /** {@link Transaction#terminalId()}. */
    TERMINAL,
    /** {@link Transaction#deviceId()}. */
    DEVICE,
    /** {@link Transaction#ip()}. */
    IP,
    /** {@link Transaction#payeeId()}. */
    PAYEE;

    String of(Transaction tx) {
      return switch (this) {
        case CARD -> tx.cardId();
        case TERMINAL -> tx.terminalId();
        case DEVICE -> tx.deviceId();
        case IP -> tx.ip();
        case PAYEE -> tx.payeeId();
      };
    }
  }

  private record Key(String ruleId, Entity entity, String value) {}

  private final Map<Key, Instant> until = new ConcurrentHashMap<>();

  /** Creates an empty set of suppressions. */
  public Suppressions() {}

  /**
   * Exempts an entity from a rule until an instant (exclusive), replacing an earlier exemption of the same pair.
   *
   * @param ruleId the rule's id
   * @param entity which field to match
   * @param value the entity's id, e.g. the card id
   * @param expiry the first event time at which the rule applies again
   * @return this object
   * @throws IllegalArgumentException if the rule id or value is blank
   */
  public Suppressions suppress(String ruleId, Entity entity, String value, Instant expiry) {
    until.put(key(ruleId, entity, value), Objects.requireNonNull(expiry, "expiry"));
    return this;
  }

  /**
   * Removes an exemption.
   *
   * @param ruleId the rule's id
   * @param entity which field it matched
   * @param value the entity's id
   * @return {@code true} if there was one
   */
  public boolean lift(String ruleId, Entity entity, String value) {
    return until.remove(key(ruleId, entity, value)) != null;
  }

  /**
   * Drops the exemptions that expired at or before an instant, to keep the set small.
   *
   * @param now the instant, usually the latest event time seen
   * @return how many were dropped
   */
  public int purgeExpired(Instant now) {
    int before = until.size();
    until.values().removeIf(expiry -> !expiry.isAfter(now));
    return before - until.size();
  }

  /**
   * Returns the number of exemptions held, expired or not.
   *
   * @return the count
   */
  public int size() {
    return until.size();
  }

  /**
   * Tells whether a rule is suppressed for a transaction, at its event time.
   *
   * @param ruleId the rule's id
   * @param tx the transaction
   * @return {@code true} when one of the transaction's entities is exempted from the rule at its event time
   */
  public boolean isSuppressed(String ruleId, Transaction tx) {
    if (until.isEmpty()) {
      return false;
    }
    for (Entity e : Entity.values()) {
      String v = e.of(tx);
      if (v != null) {
        Instant expiry = until.get(new Key(ruleId, e, v));
        if (expiry != null && tx.eventTime().isBefore(expiry)) {
          return true;
        }
      }
    }
    return false;
  }

  private static Key key(String ruleId, Entity entity, String value) {
    Objects.requireNonNull(ruleId, "ruleId");
    Objects.requireNonNull(entity, "entity");
    Objects.requireNonNull(value, "value");
    if (ruleId.isBlank()) {
      throw new IllegalArgumentException("ruleId must not be blank");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException("value must not be blank");
    }
    return new Key(ruleId, entity, value);
  }
}
