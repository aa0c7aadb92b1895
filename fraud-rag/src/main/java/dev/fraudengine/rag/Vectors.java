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
}
