package dev.fraudengine.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** Immutable, ordered copies of the value maps carried by reasons and rule hits. */
final class Values {
  private Values() {}

  /**
   * Copies a map, keeping its order, after checking that every value is an immutable scalar.
   *
   * @throws IllegalArgumentException if a value is not a String, Number, Boolean or enum
   */
  static Map<String, Object> copyOf(String what, Map<String, Object> values) {
    Objects.requireNonNull(values, what);
    if (values.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> copy = new LinkedHashMap<>(values.size() * 2);
    values.forEach((k, v) -> {
      Objects.requireNonNull(k, what + " key");
      Objects.requireNonNull(v, () -> what + " value of " + k);
      if (!(v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof Enum<?>)) {
        throw new IllegalArgumentException(what + " value of '" + k
            + "' must be a String, Number, Boolean or enum, but was " + v.getClass().getName());
      }
      copy.put(k, v);
    });
    return Collections.unmodifiableMap(copy);
  }
}
