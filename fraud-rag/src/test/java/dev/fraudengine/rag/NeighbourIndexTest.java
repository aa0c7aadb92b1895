package dev.fraudengine.rag;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
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

  @ParameterizedTest
  @CsvSource({"L2,16", "L2,37", "COSINE,16"})
  void approximateSearch_everyOrdinalVisible_listWalkOnVectorsFindsTheExactNeighbours(Similarity similarity,
      int dim) {
    long seed = 101L + dim;
    System.out.println("approximateSearch_everyOrdinalVisible_listWalkOnVectorsFindsTheExactNeighbours seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int n = 3_000;
    ExactIndex exact = new ExactIndex(dim, similarity, 16);
    // the default threshold: 3,000 vectors stay in cache, so the walk scores them, not codes. Uniform Gaussian rows
    // of 37 dimensions are the hardest case for a graph, and JVector's parallel build differs from run to run: a
    // beam of 120 keeps recall well above the bound on every build (at 60 it fell just under 0.95 about one run in
    // three)
    JVectorIndex approximate = new JVectorIndex(dim, similarity, 16, 100, 120);
    try {
      float[][] rows = new float[n][];
      for (int o = 0; o < n; o++) {
        rows[o] = gaussian(r, dim);
        exact.add(o, rows[o]);
        approximate.add(o, rows[o]);
      }
      approximate.link(0, n);
      assertThat(approximate.trainedRows()).isZero();
      NeighbourIndex.Visibility all = new NeighbourIndex.Visibility(new long[n], n, 0, true);
      int hits = 0;
      for (int q = 0; q < 100; q++) {
        float[] query = gaussian(r, dim);
        int[] want = new int[10];
        int[] got = new int[10];
        exact.search(query, all, want);
        assertThat(approximate.search(query, all, got)).isEqualTo(10);
        // best first, by exact cost
        float[] qq = similarity == Similarity.COSINE ? Vectors.normalised(query) : query;
        float previous = Float.NEGATIVE_INFINITY;
        for (int o : got) {
          float[] row = similarity == Similarity.COSINE ? Vectors.normalised(rows[o]) : rows[o];
          float c = similarity == Similarity.L2 ? FrozenGraph.l2(qq, row, 0, Float.POSITIVE_INFINITY)
              : -FrozenGraph.dot(qq, row, 0);
          assertThat(c).isGreaterThanOrEqualTo(previous);
          previous = c;
        }
        hits += (int) Arrays.stream(got).filter(o -> Arrays.stream(want).anyMatch(x -> x == o)).count();
      }
      assertThat(hits / 1_000.0).isGreaterThanOrEqualTo(0.95);
    } finally {
      approximate.close();
      exact.close();
    }
  }

  @ParameterizedTest
  @CsvSource({"L2", "COSINE"})
  void approximateSearch_casesAddedAfterFreeze_foundAtOnceAndAfterRefreeze(Similarity similarity) {
    long seed = 314L;
    System.out.println("approximateSearch_casesAddedAfterFreeze_foundAtOnceAndAfterRefreeze seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int dim = 12;
    int first = 1_500;
    int total = first + 100 + 300;
    JVectorIndex index = new JVectorIndex(dim, similarity, 16, 100, 40);
    try {
      float[][] rows = new float[total][];
      long[] visibleFrom = new long[total];
      for (int o = 0; o < first; o++) {
        rows[o] = gaussian(r, dim);
        index.add(o, rows[o]);
      }
      index.link(0, first);
      assertThat(index.frozenSize()).isEqualTo(first);

      // added, not yet linked: scanned as the tail
      for (int o = first; o < first + 100; o++) {
        rows[o] = gaussian(r, dim);
        index.add(o, rows[o]);
      }
      assertNearestIsItself(index, rows, first, first + 100, visibleFrom);
      // linked, fewer than the tail limit: still the tail
      index.link(first, first + 100);
      assertThat(index.frozenSize()).isEqualTo(first);
      assertNearestIsItself(index, rows, first, first + 100, visibleFrom);
      // past the tail limit: frozen again, found through the graph
      for (int o = first + 100; o < total; o++) {
        rows[o] = gaussian(r, dim);
        index.add(o, rows[o]);
      }
      index.link(first + 100, total);
      assertThat(total - first).isGreaterThan(JVectorIndex.tailLimit(first));
      assertThat(index.frozenSize()).isEqualTo(total);
      assertNearestIsItself(index, rows, 0, total, visibleFrom);
    } finally {
      index.close();
    }
  }

  private static void assertNearestIsItself(JVectorIndex index, float[][] rows, int from, int to, long[] visibleFrom) {
    NeighbourIndex.Visibility vis = new NeighbourIndex.Visibility(visibleFrom, to, 0);
    int misses = 0;
    for (int o = from; o < to; o++) {
      int[] out = new int[3];
      int n = index.search(rows[o], vis, out);
      assertThat(n).isEqualTo(3);
      if (out[0] != o) {
        misses++;
      }
    }
    // the tail is scanned exactly; through the graph, a row's own vector is found nearly always
    assertThat(misses).as("rows [%d, %d) not found first", from, to).isLessThanOrEqualTo((to - from) / 100);
  }

  @Test
  void approximateSearch_removedAndLaterLabelledOrdinals_neverReturnedAndRecallKept() {
    long seed = 2_718L;
    System.out.println("approximateSearch_removedAndLaterLabelledOrdinals_neverReturnedAndRecallKept seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    assertFilteredSearch(new JVectorIndex(16, Similarity.L2, 16, 100, 50), r, 16, 4_000);
  }

  /**
   * Fills the index (and an exact one) with n Gaussian rows, a third removed and a third labelled after the
   * searches' instant, then checks that 100 searches never return a hidden ordinal and find at least 95 % of the
   * exact results. Closes the index.
   */
  static void assertFilteredSearch(JVectorIndex approximate, SplittableRandom r, int dim, int n) {
    ExactIndex exact = new ExactIndex(dim, Similarity.L2, n);
    try {
      long[] visibleFrom = new long[n];
      for (int o = 0; o < n; o++) {
        float[] v = gaussian(r, dim);
        exact.add(o, v);
        approximate.add(o, v);
        // a third removed, a third labelled after the searches' instant
        visibleFrom[o] = o % 3 == 0 ? Long.MAX_VALUE : o % 3 == 1 ? 100 : 5;
      }
      approximate.link(0, n);
      NeighbourIndex.Visibility vis = new NeighbourIndex.Visibility(visibleFrom, n, 50);
      int hits = 0;
      for (int q = 0; q < 100; q++) {
        float[] query = gaussian(r, dim);
        int[] want = new int[10];
        int[] got = new int[10];
        exact.search(query, vis, want);
        assertThat(approximate.search(query, vis, got)).isEqualTo(10);
        for (int o : got) {
          assertThat(o % 3).as("ordinal %d", o).isEqualTo(2);
        }
        hits += (int) Arrays.stream(got).filter(o -> Arrays.stream(want).anyMatch(x -> x == o)).count();
      }
      assertThat(hits / 1_000.0).isGreaterThanOrEqualTo(0.95);
    } finally {
      approximate.close();
      exact.close();
    }
  }

  @Test
  void frozenGraphSearch_oneScratchAcrossSearchesAndGraphs_returnsWhatAFreshScratchReturns() {
    long seed = 29L;
    System.out.println("frozenGraphSearch_oneScratchAcrossSearchesAndGraphs_returnsWhatAFreshScratchReturns seed="
        + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int dim = 37;
    // two graphs of different sizes, both with upper levels, searched in turn with one thread's scratch: a visited
    // mark left over from an earlier search (of either graph, on either level) would hide a node from a later one
    JVectorIndex big = new JVectorIndex(dim, Similarity.L2, 16, 100, 40);
    JVectorIndex small = new JVectorIndex(dim, Similarity.L2, 16, 100, 40);
    try {
      int[] sizes = {5_000, 1_200};
      JVectorIndex[] indexes = {big, small};
      long[][] visibleFrom = new long[2][];
      for (int g = 0; g < 2; g++) {
        visibleFrom[g] = new long[sizes[g]];
        for (int o = 0; o < sizes[g]; o++) {
          indexes[g].add(o, gaussian(r, dim));
          visibleFrom[g][o] = o % 4 == 0 ? Long.MAX_VALUE : 0;
        }
        indexes[g].link(0, sizes[g]);
        assertThat(CalibrationTest.topLevel(indexes[g])).as("graph %d has upper levels", g).isPositive();
      }
      FrozenGraph.Scratch shared = new FrozenGraph.Scratch();
      int differing = 0;
      for (int q = 0; q < 400; q++) {
        int g = q % 3 == 0 ? 1 : 0;
        FrozenGraph graph = CalibrationTest.frozen(indexes[g]);
        float[] flat = CalibrationTest.flat(indexes[g]);
        int n = sizes[g];
        // every ordinal visible (the list walk, bit marks) or a quarter removed (the filtered walk, epoch marks)
        NeighbourIndex.Visibility vis = q % 2 == 0 ? new NeighbourIndex.Visibility(null, n, 0, true)
            : new NeighbourIndex.Visibility(visibleFrom[g], n, 0);
        int ef = 10 + r.nextInt(40);
        float[] query = gaussian(r, dim);
        int[] reused = new int[10];
        int[] fresh = new int[10];
        int a = graph.search(query, vis, flat, n, ef, ef, false, shared, reused);
        int b = graph.search(query, vis, flat, n, ef, ef, false, new FrozenGraph.Scratch(), fresh);
        assertThat(a).isEqualTo(b).isEqualTo(10);
        differing += Arrays.equals(reused, fresh) ? 0 : 1;
      }
      assertThat(differing).as("searches whose results depended on the scratch's history").isZero();
    } finally {
      big.close();
      small.close();
    }
  }

  @Test
  void frozenGraphKey_randomCostsAndOrdinals_orderByCostThenOrdinalAndRoundTrip() {
    long seed = 5L;
    System.out.println("frozenGraphKey_randomCostsAndOrdinals_orderByCostThenOrdinalAndRoundTrip seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    float[] special = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f};
    int n = 2_000;
    float[] costs = new float[n];
    int[] ordinals = new int[n];
    for (int i = 0; i < n; i++) {
      costs[i] = i < special.length ? special[i] : (float) ((r.nextDouble() - 0.5) * Math.pow(10, r.nextInt(-8, 9)));
      ordinals[i] = i % 10 == 0 ? 7 : r.nextInt(Integer.MAX_VALUE);
    }
    for (int i = 0; i < n; i++) {
      long a = FrozenGraph.key(costs[i], ordinals[i]);
      assertThat(FrozenGraph.cost(a)).isEqualTo(costs[i] + 0f);
      assertThat((int) a).isEqualTo(ordinals[i]);
      for (int j = 0; j < 50; j++) {
        int x = r.nextInt(n);
        long b = FrozenGraph.key(costs[x], ordinals[x]);
        int expected = Float.compare(costs[i] + 0f, costs[x] + 0f);
        if (expected == 0) {
          expected = Integer.compare(ordinals[i], ordinals[x]);
        }
        assertThat(Integer.signum(Long.compare(a, b))).as("%s/%d vs %s/%d", costs[i], ordinals[i], costs[x],
            ordinals[x]).isEqualTo(Integer.signum(expected));
      }
    }
  }

  @Test
  void visibility_everyOrdinalVisible_stillRefusesOrdinalsOutOfRange() {
    long[] visibleFrom = {Long.MAX_VALUE, 10};
    NeighbourIndex.Visibility checked = new NeighbourIndex.Visibility(visibleFrom, 2, 5);
    NeighbourIndex.Visibility all = new NeighbourIndex.Visibility(visibleFrom, 2, 5, true);

    assertThat(checked.test(0)).isFalse();
    assertThat(checked.test(1)).isFalse();
    assertThat(all.test(0)).isTrue();
    assertThat(all.test(1)).isTrue();
    assertThat(all.test(2)).isFalse();
    assertThat(all.test(-1)).isFalse();
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

  static float[] gaussian(SplittableRandom r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      double u = 1 - r.nextDouble();
      v[i] = (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble()));
    }
    return v;
  }
}
