package dev.fraudengine.core;

/** The confirmed outcome of a transaction, as it comes back from chargebacks, analysts or customers. */
public enum Label {
  /** The transaction was confirmed fraudulent. */
  FRAUD,
  /** The transaction was confirmed legitimate. */
  LEGITIMATE
}
