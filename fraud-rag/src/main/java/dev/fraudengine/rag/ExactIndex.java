package dev.fraudengine.rag;

import java.util.Arrays;

/*
 * Exact search by linear scan. Vectors sit one after the other in one flat float[] (ordinal * dimension), so a scan
 * reads memory sequentially. Each row is scored as a cost, lower being nearer: the squared distance for L2, the
 * negated dot product for COSINE (vectors are stored normalised and the query is normalised once). The best k are
 * kept in a small sorted array (insertion), ties going to the lower ordinal, which makes results deterministic.
 *
 * The scan is the whole cost of an exact search, so its inner loop is kept tight:
 * - rows are read in blocks of 8 values whose terms are summed as a tree (8 independent multiplies, 7 adds), so the
 *   only dependency carried from block to block is one add; JDK 17's C2 does not vectorise a float reduction, and
 *   this is what scalar code can overlap;
 * - L2 abandons a row as soon as its partial sum exceeds the distance of the current k-th best (early abandoning,
 *   as in the UCR suite of Rakthanmanon et al., KDD 2012). Partial sums of non-negative terms never decrease in
 *   floating point, and the full distance is computed the same way, so the result is exactly that of a full scan;
 * - visibility (removed, labelled later) is tested only for a row that would enter the best k, not for every row.
 */
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
    int n = Math.min(size, visibility.size());
    if (similarity == Similarity.COSINE) {
      return searchDot(Vectors.normalised(query), visibility, out, k, n);
    }
    return searchL2(query, visibility, out, k, n);
  }

  private int searchL2(float[] q, Visibility visibility, int[] out, int k, int n) {
    final float[] d = data;
    final int dim = dimension;
    final int blocked = dim & ~7;
    float[] best = new float[k];
    int count = 0;
    float worst = Float.POSITIVE_INFINITY;
    for (int o = 0, base = 0; o < n; o++, base += dim) {
      float s = 0;
      int i = 0;
      for (; i < blocked; i += 8) {
        int j = base + i;
        float a0 = q[i] - d[j];
        float a1 = q[i + 1] - d[j + 1];
        float a2 = q[i + 2] - d[j + 2];
        float a3 = q[i + 3] - d[j + 3];
        float a4 = q[i + 4] - d[j + 4];
        float a5 = q[i + 5] - d[j + 5];
        float a6 = q[i + 6] - d[j + 6];
        float a7 = q[i + 7] - d[j + 7];
        s += ((a0 * a0 + a1 * a1) + (a2 * a2 + a3 * a3)) + ((a4 * a4 + a5 * a5) + (a6 * a6 + a7 * a7));
        if (s > worst) {
          break;
        }
      }
      if (s > worst) {
        continue;
      }
      for (; i < dim; i++) {
        float a = q[i] - d[base + i];
        s += a * a;
      }
      if ((count == k && s >= worst) || !visibility.test(o)) {
        continue;
      }
      count = insert(best, out, count, s, o);
      if (count == k) {
        worst = best[k - 1];
      }
    }
    return count;
  }

  private int searchDot(float[] q, Visibility visibility, int[] out, int k, int n) {
    final float[] d = data;
    final int dim = dimension;
    final int blocked = dim & ~7;
    float[] best = new float[k];
    int count = 0;
    float worst = Float.POSITIVE_INFINITY;
    for (int o = 0, base = 0; o < n; o++, base += dim) {
      float s = 0;
      int i = 0;
      for (; i < blocked; i += 8) {
        int j = base + i;
        s += ((q[i] * d[j] + q[i + 1] * d[j + 1]) + (q[i + 2] * d[j + 2] + q[i + 3] * d[j + 3]))
            + ((q[i + 4] * d[j + 4] + q[i + 5] * d[j + 5]) + (q[i + 6] * d[j + 6] + q[i + 7] * d[j + 7]));
      }
      for (; i < dim; i++) {
        s += q[i] * d[base + i];
      }
      float cost = -s;
      if ((count == k && cost >= worst) || !visibility.test(o)) {
        continue;
      }
      count = insert(best, out, count, cost, o);
      if (count == k) {
        worst = best[k - 1];
      }
    }
    return count;
  }

  /**
   * Inserts a row strictly better than the current k-th into the sorted best k, after any of equal cost.
   *
   * @return the new count
   */
  private static int insert(float[] best, int[] out, int count, float cost, int ordinal) {
    int k = best.length;
    int i = count == k ? k - 1 : count++;
    while (i > 0 && best[i - 1] > cost) {
      best[i] = best[i - 1];
      out[i] = out[i - 1];
      i--;
    }
    best[i] = cost;
    out[i] = ordinal;
    return count;
  }

  @Override
  public void close() {
    data = new float[0];
    size = 0;
  }
}
