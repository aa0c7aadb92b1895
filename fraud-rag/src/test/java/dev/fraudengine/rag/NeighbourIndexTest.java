package dev.fraudengine.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The backends below the store: the exact scan (blocked, early-abandoning, visibility tested late) against a plain
 * reference scan, and the approximate index's own scoring against the exact scan, for dimensions that are and are
 * not multiples of the 8-value blocks.
 */
class NeighbourIndexTest {

  @ParameterizedTest
  @CsvSource({"L2,3", "L2,8", "L2,13", "L2,32", "L2,37", "COSINE,3", "COSINE,13", "COSINE,32"})
  void exactSearch_randomRowsAndHiddenRows_matchesReferenceScanIncludingTies(Similarity similarity, int dim) {
    long seed = 1_234L + dim;
    System.out.println("exactSearch_randomRowsAndHiddenRows_matchesReferenceScanIncludingTies seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int n = 3_000;
    float[][] rows = new float[n][];
    ExactIndex index = new ExactIndex(dim, similarity, 16);
    long[] visibleFrom = new long[n];
    for (int o = 0; o < n; o++) {
      // every 7th row repeats an earlier one, so that ties must go to the lower ordinal
      rows[o] = o % 7 == 6 ? rows[o - 3].clone() : gaussian(r, dim);
      if (o % 97 == 0) {
        rows[o] = new float[dim];
      }
      index.add(o, rows[o]);
      visibleFrom[o] = r.nextInt(10);
    }
    for (int q = 0; q < 200; q++) {
      float[] query = q % 5 == 0 ? rows[r.nextInt(n)].clone() : gaussian(r, dim);
      long asOf = r.nextInt(12);
      int k = 1 + r.nextInt(20);
      NeighbourIndex.Visibility vis = new NeighbourIndex.Visibility(visibleFrom, n, asOf);
      int[] out = new int[k];
      int found = index.search(query, vis, out);
      int[] expected = reference(rows, similarity, query, vis, k);
      assertThat(Arrays.copyOf(out, found)).as("query %d, k %d, asOf %d", q, k, asOf).containsExactly(expected);
    }
  }

  @ParameterizedTest
  @CsvSource({"L2,5", "L2,16", "L2,37", "COSINE,5", "COSINE,37"})
  void approximateSearch_smallIndex_findsTheExactNeighbours(Similarity similarity, int dim) {
    long seed = 99L + dim;
    System.out.println("approximateSearch_smallIndex_findsTheExactNeighbours seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int n = 1_500;
    ExactIndex exact = new ExactIndex(dim, similarity, 16);
    JVectorIndex approximate = new JVectorIndex(dim, similarity, 32, 100, 100);
    try {
      long[] visibleFrom = new long[n];
      for (int o = 0; o < n; o++) {
        float[] v = gaussian(r, dim);
        exact.add(o, v);
        approximate.add(o, v);
        visibleFrom[o] = o % 4;
      }
      approximate.link(0, n);
      int hits = 0;
      int total = 0;
      for (int q = 0; q < 100; q++) {
        float[] query = gaussian(r, dim);
        // alternate the instant, so that a thread's reused filter must follow each search's visibility
        NeighbourIndex.Visibility vis = new NeighbourIndex.Visibility(visibleFrom, n, q % 2 == 0 ? 3 : 1);
        int[] want = new int[10];
        int[] got = new int[10];
        int w = exact.search(query, vis, want);
        int g = approximate.search(query, vis, got);
        assertThat(g).isEqualTo(w);
        for (int i = 0; i < g; i++) {
          assertThat(vis.test(got[i])).isTrue();
        }
        hits += (int) Arrays.stream(got, 0, g).filter(o -> Arrays.stream(want, 0, w).anyMatch(x -> x == o)).count();
        total += w;
      }
      assertThat(hits / (double) total).isGreaterThanOrEqualTo(0.99);
    } finally {
      approximate.close();
      exact.close();
    }
  }

  /** A plain full scan in double precision: best first, ties by the lower ordinal. */
  private static int[] reference(float[][] rows, Similarity similarity, float[] query, NeighbourIndex.Visibility vis,
      int k) {
    float[] q = similarity == Similarity.COSINE ? Vectors.normalised(query) : query;
    Integer[] order = new Integer[rows.length];
    double[] cost = new double[rows.length];
    for (int o = 0; o < rows.length; o++) {
      order[o] = o;
      float[] d = similarity == Similarity.COSINE ? Vectors.normalised(rows[o]) : rows[o];
      double s = 0;
      for (int i = 0; i < q.length; i++) {
        s += similarity == Similarity.COSINE ? -(double) q[i] * d[i] : ((double) q[i] - d[i]) * ((double) q[i] - d[i]);
      }
      cost[o] = s;
    }
    Arrays.sort(order, (a, b) -> cost[a] != cost[b] ? Double.compare(cost[a], cost[b]) : Integer.compare(a, b));
    return Arrays.stream(order).filter(vis::test).limit(k).mapToInt(Integer::intValue).toArray();
  }

  private static float[] gaussian(SplittableRandom r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      double u = 1 - r.nextDouble();
      v[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble()));
    }
    return v;
  }
}
