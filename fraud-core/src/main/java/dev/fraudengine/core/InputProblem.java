package dev.fraudengine.core;

import java.util.Objects;

/**
 * One thing wrong with a transaction: which field, what value it had, and why it was refused.
 *
 * @param field the field's name as in {@link Transaction} ({@code "amount"}, {@code "attributes.k"})
 * @param value the offending value as text, escaped and shortened; entity ids are masked so that raw card
 *     numbers or device ids never reach a log through an exception message
 * @param code the stable kind of problem, for metrics and for callers that branch on it
 * @param reason a sentence for people, e.g. {@code "must be greater than 0"}
 */
public record InputProblem(String field, String value, Code code, String reason) {

  /** The kinds of problem, stable across versions. */
  public enum Code {
    /** A required field is absent. */
    MISSING,
    /** A text field is empty or only whitespace. */
    BLANK,
    /** A number is NaN or infinite. */
    NOT_FINITE,
    /** A number is zero or negative where it must be positive. */
    NOT_POSITIVE,
    /** A number is beyond the largest plausible value. */
    TOO_LARGE,
    /** A text is longer than the limit. */
    TOO_LONG,
    /** A text holds control characters (line breaks, NUL, escapes...). */
    CONTROL_CHARACTER,
    /** A code (currency, country) is not in its standard list. */
    UNKNOWN_CODE,
    /** The event time is further in the future than the allowed clock skew. */
    IN_FUTURE,
    /** A coordinate is outside its range. */
    OUT_OF_RANGE,
    /** Only one half of a pair (latitude and longitude) is present. */
    INCOMPLETE,
    /** A collection holds more entries than allowed. */
    TOO_MANY
  }

  /*
   * Creates a problem.
   *
   * @throws NullPointerException if a component is {@code null}
   */
  public InputProblem {
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(reason, "reason");
  }

  /**
   * Returns the key under which the engine counts this problem in {@link EngineMetrics#rejectedByReason()}.
   *
   * @return {@code field + "." + code}, e.g. {@code "amount.NOT_FINITE"}
   */
  public String metricKey() {
    int dot = field.indexOf('.');
    return (dot < 0 ? field : field.substring(0, dot)) + "." + code;
  }

  @Override
  public String toString() {
    return field + "=" + value + " (" + reason + ")";
  }
}
