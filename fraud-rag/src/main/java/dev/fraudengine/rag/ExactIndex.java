package dev.fraudengine.rag;

import java.util.Arrays;

/*
 * Exact search by linear scan. Each row is scored as a cost, lower being nearer: the squared distance for L2, the
 * negated dot product for COSINE (vectors are stored normalised and the query is normalised once). The best k are
 * kept in a small sorted array (insertion), ties going to the lower ordinal, which makes results deterministic.
 *
 * The scan is the whole cost of an exact search, and at 100,000 x 32 floats (12.8 MB) a row-major scan is bound by
 * memory bandwidth, so:
 * - the vectors are stored by column groups of 8 dimensions (dimensions 0-7 of every row in one float[], ordinal * 8,
 *   then dimensions 8-15 in the next, and so on; the last group is narrower when the dimension is not a multiple of
 *   8), in the spirit of the PDX layout (Kuffo et al., SIGMOD 2025): a scan streams the first group, and reads the
 *   others only for the rows that survive it;
 * - L2 abandons a row as soon as its partial sum exceeds the distance of the current k-th best (early abandoning,
 *   as in the UCR suite of Rakthanmanon et al., KDD 2012). On clustered or standardised data most rows are
 *   abandoned after their first group;
 * - a group's 8 terms are summed as a tree (8 independent multiplies, 7 adds), so the only dependency carried from
 *   group to group is one add; JDK 17's C2 does not vectorise a float reduction, and this is what scalar code can
 *   overlap. Partial sums of non-negative terms never decrease in floating point, and every row is summed in the
 *   same order whether or not it is abandoned, so the result is exactly that of a full scan;
 * - visibility (removed, labelled later) is tested only for a row that would enter the best k, not for every row.
 */
final class ExactIndex implements NeighbourIndex {
  private static final int GROUP = 8;

  private final int dimension;
  private final Similarity similarity;
  /** Per column group, the rows' values of its dimensions: group g holds dimensions [8g, 8g + width(g)). */
  private float[][] groups;
  private int capacity;
  private int size;

  ExactIndex(int dimension, Similarity similarity, int initialCapacity) {
    this.dimension = dimension;
    this.similarity = similarity;
    this.capacity = Math.max(16, initialCapacity);
    int count = (dimension + GROUP - 1) / GROUP;
    this.groups = new float[count][];
    for (int g = 0; g < count; g++) {
      groups[g] = new float[capacity * width(g)];
    }
  }

  private int width(int group) {
    return Math.min(GROUP, dimension - group * GROUP);
  }

  @Override
  public void add(int ordinal, float[] vector) {
    if (ordinal != size) {
      throw new IllegalStateException("ordinal must be " + size + ", but was " + ordinal);
    }
    if (ordinal == capacity) {
      capacity = Math.max(16, capacity * 2);
      for (int g = 0; g < groups.length; g++) {
        groups[g] = Arrays.copyOf(groups[g], capacity * width(g));
      }
    }
    float[] v = similarity == Similarity.COSINE ? Vectors.normalised(vector) : vector;
    for (int g = 0; g < groups.length; g++) {
      int w = width(g);
      System.arraycopy(v, g * GROUP, groups[g], ordinal * w, w);
    }
    size++;
  }

  @Override
  public void remove(int ordinal) {
    for (int g = 0; g < groups.length; g++) {
      int w = width(g);
      Arrays.fill(groups[g], ordinal * w, (ordinal + 1) * w, 0f);
    }
  }

  @Override
  public int search(float[] query, Visibility visibility, int[] out) {
    int k = out.length;
    int n = Math.min(size, visibility.size());
    if (similarity == Similarity.COSINE) {
      return searchDot(Vectors.normalised(query), visibility, out, k, n);
    }
    return dimension >= GROUP ? searchL2(query, visibility, out, k, n) : searchL2Narrow(query, visibility, out, k, n);
  }

  /** L2 for a dimension of at least 8: the first group is scanned inline, the others by {@link #rest}. */
  private int searchL2(float[] q, Visibility visibility, int[] out, int k, int n) {
    final float[] g0 = groups[0];
    final float q0 = q[0];
    final float q1 = q[1];
    final float q2 = q[2];
    final float q3 = q[3];
    final float q4 = q[4];
    final float q5 = q[5];
    final float q6 = q[6];
    final float q7 = q[7];
    final boolean more = groups.length > 1;
    float[] best = new float[k];
    int count = 0;
    float worst = Float.POSITIVE_INFINITY;
    for (int o = 0, j = 0; o < n; o++, j += GROUP) {
      float a0 = q0 - g0[j];
      float a1 = q1 - g0[j + 1];
      float a2 = q2 - g0[j + 2];
      float a3 = q3 - g0[j + 3];
      float a4 = q4 - g0[j + 4];
      float a5 = q5 - g0[j + 5];
      float a6 = q6 - g0[j + 6];
      float a7 = q7 - g0[j + 7];
      float s = 0;
      s += ((a0 * a0 + a1 * a1) + (a2 * a2 + a3 * a3)) + ((a4 * a4 + a5 * a5) + (a6 * a6 + a7 * a7));
      if (s > worst) {
        continue;
      }
      if (more) {
        s = rest(q, o, s, worst);
        if (s > worst) {
          continue;
        }
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

  /** Adds the groups after the first to a row's partial sum, stopping once it exceeds bound. */
  private float rest(float[] q, int o, float partial, float bound) {
    float s = partial;
    final float[][] gs = groups;
    for (int g = 1; g < gs.length; g++) {
      final float[] d = gs[g];
      final int i = g * GROUP;
      if (i + GROUP <= dimension) {
        s += Vectors.squaredBlock8(q, i, d, o * GROUP);
        if (s > bound) {
          return s;
        }
      } else {
        int w = dimension - i;
        for (int t = 0, j = o * w; t < w; t++, j++) {
          float a = q[i + t] - d[j];
          s += a * a;
        }
      }
    }
    return s;
  }

  /** L2 for a dimension below 8: one narrow group, summed one value at a time. */
  private int searchL2Narrow(float[] q, Visibility visibility, int[] out, int k, int n) {
    final float[] d = groups[0];
    final int w = dimension;
    float[] best = new float[k];
    int count = 0;
    float worst = Float.POSITIVE_INFINITY;
    for (int o = 0, j = 0; o < n; o++) {
      float s = 0;
      for (int t = 0; t < w; t++, j++) {
        float a = q[t] - d[j];
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
    final float[][] gs = groups;
    float[] best = new float[k];
    int count = 0;
    float worst = Float.POSITIVE_INFINITY;
    for (int o = 0; o < n; o++) {
      float s = 0;
      for (int g = 0; g < gs.length; g++) {
        final float[] d = gs[g];
        final int i = g * GROUP;
        if (i + GROUP <= dimension) {
          int j = o * GROUP;
          s += ((q[i] * d[j] + q[i + 1] * d[j + 1]) + (q[i + 2] * d[j + 2] + q[i + 3] * d[j + 3]))
              + ((q[i + 4] * d[j + 4] + q[i + 5] * d[j + 5]) + (q[i + 6] * d[j + 6] + q[i + 7] * d[j + 7]));
        } else {
          int w = dimension - i;
          for (int t = 0, j = o * w; t < w; t++, j++) {
            s += q[i + t] * d[j];
          }
        }
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
    groups = new float[groups.length][0];
    capacity = 0;
    size = 0;
  }
}
