package dev.fraudengine.bench;

import dev.fraudengine.core.Label;
import dev.fraudengine.core.SimilarCase;
import dev.fraudengine.rag.Case;
import dev.fraudengine.rag.Embedder;
import dev.fraudengine.rag.InMemoryCaseStore;
import dev.fraudengine.rag.SearchMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What does a nearest-neighbour search of the case store cost, exact and approximate, as the store grows?
 *
 * <p>{@code search}: {@code store.nearest(vector, 10, asOf, backend)} on an {@code InMemoryCaseStore} of
 * {@code size} cases of 32 dimensions (L2), queries cycled from 1,024 seeded vectors. {@code baseline}: picking the
 * query only. The data is a seeded mixture of 64 Gaussian clusters (fraud cases cluster like that). Setup prints the
 * graph build time, the recall@10 of the approximate backend against the exact one over 500 queries (ties
 * counted as hits) and the store's search settings. Targets at 100,000 cases: approximate under 30 µs with recall of
 * at least 0.95; exact under 1 ms. {@code -p beam=calibrated,50} compares the default store with one whose beam is
 * fixed at 50.
 *
 * <pre>
 * java -jar fraud-bench/target/benchmarks.jar CaseStoreSearchBenchmark -f 1 -wi 2 -w 2s -i 3 -r 2s -prof gc
 * </pre>
 *
 * The 1,000,000-case graph takes minutes to build on a small machine; {@code -p size=10000,100000} leaves it out.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgs = {"-Xms3g", "-Xmx3g"})
public class CaseStoreSearchBenchmark {
  private static final int DIM = 32;
  private static final int K = 10;
  private static final long SEED = 20_260_101L;

  /** Number of cases in the store. */
  @Param({"10000", "100000", "1000000"})
  public int size;

  /** The backend searched. */
  @Param({"EXACT", "APPROXIMATE"})
  public SearchMode backend;

  /**
   * The approximate backend's beam: {@code calibrated} (the store's default, chosen for recall@10 0.95 and walking
   * the vectors) or a fixed width (walking 16-byte codes from 32,768 cases on, with an exact rerank).
   */
  @Param({"calibrated"})
  public String beam;

  private InMemoryCaseStore store;
  private float[][] queries;
  private int next;

  /** Builds the store and measures recall. */
  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom r = new SplittableRandom(SEED);
    float[][] centres = new float[64][];
    for (int c = 0; c < centres.length; c++) {
      centres[c] = gaussian(r, 3);
    }
    InMemoryCaseStore.Builder b = InMemoryCaseStore.builder(Embedder.identity(DIM))
        .searchMode(backend == SearchMode.EXACT ? SearchMode.EXACT : SearchMode.AUTO);
    if (!"calibrated".equals(beam)) {
      b.searchBeamWidth(Integer.parseInt(beam));
    }
    store = b.build();
    Instant t = Instant.parse("2026-01-01T00:00:00Z");
    long start = System.nanoTime();
    List<Case> batch = new ArrayList<>(50_000);
    for (int i = 0; i < size; i++) {
      batch.add(Case.of("c" + i, around(centres[r.nextInt(centres.length)], r),
          i % 50 == 0 ? Label.FRAUD : Label.LEGITIMATE, t, t));
      if (batch.size() == 50_000) {
        store.addAll(batch);
        batch.clear();
      }
    }
    store.addAll(batch);
    double buildSeconds = (System.nanoTime() - start) / 1e9;
    queries = new float[1_024][];
    for (int q = 0; q < queries.length; q++) {
      queries[q] = around(centres[r.nextInt(centres.length)], r);
    }
    String recall = "n/a";
    if (backend == SearchMode.APPROXIMATE) {
      int hits = 0;
      int n = 500;
      for (int q = 0; q < n; q++) {
        List<SimilarCase> exact = store.nearest(queries[q], K, Instant.MAX, SearchMode.EXACT);
        double kth = exact.get(K - 1).similarity();
        for (SimilarCase c : store.nearest(queries[q], K, Instant.MAX, SearchMode.APPROXIMATE)) {
          if (c.similarity() >= kth) {
            hits++;
          }
        }
      }
      recall = String.format(java.util.Locale.ROOT, "%.4f", hits / (double) (n * K));
    }
    System.out.printf("%nCaseStoreSearchBenchmark size=%d backend=%s beam=%s: built in %.1f s, recall@%d=%s; %s%n",
        size, backend, beam, buildSeconds, K, recall, store);
  }

  /** Closes the store. */
  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
  }

  /**
   * One search of the 10 nearest cases.
   *
   * @return the cases found
   */
  @Benchmark
  public List<SimilarCase> search() {
    float[] q = queries[next++ & (queries.length - 1)];
    return store.nearest(q, K, Instant.MAX, backend);
  }

  /**
   * The baseline: choosing the query only.
   *
   * @return the query
   */
  @Benchmark
  public float[] baseline() {
    return queries[next++ & (queries.length - 1)];
  }

  private static float[] around(float[] centre, SplittableRandom r) {
    float[] v = gaussian(r, 1);
    for (int i = 0; i < DIM; i++) {
      v[i] += centre[i];
    }
    return v;
  }

  private static float[] gaussian(SplittableRandom r, double sd) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      double u = 1 - r.nextDouble();
      v[i] = (float) (sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.nextDouble()));
    }
    return v;
  }
}
