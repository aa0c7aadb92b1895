package dev.fraudengine.rag;

import dev.fraudengine.core.Label;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A known case: a labelled transaction's search vector with its outcome, kept by an {@link InMemoryCaseStore}.
 *
 * <p>Immutable. The constructor validates every component and copies the vector and the metadata; the
 * {@link #vector()} accessor returns a copy. Two cases are equal when all their components are, the vector compared
 * element by element.
 *
 * @param id the case's id, usually the id of the transaction it was made from; not blank, at most
 *     {@value #MAX_TEXT} characters
 * @param vector the search vector (an embedding of the transaction's features); not empty, every value finite
 * @param label the confirmed outcome
 * @param fraudType the kind of fraud when known ({@code "card_testing"}...), or {@code null}; always {@code null}
 *     for a {@link Label#LEGITIMATE} case
 * @param eventTime when the case's transaction happened
 * @param labelTime when its label became known: the case is visible to searches for transactions at or after
 *     this instant; not before {@code eventTime}
 * @param metadata a small map of notes (an analyst's comment, a ticket number): at most {@value #MAX_METADATA}
 *     entries, keys and values at most {@value #MAX_TEXT} characters
 */
public record Case(String id, float[] vector, Label label, String fraudType, Instant eventTime, Instant labelTime,
    Map<String, String> metadata) {

  /** The most metadata entries a case may hold. */
  public static final int MAX_METADATA = 16;
  /** The longest id, fraud type, metadata key or metadata value, in characters. */
  public static final int MAX_TEXT = 1_024;

  /*
   * Creates a case, validating and copying its components.
   *
   * @throws NullPointerException if id, vector, label, eventTime, labelTime or a metadata key or value is null
   * @throws IllegalArgumentException if a component breaks the rules above; the message names it and its value
   */
  public Case {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(eventTime, "eventTime");
    Objects.requireNonNull(labelTime, "labelTime");
    if (id.isBlank() || id.length() > MAX_TEXT) {
      throw new IllegalArgumentException(
          "id must be non-blank and at most " + MAX_TEXT + " characters, but was '" + abbreviate(id) + "'");
    }
    vector = Vectors.checkedCopy("vector", vector, -1);
    if (fraudType != null) {
      if (label != Label.FRAUD) {
        throw new IllegalArgumentException(
            "fraudType must be null for a " + label + " case, but was '" + abbreviate(fraudType) + "'");
      }
      if (fraudType.isBlank() || fraudType.length() > MAX_TEXT) {
        throw new IllegalArgumentException("fraudType must be non-blank and at most " + MAX_TEXT
            + " characters, but was '" + abbreviate(fraudType) + "'");
      }
    }
    if (labelTime.isBefore(eventTime)) {
      throw new IllegalArgumentException(
          "labelTime must not be before eventTime " + eventTime + ", but was " + labelTime);
    }
    metadata = copyMetadata(metadata);
  }

  /**
   * Creates a case without a fraud type or metadata.
   *
   * @param id the case's id
   * @param vector the search vector
   * @param label the confirmed outcome
   * @param eventTime when the transaction happened
   * @param labelTime when the label became known
   * @return the case
   * @throws IllegalArgumentException as the canonical constructor
   */
  public static Case of(String id, float[] vector, Label label, Instant eventTime, Instant labelTime) {
    return new Case(id, vector, label, null, eventTime, labelTime, Map.of());
  }

  /**
   * Returns a copy of the search vector.
   *
   * @return a new array
   */
  @Override
  public float[] vector() {
    return vector.clone();
  }

  /** Returns the vector without copying it; the caller must not change it. */
  float[] vectorUnsafe() {
    return vector;
  }

  /**
   * Returns the number of values in the vector.
   *
   * @return the dimension
   */
  public int dimension() {
    return vector.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Case c && id.equals(c.id) && Arrays.equals(vector, c.vector) && label == c.label
        && Objects.equals(fraudType, c.fraudType) && eventTime.equals(c.eventTime) && labelTime.equals(c.labelTime)
        && metadata.equals(c.metadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, Arrays.hashCode(vector), label, fraudType, eventTime, labelTime, metadata);
  }

  @Override
  public String toString() {
    return "Case[id=" + id + ", dimension=" + vector.length + ", label=" + label + ", fraudType=" + fraudType
        + ", eventTime=" + eventTime + ", labelTime=" + labelTime + ", metadata=" + metadata + "]";
  }

  private static Map<String, String> copyMetadata(Map<String, String> metadata) {
    if (metadata == null || metadata.isEmpty()) {
      return Map.of();
    }
    if (metadata.size() > MAX_METADATA) {
      throw new IllegalArgumentException(
          "metadata must hold at most " + MAX_METADATA + " entries, but held " + metadata.size());
    }
    Map<String, String> copy = new LinkedHashMap<>(metadata.size() * 2);
    metadata.forEach((k, v) -> {
      Objects.requireNonNull(k, "metadata key");
      Objects.requireNonNull(v, () -> "metadata value of " + k);
      if (k.isBlank() || k.length() > MAX_TEXT) {
        throw new IllegalArgumentException("metadata keys must be non-blank and at most " + MAX_TEXT
            + " characters, but one was '" + abbreviate(k) + "'");
      }
      if (v.length() > MAX_TEXT) {
        throw new IllegalArgumentException("metadata values must be at most " + MAX_TEXT
            + " characters, but the value of '" + abbreviate(k) + "' had " + v.length());
      }
      copy.put(k, v);
    });
    return Collections.unmodifiableMap(copy);
  }

  static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
