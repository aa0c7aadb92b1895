package dev.fraudengine.rag;

import java.util.List;
import java.util.Objects;

/** Standardises features with learned statistics and optional weights; see {@link Embedder#standardising}. */
final class StandardisingEmbedder implements Embedder {
  private final float[] mean;
  /** {@code weight / std}, or {@code weight} where std is 0. */
  private final float[] scale;

  StandardisingEmbedder(float[] mean, float[] std, float[] weights) {
    Objects.requireNonNull(mean, "mean");
    Objects.requireNonNull(std, "std");
    Vectors.check("mean", mean, -1);
    Vectors.check("std", std, mean.length);
    if (weights != null) {
      Vectors.check("weights", weights, mean.length);
    }
    this.mean = mean.clone();
    this.scale = new float[mean.length];
    for (int i = 0; i < mean.length; i++) {
      if (std[i] < 0) {
        throw new IllegalArgumentException("std[" + i + "] must not be negative, but was " + std[i]);
      }
      float w = weights == null ? 1f : weights[i];
      if (w < 0) {
        throw new IllegalArgumentException("weights[" + i + "] must not be negative, but was " + w);
      }
      scale[i] = std[i] > 0 ? w / std[i] : w;
    }
  }

  /** The statistics of {@link Embedder#statistics}: Welford's running mean and sum of squares per feature. */
  static Embedder.Statistics statistics(List<float[]> rows) {
    Objects.requireNonNull(rows, "rows");
    if (rows.isEmpty()) {
      throw new IllegalArgumentException("rows must not be empty");
    }
    int d = Objects.requireNonNull(rows.get(0), "rows[0]").length;
    if (d == 0) {
      throw new IllegalArgumentException("rows[0] must have dimension at least 1, but had 0");
    }
    long[] n = new long[d];
    double[] mean = new double[d];
    double[] m2 = new double[d];
    for (int r = 0; r < rows.size(); r++) {
      float[] row = Objects.requireNonNull(rows.get(r), () -> "rows contains null");
      if (row.length != d) {
        throw new IllegalArgumentException(
            "rows[" + r + "] must have dimension " + d + ", but had " + row.length);
      }
      for (int i = 0; i < d; i++) {
        float x = row[i];
        if (Float.isNaN(x)) {
          continue;
        }
        if (Float.isInfinite(x)) {
          throw new IllegalArgumentException("rows[" + r + "][" + i + "] must be finite or NaN, but was " + x);
        }
        n[i]++;
        double delta = x - mean[i];
        mean[i] += delta / n[i];
        m2[i] += delta * (x - mean[i]);
      }
    }
    float[] mu = new float[d];
    float[] sd = new float[d];
    for (int i = 0; i < d; i++) {
      mu[i] = (float) mean[i];
      sd[i] = n[i] > 0 ? (float) Math.sqrt(m2[i] / n[i]) : 0f;
    }
    return new Embedder.Statistics(mu, sd);
  }

  @Override
  public int inputDimension() {
    return mean.length;
  }

  @Override
  public int dimension() {
    return mean.length;
  }

  @Override
  public float[] embed(float[] features) {
    Objects.requireNonNull(features, "features");
    if (features.length != mean.length) {
      throw new IllegalArgumentException(
          "features must have dimension " + mean.length + ", but had " + features.length);
    }
    float[] out = new float[mean.length];
    for (int i = 0; i < out.length; i++) {
      float x = features[i];
      if (Float.isNaN(x)) {
        continue;
      }
      if (Float.isInfinite(x)) {
        throw new IllegalArgumentException("features[" + i + "] must be finite or NaN, but was " + x);
      }
      out[i] = (x - mean[i]) * scale[i];
    }
    return out;
  }
}
