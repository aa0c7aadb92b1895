package dev.fraudengine.features;

import dev.fraudengine.core.Transaction;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a feature is kept per: the card, the terminal, the device, the IP, the payee, or any transaction attribute.
 *
 * <p>An entity has a short name, used as the prefix of feature names ({@code card.txn_count_1d}), and a way to
 * read its key from a transaction. A transaction without that key (a {@code null} device id, say) has no state for
 * that entity, and the entity's features are {@code NaN} for it. Two entities are equal when their names are:
 * the name identifies the state in snapshots.
 *
 * <p>Immutable and thread-safe.
 */
public final class Entity {
  /** The card or account that pays ({@link Transaction#cardId()}). */
  public static final Entity CARD = new Entity("card", Transaction::cardId);
  /** The merchant or terminal that is paid ({@link Transaction#terminalId()}). */
  public static final Entity TERMINAL = new Entity("terminal", Transaction::terminalId);
  /** The device the payment came from ({@link Transaction#deviceId()}). */
  public static final Entity DEVICE = new Entity("device", Transaction::deviceId);
  /** The IP address the payment came from ({@link Transaction#ip()}). */
  public static final Entity IP = new Entity("ip", Transaction::ip);
  /** The beneficiary of a transfer ({@link Transaction#payeeId()}). */
  public static final Entity PAYEE = new Entity("payee", Transaction::payeeId);

  private final String name;
  private final Function<Transaction, String> key;

  private Entity(String name, Function<Transaction, String> key) {
    this.name = name;
    this.key = key;
  }

  /**
   * Returns the entity keyed by a transaction attribute, named {@code attr.<name>}.
   *
   * @param attribute the attribute's name in {@link Transaction#attributes()}
   * @return the entity
   * @throws IllegalArgumentException if the name is blank or holds a character other than letters, digits,
   *     {@code _} and {@code -}
   * @throws NullPointerException if {@code attribute} is {@code null}
   */
  public static Entity attribute(String attribute) {
    Objects.requireNonNull(attribute, "attribute");
    checkName("attribute", attribute);
    return new Entity("attr." + attribute, tx -> tx.attributes().get(attribute));
  }

  /**
   * Returns an entity with its own name and key function, for keys derived from several fields.
   *
   * @param name the feature-name prefix, letters, digits, {@code _} and {@code -} only
   * @param key reads the key from a transaction, {@code null} when the transaction has none; must be pure and
   *     thread-safe
   * @return the entity
   * @throws IllegalArgumentException if the name is blank, holds another character, or is a built-in name
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Entity of(String name, Function<Transaction, String> key) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(key, "key");
    checkName("name", name);
    if (name.equals("tx") || name.equals(CARD.name) || name.equals(TERMINAL.name) || name.equals(DEVICE.name)
        || name.equals(IP.name) || name.equals(PAYEE.name)) {
      throw new IllegalArgumentException("name must not be a built-in entity name, but was '" + name + "'");
    }
    return new Entity(name, key);
  }

  private static void checkName(String param, String value) {
    if (value.isEmpty()) {
      throw new IllegalArgumentException(param + " must not be blank, but was '" + value + "'");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-')) {
        throw new IllegalArgumentException(
            param + " must hold only letters, digits, '_' and '-', but was '" + value + "'");
      }
    }
  }

  /**
   * Returns the entity's name, the prefix of its feature names.
   *
   * @return the name, e.g. {@code "card"}
   */
  public String name() {
    return name;
  }

  /**
   * Reads this entity's key from a transaction.
   *
   * @param tx the transaction
   * @return the key, or {@code null} when the transaction has none
   */
  public String keyOf(Transaction tx) {
    return key.apply(tx);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Entity e && e.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }
}
