package dev.fraudengine.rag;

import java.util.List;

/**
 * Turns a transaction's feature vector into the search vector of the case store.
 *
 * <p>Implementations must be thread-safe and deterministic (the same features give the same vector) and must
 * accept {@code NaN} feature values, which mean "missing" in fraud-engine's feature vectors. The vectors they
 * return must be finite; the store refuses any other with an {@link IllegalArgumentException}.
 *
 * <p>The built-in embedder standardises: {@link #standardising(float[], float[], float[])} from known statistics,
 * or {@link #fit(List, float[])} to learn them from training rows.
 */
public interface Embedder {

  /**
   * Returns the number of features this embedder reads.
   *
   * @return the input dimension, positive
   */
  int inputDimension();

  /**
   * Returns the number of values in the vectors it makes.
   *
   * @return the output dimension, positive
   */
  int dimension();

  /**
   * Embeds one feature vector.
   *
   * @param features the features, {@link #inputDimension()} values, possibly {@code NaN}; not changed
   * @return a new vector of {@link #dimension()} finite values
   * @throws IllegalArgumentException if the features have the wrong dimension or an infinite value
   */
  float[] embed(float[] features);

  /**
   * Returns an embedder that standardises each feature, {@code (x - mean) / std}, then multiplies it by its
   * weight. A missing ({@code NaN}) feature becomes 0 after standardising: the training mean, so that a missing
   * value pulls a case neither way. A feature with a standard deviation of 0 is centred but not scaled. Immutable
   * and thread-safe.
   *
   * @param mean the mean of each feature, finite
   * @param std the standard deviation of each feature, finite and not negative
   * @param weights the weight of each feature, finite and not negative (0 leaves the feature out), or
   *     {@code null} for a weight of 1 each
   * @return the embedder
   * @throws IllegalArgumentException if the arrays are empty, differ in length, or hold a bad value; the message
   *     names the array and the index
   */
  static Embedder standardising(float[] mean, float[] std, float[] weights) {
    return new StandardisingEmbedder(mean, std, weights);
  }

  /**
   * Learns the mean and standard deviation of each feature from training rows and returns a
   * {@linkplain #standardising standardising} embedder. {@code NaN} values are skipped; a feature with no value
   * gets mean 0 and standard deviation 0.
   *
   * @param rows the training feature vectors, all of the same dimension; at least one
   * @param weights the weight of each feature, or {@code null} for a weight of 1 each
   * @return the embedder
   * @throws IllegalArgumentException if there are no rows, rows differ in dimension, a row holds an infinite
   *     value, or a weight is bad
   */
  static Embedder fit(List<float[]> rows, float[] weights) {
    Statistics s = statistics(rows);
    return new StandardisingEmbedder(s.mean(), s.std(), weights);
  }

  /**
   * Learns the mean and the (population) standard deviation of each feature from training rows, as {@link #fit}
   * does: to keep them, for instance beside a model, and rebuild the embedder later with
   * {@link #standardising(float[], float[], float[])}. {@code NaN} values are skipped; a feature with no value gets
   * mean 0 and standard deviation 0.
   *
   * @param rows the training feature vectors, all of the same dimension; at least one
   * @return the statistics
   * @throws IllegalArgumentException if there are no rows, rows differ in dimension, or a row holds an infinite
   *     value
   */
  static Statistics statistics(List<float[]> rows) {
    return StandardisingEmbedder.statistics(rows);
  }

  /**
   * Per-feature statistics of training rows.
   *
   * @param mean the mean of each feature
   * @param std the standard deviation of each feature
   */
  record Statistics(float[] mean, float[] std) {}

  /**
   * Returns an embedder that copies the features unchanged, for vectors that are already embeddings. Missing
   * ({@code NaN}) values become 0.
   *
   * @param dimension the number of features
   * @return the embedder
   * @throws IllegalArgumentException if the dimension is not positive
   */
  static Embedder identity(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be positive, but was " + dimension);
    }
    float[] zeros = new float[dimension];
    float[] ones = new float[dimension];
    java.util.Arrays.fill(ones, 1f);
    return new StandardisingEmbedder(zeros, ones, null);
  }
}
