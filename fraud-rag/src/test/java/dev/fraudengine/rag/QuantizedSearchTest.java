package dev.fraudengine.rag;

import static dev.fraudengine.rag.NeighbourIndexTest.gaussian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The compressed walk: product-quantisation codebooks, the approximate search on codes with its exact rerank
 * (against the exact scan), its filters and tail, and when codebooks are (re)trained.
 */
class QuantizedSearchTest {

  @Test
  void train_sameRowsAndSeed_sameCodesAndLowDistortion() {
    long seed = 8L;
    System.out.println("train_sameRowsAndSeed_sameCodesAndLowDistortion seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int dim = 11;
    int n = 6_000;
    float[] rows = new float[n * dim];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (float) r.nextGaussian();
    }
    ProductQuantizer a = ProductQuantizer.train(rows, n, dim, 4_000, 10, 42);
    ProductQuantizer b = ProductQuantizer.train(rows, n, dim, 4_000, 10, 42);
    ProductQuantizer other = ProductQuantizer.train(rows, n, dim, 4_000, 10, 43);

    assertThat(a.subspaces()).isEqualTo(6);
    assertThat(codes(a, rows, n)).isEqualTo(codes(b, rows, n)).isNotEqualTo(codes(other, rows, n));
    // 256 centroids per pair of unit-variance values leave a small fraction of the variance (about 0.02)
    double variance = (double) n * dim;
    assertThat(a.distortion(rows, n) / variance).isLessThan(0.05);
  }

  @Test
  void table_anyQuery_sumsToTheCostOfTheDecodedCentroids() {
    System.out.println("table_anyQuery_sumsToTheCostOfTheDecodedCentroids seed=3");
    SplittableRandom r = new SplittableRandom(3);
    int dim = 7;
    int n = 1_000;
    float[] rows = new float[n * dim];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (float) r.nextGaussian();
    }
    ProductQuantizer pq = ProductQuantizer.train(rows, n, dim, n, 5, 1);
    float[] q = new float[dim];
    for (int i = 0; i < dim; i++) {
      q[i] = (float) r.nextGaussian();
    }
    float[] l2 = new float[pq.subspaces() * ProductQuantizer.CENTROIDS];
    float[] dot = new float[l2.length];
    pq.table(q, true, l2);
    pq.table(q, false, dot);
    byte[] code = new byte[pq.subspaces()];
    float[] decoded = new float[dim];
    for (int row = 0; row < 50; row++) {
      pq.encode(rows, row, code, 0);
      pq.decode(code, 0, decoded);
      double l2Decoded = 0;
      double dotDecoded = 0;
      double l2Row = 0;
      for (int i = 0; i < dim; i++) {
        l2Decoded += (q[i] - decoded[i]) * (q[i] - decoded[i]);
        dotDecoded -= q[i] * decoded[i];
        float x = rows[row * dim + i];
        l2Row += (q[i] - x) * (q[i] - x);
      }
      // a code's cost is exactly (to rounding) the cost of its centroids...
      assertThat((double) ProductQuantizer.cost(l2, code, 0, pq.subspaces())).isCloseTo(l2Decoded, within(1e-4));
      assertThat((double) ProductQuantizer.cost(dot, code, 0, pq.subspaces())).isCloseTo(dotDecoded, within(1e-4));
      // ...which are near the row's own values
      assertThat(l2Decoded).isCloseTo(l2Row, within(0.3 * l2Row + 0.5));
    }
  }

  @ParameterizedTest
  @CsvSource({"L2,5000", "L2,20000", "COSINE,5000", "COSINE,20000"})
  void quantizedSearch_clusteredCases_recallAt10AgainstExactAtLeast095(Similarity similarity, int n) {
    long seed = 20_260_101L + n;
    System.out.println("quantizedSearch_clusteredCases_recallAt10AgainstExactAtLeast095 seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int dim = 32;
    float[][] centres = new float[32][];
    for (int c = 0; c < centres.length; c++) {
      centres[c] = scaled(gaussian(r, dim), 3);
    }
    ExactIndex exact = new ExactIndex(dim, similarity, n);
    JVectorIndex approximate = new JVectorIndex(dim, similarity, 16, 100, 50, 50, 4_096);
    try {
      for (int o = 0; o < n; o++) {
        float[] v = around(centres[r.nextInt(centres.length)], r);
        exact.add(o, v);
        approximate.add(o, v);
      }
      approximate.link(0, n);
      assertThat(approximate.trainedRows()).isEqualTo(Integer.highestOneBit(n));
      NeighbourIndex.Visibility vis = new NeighbourIndex.Visibility(new long[n], n, 0, true);
      double recall = recall(exact, approximate, vis, 200, 10, () -> around(centres[r.nextInt(centres.length)], r));
      System.out.printf("recall@10=%.4f at %d %s cases%n", recall, n, similarity);
      assertThat(recall).isGreaterThanOrEqualTo(0.95);
    } finally {
      approximate.close();
      exact.close();
    }
  }

  @ParameterizedTest
  @CsvSource({"L2", "COSINE"})
  void quantizedSearch_wideBeam_returnsExactlyTheExactResultsInOrder(Similarity similarity) {
    long seed = 77L;
    System.out.println("quantizedSearch_wideBeam_returnsExactlyTheExactResultsInOrder seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int dim = 9;
    int n = 3_000;
    ExactIndex exact = new ExactIndex(dim, similarity, n);
    // beam and rerank of 400: every true neighbour reaches the rerank, which must rank them exactly
    JVectorIndex approximate = new JVectorIndex(dim, similarity, 16, 100, 400, 400, 256);
    try {
      float[][] rows = new float[n][];
      for (int o = 0; o < n; o++) {
        // every 5th row repeats an earlier one: equal costs must come back by ordinal
        rows[o] = o % 5 == 4 ? rows[o - 2].clone() : gaussian(r, dim);
        exact.add(o, rows[o]);
        approximate.add(o, rows[o]);
      }
      approximate.link(0, n);
      assertThat(approximate.trainedRows()).isPositive();
      NeighbourIndex.Visibility vis = new NeighbourIndex.Visibility(new long[n], n, 0, true);
      for (int q = 0; q < 100; q++) {
        float[] query = q % 4 == 0 ? rows[r.nextInt(n)].clone() : gaussian(r, dim);
        int[] want = new int[10];
        int[] got = new int[10];
        exact.search(query, vis, want);
        assertThat(approximate.search(query, vis, got)).isEqualTo(10);
        assertThat(got).as("query %d", q).containsExactly(want);
      }
    } finally {
      approximate.close();
      exact.close();
    }
  }

  @Test
  void quantizedSearch_removedAndLaterLabelled_neverReturnedAndRecallKept() {
    long seed = 2_719L;
    System.out.println("quantizedSearch_removedAndLaterLabelled_neverReturnedAndRecallKept seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    JVectorIndex approximate = new JVectorIndex(16, Similarity.L2, 16, 100, 50, 50, 4_096);
    NeighbourIndexTest.assertFilteredSearch(approximate, r, 16, 6_000);
    // the walk was on codes
    assertThat(approximate.trainedRows()).isEqualTo(4_096);
  }

  @Test
  void quantizedSearch_casesAddedAfterFreeze_foundAtOnceThenThroughTheGraph() {
    long seed = 315L;
    System.out.println("quantizedSearch_casesAddedAfterFreeze_foundAtOnceThenThroughTheGraph seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int dim = 12;
    int first = 5_000;
    int total = first + 400;
    JVectorIndex index = new JVectorIndex(dim, Similarity.L2, 16, 100, 50, 50, 4_096);
    try {
      float[][] rows = new float[total][];
      for (int o = 0; o < first; o++) {
        rows[o] = gaussian(r, dim);
        index.add(o, rows[o]);
      }
      index.link(0, first);
      assertThat(index.frozenSize()).isEqualTo(first);
      for (int o = first; o < total; o++) {
        rows[o] = gaussian(r, dim);
        index.add(o, rows[o]);
      }
      // the tail, scanned exactly, is merged with the reranked walk: each new row finds itself first
      assertNearestIsItself(index, rows, first, total, 0);
      index.link(first, total);
      assertThat(index.frozenSize()).isEqualTo(total);
      assertNearestIsItself(index, rows, 0, total, total / 100);
    } finally {
      index.close();
    }
  }

  @Test
  void codebooks_storeDoubles_retrainedAndCodesIndependentOfBatching() {
    long seed = 12L;
    System.out.println("codebooks_storeDoubles_retrainedAndCodesIndependentOfBatching seed=" + seed);
    SplittableRandom r = new SplittableRandom(seed);
    int dim = 8;
    int n = 9_000;
    float[][] rows = new float[n][];
    for (int o = 0; o < n; o++) {
      rows[o] = gaussian(r, dim);
    }
    JVectorIndex batched = new JVectorIndex(dim, Similarity.L2, 8, 40, 30, 30, 4_096);
    JVectorIndex whole = new JVectorIndex(dim, Similarity.L2, 8, 40, 30, 30, 4_096);
    try {
      for (int o = 0; o < 3_000; o++) {
        batched.add(o, rows[o]);
      }
      batched.link(0, 3_000);
      assertThat(batched.trainedRows()).isZero();
      for (int o = 3_000; o < 5_000; o++) {
        batched.add(o, rows[o]);
      }
      batched.link(3_000, 5_000);
      assertThat(batched.trainedRows()).isEqualTo(4_096);
      byte[] before = batched.codes(5_000);
      for (int o = 5_000; o < n; o++) {
        batched.add(o, rows[o]);
        if ((o + 1) % 1_000 == 0) {
          batched.link(o + 1 - 1_000, o + 1);
        }
      }
      assertThat(batched.frozenSize()).isEqualTo(n);
      assertThat(batched.trainedRows()).isEqualTo(8_192);
      assertThat(batched.codes(5_000)).isNotEqualTo(before);

      for (int o = 0; o < n; o++) {
        whole.add(o, rows[o]);
      }
      whole.link(0, n);
      assertThat(whole.trainedRows()).isEqualTo(8_192);
      assertThat(whole.codes(n)).isEqualTo(batched.codes(n));
    } finally {
      batched.close();
      whole.close();
    }
  }

  private static void assertNearestIsItself(JVectorIndex index, float[][] rows, int from, int to, int allowed) {
    NeighbourIndex.Visibility vis = new NeighbourIndex.Visibility(new long[to], to, 0, true);
    int misses = 0;
    for (int o = from; o < to; o++) {
      int[] out = new int[3];
      assertThat(index.search(rows[o], vis, out)).isEqualTo(3);
      if (out[0] != o) {
        misses++;
      }
    }
    assertThat(misses).as("rows [%d, %d) not found first", from, to).isLessThanOrEqualTo(allowed);
  }

  private static double recall(ExactIndex exact, JVectorIndex approximate, NeighbourIndex.Visibility vis,
      int queries, int k, java.util.function.Supplier<float[]> next) {
    int hits = 0;
    for (int q = 0; q < queries; q++) {
      float[] query = next.get();
      int[] want = new int[k];
      int[] got = new int[k];
      exact.search(query, vis, want);
      int g = approximate.search(query, vis, got);
      hits += (int) Arrays.stream(got, 0, g).filter(o -> Arrays.stream(want).anyMatch(x -> x == o)).count();
    }
    return hits / (double) (queries * k);
  }

  private static byte[] codes(ProductQuantizer pq, float[] rows, int n) {
    byte[] out = new byte[n * pq.subspaces()];
    for (int row = 0; row < n; row++) {
      pq.encode(rows, row, out, row * pq.subspaces());
    }
    return out;
  }

  private static float[] around(float[] centre, SplittableRandom r) {
    float[] v = gaussian(r, centre.length);
    for (int i = 0; i < v.length; i++) {
      v[i] += centre[i];
    }
    return v;
  }

  private static float[] scaled(float[] v, float by) {
    for (int i = 0; i < v.length; i++) {
      v[i] *= by;
    }
    return v;
  }
}
