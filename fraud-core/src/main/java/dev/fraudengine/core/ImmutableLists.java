package dev.fraudengine.core;

import java.util.Arrays;
import java.util.List;

/**
 * Immutable lists made from an array the caller filled, with as few copies as the JDK allows, for the lists a
 * decision carries.
 *
 * <p>{@code List.of(E...)} and {@code List.copyOf} copy their input (twice for an {@code ArrayList}: its
 * {@code toArray}, then a defensive copy), whereas the fixed-arity {@code List.of(e1, ..., e10)} keep the one array
 * they build (or none, for one or two elements). A list made here is a JDK immutable list, so the record
 * constructors that call {@code List.copyOf} keep it as it is.
 */
final class ImmutableLists {
  private ImmutableLists() {}

  /**
   * Returns an immutable list of the first {@code size} elements of an array ({@code size} at most its length); the
   * array can be reused afterwards.
   *
   * @throws NullPointerException if one of those elements is {@code null}
   */
  static <E> List<E> of(E[] a, int size) {
    return switch (size) {
      case 0 -> List.of();
      case 1 -> List.of(a[0]);
      case 2 -> List.of(a[0], a[1]);
      case 3 -> List.of(a[0], a[1], a[2]);
      case 4 -> List.of(a[0], a[1], a[2], a[3]);
      case 5 -> List.of(a[0], a[1], a[2], a[3], a[4]);
      case 6 -> List.of(a[0], a[1], a[2], a[3], a[4], a[5]);
      case 7 -> List.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
      case 8 -> List.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
      case 9 -> List.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8]);
      case 10 -> List.of(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9]);
      default -> List.of(size == a.length ? a : Arrays.copyOf(a, size));
    };
  }
}
