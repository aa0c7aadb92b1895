package dev.fraudengine.rag;

import java.util.Arrays;

/*
 * Exact search by linear scan. Vectors sit one after the other in one flat float[] (ordinal * dimension), so a scan
 * reads memory sequentially; the inner loops keep four independent accumulators so that the JIT can overlap the
 * multiply-adds. For COSINE the vectors are stored normalised and the query is normalised once, so the score is a
 * dot product; for L2 the score is the negated squared distance. The top k are kept in a small sorted array
 * (insertion), ties going to the lower ordinal, which makes results deterministic.
 */
/** Exact nearest-neighbour search over a flat vector array. Not thread-safe: the store locks around it. */
final class ExactIndex implements NeighbourIndex {
  private final int dimension;
  private final Similarity similarity;
  private float[] data;
  private int size;

  ExactIndex(int dimension, Similarity similarity, int initialCapacity) {
    this.dimension = dimension;
    this.similarity = similarity;
    this.data = new float[Math.max(16, initialCapacity) * dimension];
  }

  @Override
  public void add(int ordinal, float[] vector) {
    if (ordinal != size) {
      throw new IllegalStateException("ordinal must be " + size + ", but was " + ordinal);
    }
    int need = (ordinal + 1) * dimension;
    if (need > data.length) {
      data = Arrays.copyOf(data, Math.max(need, data.length * 2));
    }
    float[] v = similarity == Similarity.COSINE ? Vectors.normalised(vector) : vector;
    System.arraycopy(v, 0, data, ordinal * dimension, dimension);
    size++;
  }

  @Override
  public void remove(int ordinal) {
    Arrays.fill(data, ordinal * dimension, (ordinal + 1) * dimension, 0f);
  }

  @Override
  public int search(float[] query, Visibility visibility, int[] out) {
    int k = out.length;
    float[] q = similarity == Similarity.COSINE ? Vectors.normalised(query) : query;
    float[] best = new float[k];
    int count = 0;
    int n = Math.min(size, visibility.size());
    final float[] d = data;
    final int dim = dimension;
    boolean cosine = similarity == Similarity.COSINE;
    for (int o = 0, base = 0; o < n; o++, base += dim) {
      if (!visibility.test(o)) {
        continue;
      }
      float score = cosine ? dot(q, d, base, dim) : -squaredDistance(q, d, base, dim);
      if (count == k && score <= best[k - 1]) {
        continue;
      }
      int i = count == k ? k - 1 : count++;
      while (i > 0 && best[i - 1] < score) {
        best[i] = best[i - 1];
        out[i] = out[i - 1];
        i--;
      }
      best[i] = score;
      out[i] = o;
    }
    return count;
  }

  private static float dot(float[] q, float[] d, int base, int dim) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < dim; i += 4) {
      s0 += q[i] * d[base + i];
      s1 += q[i + 1] * d[base + i + 1];
      s2 += q[i + 2] * d[base + i + 2];
      s3 += q[i + 3] * d[base + i + 3];
    }
    for (; i < dim; i++) {
      s0 += q[i] * d[base + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  private static float squaredDistance(float[] q, float[] d, int base, int dim) {
    float s0 = 0;
    float s1 = 0;
    float s2 = 0;
    float s3 = 0;
    int i = 0;
    for (; i + 3 < dim; i += 4) {
      float a = q[i] - d[base + i];
      float b = q[i + 1] - d[base + i + 1];
      float c = q[i + 2] - d[base + i + 2];
      float e = q[i + 3] - d[base + i + 3];
      s0 += a * a;
      s1 += b * b;
      s2 += c * c;
      s3 += e * e;
    }
    for (; i < dim; i++) {
      float a = q[i] - d[base + i];
      s0 += a * a;
    }
    return (s0 + s1) + (s2 + s3);
  }

  @Override
  public void close() {
    data = new float[0];
    size = 0;
  }
}
