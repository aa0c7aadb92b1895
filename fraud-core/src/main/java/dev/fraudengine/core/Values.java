package dev.fraudengine.core;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * The immutable, ordered value maps carried by reasons and rule hits.
 *
 * <p>A map is a flat array of alternating keys and values: reasons hold a handful of entries, so a linear scan
 * beats hashing, and building one costs a single array instead of a {@code LinkedHashMap} and its entries. A map
 * made here is never copied again (it cannot change), which matters on the scoring path where every decision
 * builds several.
 */
final class Values extends AbstractMap<String, Object> {
  private static final Values EMPTY = new Values(new Object[0]);

  private final Object[] keysAndValues;

  private Values(Object[] keysAndValues) {
    this.keysAndValues = keysAndValues;
  }

  /**
   * Makes a map from alternating keys and values, taking ownership of the array.
   *
   * @throws IllegalArgumentException if a key is not a String or repeats, or a value is not an immutable scalar
   */
  static Map<String, Object> of(Object... keysAndValues) {
    if ((keysAndValues.length & 1) != 0) {
      throw new IllegalArgumentException("keys and values must come in pairs, but there are "
          + keysAndValues.length);
    }
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (!(keysAndValues[i] instanceof String)) {
        throw new IllegalArgumentException("value keys must be strings, but key " + i / 2 + " was "
            + keysAndValues[i]);
      }
      check("values", (String) keysAndValues[i], keysAndValues[i + 1]);
      for (int j = 0; j < i; j += 2) {
        if (keysAndValues[j].equals(keysAndValues[i])) {
          throw new IllegalArgumentException("value keys must be unique, but '" + keysAndValues[i]
              + "' appears twice");
        }
      }
    }
    return keysAndValues.length == 0 ? EMPTY : new Values(keysAndValues);
  }

  /**
   * Makes a map from alternating keys and values the caller guarantees are valid (distinct String keys, values that
   * are non-null Strings, Numbers, Booleans or enums), taking ownership of the array without checking it: for the
   * maps the engine makes from literal keys on every decision. Anything else goes through {@link #of}.
   */
  static Map<String, Object> wrap(Object... keysAndValues) {
    return new Values(keysAndValues);
  }

  /**
   * Returns an immutable copy of a map in its iteration order; a map made here is returned as it is.
   *
   * @throws IllegalArgumentException if a value is not a String, Number, Boolean or enum
   * @throws NullPointerException if the map, a key or a value is {@code null}
   */
  static Map<String, Object> copyOf(String what, Map<String, Object> values) {
    Objects.requireNonNull(values, what);
    if (values instanceof Values) {
      return values;
    }
    if (values.isEmpty()) {
      return EMPTY;
    }
    Object[] kv = new Object[values.size() * 2];
    int i = 0;
    for (Map.Entry<String, Object> e : values.entrySet()) {
      String k = Objects.requireNonNull(e.getKey(), () -> what + " key");
      check(what, k, e.getValue());
      kv[i++] = k;
      kv[i++] = e.getValue();
    }
    return new Values(kv);
  }

  private static void check(String what, String key, Object v) {
    Objects.requireNonNull(v, () -> what + " value of " + key);
    if (!(v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof Enum<?>)) {
      throw new IllegalArgumentException(what + " value of '" + key
          + "' must be a String, Number, Boolean or enum, but was " + v.getClass().getName());
    }
  }

  @Override
  public int size() {
    return keysAndValues.length / 2;
  }

  @Override
  public Object get(Object key) {
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (keysAndValues[i].equals(key)) {
        return keysAndValues[i + 1];
      }
    }
    return null;
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  @Override
  public Set<Map.Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public int size() {
        return keysAndValues.length / 2;
      }

      @Override
      public Iterator<Map.Entry<String, Object>> iterator() {
        return new Iterator<>() {
          private int i;

          @Override
          public boolean hasNext() {
            return i < keysAndValues.length;
          }

          @Override
          public Map.Entry<String, Object> next() {
            if (i >= keysAndValues.length) {
              throw new NoSuchElementException();
            }
            Map.Entry<String, Object> e =
                new AbstractMap.SimpleImmutableEntry<>((String) keysAndValues[i], keysAndValues[i + 1]);
            i += 2;
            return e;
          }
        };
      }
    };
  }
}
