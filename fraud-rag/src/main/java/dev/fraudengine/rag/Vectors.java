package dev.fraudengine.rag;

import java.util.Objects;

/** Validation and arithmetic on search vectors, shared by the store, its indexes and the embedders. */
final class Vectors {
  private Vectors() {}

  /**
   * Checks a vector and returns a copy.
   *
   * @param name the parameter's name, for the message
   * @param v the vector
   * @param dimension the expected dimension, or -1 for any non-zero dimension
   */
  static float[] checkedCopy(String name, float[] v, int dimension) {
    check(name, v, dimension);
    return v.clone();
  }

  /** Checks a vector's dimension and values; throws IllegalArgumentException naming the index of a bad value. */
  static void check(String name, float[] v, int dimension) {
    Objects.requireNonNull(v, name);
    if (dimension < 0 ? v.length == 0 : v.length != dimension) {
      throw new IllegalArgumentException(name + " must have dimension "
          + (dimension < 0 ? "at least 1" : String.valueOf(dimension)) + ", but had " + v.length);
    }
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        throw new IllegalArgumentException(name + "[" + i + "] must be finite, but was " + v[i]);
      }
    }
  }

  /** Returns the Euclidean norm. */
  static float norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return (float) Math.sqrt(s);
  }

  /** Returns a unit-length copy, or a zero vector for a zero vector. */
  static float[] normalised(float[] v) {
    float n = norm(v);
    float[] out = new float[v.length];
    if (n > 0) {
      for (int i = 0; i < v.length; i++) {
        out[i] = v[i] / n;
      }
    }
    return out;
  }

  /**
   * The sum of squared differences of eight values, {@code q[i..i+8)} against {@code d[j..j+8)}, added pairwise so
   * the four products of each half are independent (the form both search layouts share).
   */
  static float squaredBlock8(float[] q, int i, float[] d, int j) {
    float a0 = q[i] - d[j];
    float a1 = q[i + 1] - d[j + 1];
    float a2 = q[i + 2] - d[j + 2];
    float a3 = q[i + 3] - d[j + 3];
    float a4 = q[i + 4] - d[j + 4];
    float a5 = q[i + 5] - d[j + 5];
    float a6 = q[i + 6] - d[j + 6];
    float a7 = q[i + 7] - d[j + 7];
    return ((a0 * a0 + a1 * a1) + (a2 * a2 + a3 * a3)) + ((a4 * a4 + a5 * a5) + (a6 * a6 + a7 * a7));
  }
}
