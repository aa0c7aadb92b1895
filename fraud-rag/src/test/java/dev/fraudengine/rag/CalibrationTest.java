package dev.fraudengine.rag;

import static dev.fraudengine.rag.NeighbourIndexTest.gaussian;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.Label;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The approximate index's calibration: the beam it picks for a target recall, what new queries then recall, when it
 * recalibrates, the vectors it holds out of the graph to measure with, and the store's option.
 */
class CalibrationTest {
  private static final int DIM = 16;

  @Test
  void calibrated_clusteredCases_newQueriesReachTheTargetAndAStricterTargetWidensTheBeam() {
    long seed = 515L;
    System.out.println("calibrated_clusteredCases_newQueriesReachTheTargetAndAStricterTargetWidensTheBeam seed="
        + seed);
    SplittableRandom r = new SplittableRandom(seed);
    float[][] centres = centres(r);
    int n = 12_000;
    float[][] rows = new float[n][];
    for (int o = 0; o < n; o++) {
      rows[o] = around(centres[r.nextInt(centres.length)], r);
    }
    float[][] queries = new float[300][];
    for (int q = 0; q < queries.length; q++) {
      queries[q] = around(centres[r.nextInt(centres.length)], r);
    }
    ExactIndex exact = new ExactIndex(DIM, Similarity.L2, n);
    JVectorIndex loose = JVectorIndex.calibrated(DIM, Similarity.L2, 16, 100, 0.9);
    JVectorIndex strict = JVectorIndex.calibrated(DIM, Similarity.L2, 16, 100, 0.99);
    try {
      for (int o = 0; o < n; o++) {
        exact.add(o, rows[o]);
        loose.add(o, rows[o]);
        strict.add(o, rows[o]);
      }
      loose.link(0, n);
      strict.link(0, n);
      JVectorIndex.Tuning a = loose.tuning();
      JVectorIndex.Tuning b = strict.tuning();
      System.out.println("target 0.90: " + a + "; target 0.99: " + b);
      assertThat(a.calibratedAt()).isEqualTo(n);
      assertThat(a.codes()).isFalse();
      assertThat(a.recall()).isGreaterThanOrEqualTo(0.9);
      assertThat(b.recall()).isGreaterThanOrEqualTo(0.99);
      assertThat(b.beam()).isGreaterThan(a.beam());
      double recallA = recall(exact, loose, queries, n);
      double recallB = recall(exact, strict, queries, n);
      System.out.printf("new queries: recall@10 %.4f (target 0.90), %.4f (target 0.99)%n", recallA, recallB);
      // calibration measured vectors the graph had never seen, as new queries are: they recall about as much (the
      // sample's error is a point or two)
      assertThat(recallA).isGreaterThanOrEqualTo(0.88);
      assertThat(recallB).isGreaterThanOrEqualTo(0.97).isGreaterThan(recallA);
    } finally {
      exact.close();
      loose.close();
      strict.close();
    }
  }

  /**
   * Regression: the ladder of beams started at 16, so an easy target was met with recall to spare and paid for it in
   * every search (the realistic engine's store sat at 16 with recall@10 0.976 for a target of 0.95).
   */
  @Test
  void calibrated_targetMetBelowTheOldFloorOf16_picksTheNarrowerBeamAndNewQueriesStillReachIt() {
    long seed = 717L;
    System.out.println("calibrated_targetMetBelowTheOldFloorOf16_picksTheNarrowerBeamAndNewQueriesStillReachIt seed="
        + seed);
    Calibrated c = calibrateOnClusters(seed, Similarity.L2, 8_000, 0.9);
    System.out.printf("target 0.90: %s; new queries recall@10 %.4f%n", c.tuning(), c.recall());
    assertThat(c.tuning().beam()).isBetween(JVectorIndex.CALIBRATION_K, 15);
    assertThat(c.tuning().recall()).isGreaterThanOrEqualTo(0.9);
    assertThat(c.recall()).isGreaterThanOrEqualTo(0.88);
  }

  @Test
  void calibrated_cosine_newQueriesReachTheTarget() {
    long seed = 616L;
    System.out.println("calibrated_cosine_newQueriesReachTheTarget seed=" + seed);
    Calibrated c = calibrateOnClusters(seed, Similarity.COSINE, 8_000, 0.95);
    System.out.printf("cosine: %s; new queries recall@10 %.4f%n", c.tuning(), c.recall());
    assertThat(c.tuning().calibratedAt()).isEqualTo(8_000);
    assertThat(c.tuning().recall()).isGreaterThanOrEqualTo(0.95);
    // new queries recall about what the calibration measured, less the two samples' error (a point or two), as in
    // the tests above: since the ladder starts at 10 the beam sits close to the target, and JVector's parallel build
    // differs from run to run (one CI build gave 0.9493 at beam 10, this machine 0.9587)
    assertThat(c.recall()).isGreaterThanOrEqualTo(0.93);
  }

  /** A calibrated index's tuning and what new queries recall@10 with it. */
  private record Calibrated(JVectorIndex.Tuning tuning, double recall) {}

  /**
   * Builds a calibrated index (degree 16, build beam 100) over {@code n} vectors around the clusters' centres, links
   * them at once, and measures 300 new vectors around the same centres against an exact scan.
   */
  private static Calibrated calibrateOnClusters(long seed, Similarity similarity, int n, double target) {
    SplittableRandom r = new SplittableRandom(seed);
    float[][] centres = centres(r);
    ExactIndex exact = new ExactIndex(DIM, similarity, n);
    JVectorIndex index = JVectorIndex.calibrated(DIM, similarity, 16, 100, target);
    try {
      for (int o = 0; o < n; o++) {
        float[] v = around(centres[r.nextInt(centres.length)], r);
        exact.add(o, v);
        index.add(o, v);
      }
      index.link(0, n);
      float[][] queries = new float[300][];
      for (int q = 0; q < queries.length; q++) {
        queries[q] = around(centres[r.nextInt(centres.length)], r);
      }
      return new Calibrated(index.tuning(), recall(exact, index, queries, n));
    } finally {
      exact.close();
      index.close();
    }
  }

  @Test
  void calibrated_growingIndex_recalibratesOnceItGrewByAQuarter() {
    SplittableRandom r = new SplittableRandom(9);
    JVectorIndex index = JVectorIndex.calibrated(DIM, Similarity.L2, 16, 60, 0.95);
    try {
      assertThat(index.tuning().calibratedAt()).isZero();
      assertThat(index.tuning().beam()).isEqualTo(JVectorIndex.DEFAULT_BEAM);
      int n = 0;
      n = addAndLink(index, r, n, JVectorIndex.CALIBRATION_MIN - 1);
      assertThat(index.tuning().calibratedAt()).as("below the minimum").isZero();
      n = addAndLink(index, r, n, 1_001);
      int first = index.tuning().calibratedAt();
      assertThat(first).isEqualTo(n);
      // a freeze that has not grown the graph by a quarter keeps the tuning
      n = addAndLink(index, r, n, 600);
      assertThat(index.frozenSize()).isEqualTo(n);
      assertThat(index.tuning().calibratedAt()).isEqualTo(first);
      n = addAndLink(index, r, n, first / 4);
      assertThat(index.tuning().calibratedAt()).isEqualTo(n);
    } finally {
      index.close();
    }
  }

  @Test
  void fixedBeam_neverCalibrates() {
    SplittableRandom r = new SplittableRandom(10);
    JVectorIndex index = new JVectorIndex(DIM, Similarity.L2, 16, 60, 37);
    try {
      addAndLink(index, r, 0, 6_000);
      assertThat(index.tuning().calibratedAt()).isZero();
      assertThat(index.tuning().beam()).isEqualTo(37);
      assertThat(index.tuning().recall()).isNaN();
    } finally {
      index.close();
    }
  }

  @Test
  void calibratedBatch_heldOutVectorsAreLinkedAfterwards() {
    SplittableRandom r = new SplittableRandom(11);
    JVectorIndex index = JVectorIndex.calibrated(DIM, Similarity.L2, 16, 60, 0.95);
    try {
      int n = addAndLink(index, r, 0, 6_000);
      assertThat(index.tuning().calibratedAt()).isEqualTo(n);
      assertThat(index.frozenSize()).as("the held-out vectors are in the graph, not in the tail").isEqualTo(n);
      FrozenGraph g = frozen(index);
      float[] flat = flat(index);
      FrozenGraph.Scratch s = new FrozenGraph.Scratch();
      NeighbourIndex.Visibility all = new NeighbourIndex.Visibility(null, n, Long.MAX_VALUE, true);
      int[] out = new int[10];
      int found = 0;
      // the newest rows were held out while calibrating: the graph alone (no tail scan) must find them
      for (int o = n - JVectorIndex.CALIBRATION_QUERIES; o < n; o++) {
        float[] q = Arrays.copyOfRange(flat, o * DIM, (o + 1) * DIM);
        assertThat(g.search(q, all, flat, n, 40, 40, false, s, out)).isEqualTo(10);
        found += out[0] == o ? 1 : 0;
      }
      assertThat(found).isGreaterThanOrEqualTo(JVectorIndex.CALIBRATION_QUERIES - 2);
    } finally {
      index.close();
    }
  }

  @Test
  void calibratedOneByOne_calibratesOnTheTailAtAFreeze() {
    SplittableRandom r = new SplittableRandom(13);
    JVectorIndex index = JVectorIndex.calibrated(DIM, Similarity.L2, 16, 60, 0.95);
    try {
      int n = 0;
      while (index.tuning().calibratedAt() == 0) {
        n = addAndLink(index, r, n, 1);
        assertThat(n).as("calibrated by the first freeze past the minimum")
            .isLessThanOrEqualTo(JVectorIndex.CALIBRATION_MIN + JVectorIndex.tailLimit(JVectorIndex.CALIBRATION_MIN)
                + 1);
      }
      assertThat(index.tuning().calibratedAt()).isEqualTo(n).isGreaterThanOrEqualTo(JVectorIndex.CALIBRATION_MIN);
      assertThat(index.frozenSize()).isEqualTo(n);
      assertThat(index.tuning().recall()).isGreaterThanOrEqualTo(0.95);
    } finally {
      index.close();
    }
  }

  @Test
  void standardError_ofPerQueryRecalls_isTheirDeviationOverRootN() {
    // recalls 1.0, 0.8, 0.6, 0.8: mean 0.8, sample variance 0.08 / 3, standard error sqrt(0.08 / 3 / 4)
    assertThat(JVectorIndex.standardError(new int[] {10, 8, 6, 8}, 10, 0.8))
        .isCloseTo(Math.sqrt(0.08 / 3 / 4), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(JVectorIndex.standardError(new int[] {7, 7, 7}, 10, 0.7)).isCloseTo(0,
        org.assertj.core.data.Offset.offset(1e-12));
    assertThat(JVectorIndex.standardError(new int[] {3}, 10, 0.3)).isZero();
  }

  @Test
  void storeBuilder_targetRecallOutOfRange_isRefusedWithItsValue() {
    InMemoryCaseStore.Builder b = InMemoryCaseStore.builder(Embedder.identity(DIM));
    assertThatThrownBy(() -> b.targetRecall(0.2)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("targetRecall").hasMessageContaining("0.2");
    assertThatThrownBy(() -> b.targetRecall(1.0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1.0");
    assertThatThrownBy(() -> b.targetRecall(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NaN");
  }

  @Test
  void storeBuilder_fixedBeamAndTargetRecall_refusesToBuild() {
    InMemoryCaseStore.Builder b = InMemoryCaseStore.builder(Embedder.identity(DIM)).searchBeamWidth(40)
        .targetRecall(0.97);
    assertThatThrownBy(b::build).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("searchBeamWidth (40)").hasMessageContaining("targetRecall (0.97)");
  }

  @Test
  void store_defaultAndFixedBeam_describeTheirSearch() {
    SplittableRandom r = new SplittableRandom(12);
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    List<Case> cases = new ArrayList<>();
    for (int i = 0; i < 6_000; i++) {
      cases.add(Case.of("c" + i, gaussian(r, DIM), Label.LEGITIMATE, t, t));
    }
    try (InMemoryCaseStore calibrated = InMemoryCaseStore.builder(Embedder.identity(DIM))
            .searchMode(SearchMode.APPROXIMATE).targetRecall(0.9).build();
        InMemoryCaseStore fixed = InMemoryCaseStore.builder(Embedder.identity(DIM))
            .searchMode(SearchMode.APPROXIMATE).searchBeamWidth(30).build()) {
      calibrated.addAll(cases);
      fixed.addAll(cases);
      assertThat(calibrated.toString()).contains("search=vectors, beam ").contains("at 6000 cases");
      assertThat(fixed.toString()).contains("search=codes, beam 30]");
    }
  }

  private static int addAndLink(JVectorIndex index, SplittableRandom r, int from, int count) {
    for (int o = from; o < from + count; o++) {
      index.add(o, gaussian(r, DIM));
    }
    index.link(from, from + count);
    return from + count;
  }

  private static double recall(ExactIndex exact, JVectorIndex approximate, float[][] queries, int n) {
    NeighbourIndex.Visibility vis = new NeighbourIndex.Visibility(null, n, Long.MAX_VALUE, true);
    int hits = 0;
    for (float[] q : queries) {
      int[] want = new int[10];
      int[] got = new int[10];
      exact.search(q, vis, want);
      int g = approximate.search(q, vis, got);
      for (int i = 0; i < g; i++) {
        for (int w : want) {
          if (w == got[i]) {
            hits++;
            break;
          }
        }
      }
    }
    return hits / (double) (queries.length * 10);
  }

  static FrozenGraph frozen(JVectorIndex index) {
    return (FrozenGraph) read(index, "frozen");
  }

  static float[] flat(JVectorIndex index) {
    return (float[]) read(index, "flat");
  }

  /** The top level of the index's frozen graph: 0 when it has no upper levels. */
  static int topLevel(JVectorIndex index) {
    try {
      java.lang.reflect.Field f = FrozenGraph.class.getDeclaredField("topLevel");
      f.setAccessible(true);
      return f.getInt(frozen(index));
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static Object read(JVectorIndex index, String field) {
    try {
      java.lang.reflect.Field f = JVectorIndex.class.getDeclaredField(field);
      f.setAccessible(true);
      return f.get(index);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  private static float[][] centres(SplittableRandom r) {
    float[][] centres = new float[24][];
    for (int c = 0; c < centres.length; c++) {
      centres[c] = gaussian(r, DIM);
      for (int i = 0; i < DIM; i++) {
        centres[c][i] *= 3;
      }
    }
    return centres;
  }

  private static float[] around(float[] centre, SplittableRandom r) {
    float[] v = gaussian(r, DIM);
    for (int i = 0; i < DIM; i++) {
      v[i] += centre[i];
    }
    return v;
  }
}
