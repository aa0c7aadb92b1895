package dev.fraudengine.rag;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.NodesIterator;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Approximate search: JVector (github.com/jbellis/jvector) builds the graph, a FrozenGraph of our own searches it.
 *
 * Building. GraphIndexBuilder.addGraphNode links each new ordinal into a single-layer Vamana/DiskANN proximity
 * graph with an HNSW-style hierarchy on top, in parallel for large batches. JVector reads the vectors as its own
 * VectorFloat objects (VectorValues, published through a volatile array so that its threads see the store's
 * appends). COSINE vectors are stored normalised and linked by DOT_PRODUCT (JVector's COSINE is undefined for zero
 * vectors); L2 uses EUCLIDEAN.
 *
 * Searching. JVector's GraphSearcher costs about 200 ns per visited node on JDK 17 (its scalar distance loops read
 * a VectorFloat one value at a time, and every search allocates a view, heaps, a visited set and boxed results);
 * on JDK 20+ its SIMD functions still pay a pointer chase per node, which for 32 values costs more than SIMD saves.
 * So JVector is only the builder: after linking, the graph is copied ("frozen") into a FrozenGraph (neighbour lists
 * in one int[], the vectors in this index's row-major float[], the entry node and the upper levels), whose beam
 * search reuses per-thread heaps and visited marks and allocates nothing. A snapshot is immutable and published
 * through a volatile field, so searches never see a graph being changed.
 *
 * Ordinals added after the last freeze (added, or linked since) are the tail: each search scans them exactly and
 * merges them with the graph's results, so a case is findable as soon as add returns, linked or not. When the tail
 * outgrows tailLimit (1/512 of the frozen size, within [256, 2048]) the next link freezes the graph again: copying
 * it costs O(nodes x degree), so the limit trades that copy, amortised over the adds, against the tail's scan.
 * Freezing runs under the store's link lock, concurrently with searches.
 *
 * Compressed walk (an index with a fixed beam only; a calibrated one walks the vectors, see below). From
 * MIN_QUANTIZED_VALUES frozen values (32,768 ordinals of 32 dimensions) on, a freeze also hands the FrozenGraph a
 * ProductQuantizer and each ordinal's 16-byte code (for 32 dimensions): the walk scores codes, and its best results
 * (all `rerank` of them, by default the whole beam) are scored again on their vectors, so what the store gets back
 * is ranked exactly.
 * The codebooks are trained at a freeze on rows [0, p), p the largest power of two not above the frozen size, and
 * retrained (every code re-encoded) when p grows: the store has doubled. Otherwise a freeze encodes only the rows
 * added since the last one. Training is seeded, so the same rows frozen at the same size always give the same codes,
 * however the adds were batched; the graph itself (JVector's parallel build) is not deterministic.
 *
 * Calibration. Unless the caller fixes the beam width, the index walks the vectors (it trains no codes) and chooses
 * the beam width by measuring, once the graph reaches CALIBRATION_MIN ordinals and again whenever it has grown by a
 * quarter since: it searches a frozen graph for up to 512 vectors that graph has never linked, finds each one's 10
 * nearest linked vectors exactly, and takes the narrowest beam of a ladder (10 to 256) whose recall@10 less its
 * standard error (over the queries, a few thousandths) reaches the target. The queries are the newest vectors: when a
 * large batch is linked, its newest 512 are held back, the rest linked and frozen, the graph measured with them, and
 * then they are linked and the graph frozen again; when vectors come a few at a time, the graph as last frozen is
 * measured with the tail it has not seen (at most an eighth of the ordinals, in practice 1/512 to 1/16). Queries are
 * never the graph's own nodes: a walk can reach a stored vector's node, and its row lists that vector's neighbours,
 * which a new vector's walk must find; and hiding a node from its own search, as a previous version did, leaves a
 * hole (its neighbours' edges to each other were pruned because it linked them) that made the estimate 0.02-0.04
 * low on the benchmark's Gaussian clusters. Newest vectors also follow drift (on the realistic engine's embeddings
 * the counts grow over time). The ladder starts at the k it measures (10), the narrowest beam a calibration search
 * can walk (the walk keeps max(k, beam) candidates), so that every beam it may pick is one it measured; it started
 * at 16 until the realistic engine's store was found sitting at that floor with recall@10 0.976 against the 0.95
 * asked, paying for recall nobody asked for (at 12: 0.965, and the stage 10.0 -> 8.6 us). Codes are left out of
 * the calibrated walk because a sample of cases cannot show how badly they fit drifting queries: on the realistic
 * engine's embeddings of standard() features (37 dimensions, skewed and discrete) stored cases as queries recall
 * 0.965 on codes at beam 16 where new transactions recall 0.80 (0.92 at beam 50), while the vectors give new
 * transactions 0.965 at beam 16 in 9 us (the codes' 50 took 22 us). On isotropic Gaussian clusters codes do pay
 * (beam 45 on codes, 31 us, against 35 on vectors, 37 us, for recall 0.957): a caller who knows the data is like
 * that can fix the beam and get them. The recall measured depends only on the graph, the vectors and the seed; the
 * graph itself (JVector's parallel build) is not deterministic.
 *
 * Removed ordinals stay in the graph and guide searches through it; the visibility filter keeps them out of the
 * results (and they are marked deleted in JVector's graph). Results are ordinals only: the store recomputes the
 * similarities it reports from the stored vectors.
 */
/** Approximate nearest-neighbour search over a graph built by JVector and frozen into flat arrays. */
final class JVectorIndex implements NeighbourIndex {
  private static final Logger LOG = LoggerFactory.getLogger(JVectorIndex.class);
  private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();
  /**
   * The fewest frozen values (ordinals x dimension) for which codebooks are trained and the walk scores codes:
   * 4 MiB of vectors, 32,768 ordinals of 32 dimensions. Below it the vectors stay in cache and scoring them
   * directly is faster than building a table and reranking.
   */
  static final int MIN_QUANTIZED_VALUES = 1 << 20;
  static final int TRAINING_SAMPLE = 16_384;
  static final int TRAINING_ITERATIONS = 12;
  static final long TRAINING_SEED = 0x5eed_2026L;
  /** The fewest frozen ordinals for which the beam is calibrated; below, DEFAULT_BEAM on the vectors. */
  static final int CALIBRATION_MIN = 4_096;
  /** The beam before any calibration. */
  static final int DEFAULT_BEAM = 50;
  /** The queries and the k of calibration. */
  static final int CALIBRATION_QUERIES = 512;
  static final int CALIBRATION_K = 10;
  /** The beam widths calibration tries, in order, from the k it measures (see the class comment). */
  private static final int[] LADDER = {CALIBRATION_K, 12, 14, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 64, 72, 80,
      96, 112, 128, 160, 200, 256};
  /** The fewest new vectors a calibration searches for. */
  static final int MIN_HELD_OUT = 64;

  /**
   * How searches walk the graph: on codes or vectors, and the beam width.
   *
   * @param codes whether the walk scores codes (when the graph has them)
   * @param beam the beam width
   * @param recall recall@10 measured at calibration, NaN when the beam was fixed or not yet calibrated
   * @param calibratedAt the frozen size calibration ran at, 0 if it has not
   */
  record Tuning(boolean codes, int beam, double recall, int calibratedAt) {
    @Override
    public String toString() {
      return (codes ? "codes" : "vectors") + ", beam " + beam + (calibratedAt == 0 ? ""
          : String.format(Locale.ROOT, ", recall@10 %.3f at %d cases", recall, calibratedAt));
    }
  }

  private final int dimension;
  private final Similarity similarity;
  /** The beam width the caller fixed, or 0 to calibrate it. */
  private final int fixedBeam;
  /** The recall@10 calibration aims at. */
  private final double targetRecall;
  /** How searches walk; replaced by calibration, under the link lock. */
  private volatile Tuning tuning;
  /** The fewest frozen ordinals for which the walk scores codes; below it, the vectors. */
  private final int minQuantized;
  /** How many of the walk's best (by approximate cost) are scored exactly (0: all); at least k always are. */
  private final int rerank;
  /** The current quantiser, or null; written under the link lock. */
  private ProductQuantizer quantizer;
  /** The rows the quantiser was trained on, [0, trainedRows). */
  private int trainedRows;
  /** The codes by ordinal of [0, encoded), of the current quantiser; written under the link lock. */
  private byte[] codes = new byte[0];
  private int encoded;
  private final VectorValues values;
  private final GraphIndexBuilder builder;
  private final ImmutableGraphIndex graph;
  private final ThreadLocal<FrozenGraph.Scratch> scratch = ThreadLocal.withInitial(FrozenGraph.Scratch::new);
  /** The vectors as stored (normalised for COSINE), ordinal * dimension; replaced when it grows. */
  private volatile float[] flat;
  /** The graph as last frozen; ordinals at and above its size are the tail. */
  private volatile FrozenGraph frozen = FrozenGraph.EMPTY;
  /** The number of ordinals linked into JVector's graph; written under the store's link lock. */
  private int linked;

  /** An index with a fixed beam width, walking on codes once it has them. */
  JVectorIndex(int dimension, Similarity similarity, int maxDegree, int buildBeamWidth, int searchBeamWidth) {
    this(dimension, similarity, maxDegree, buildBeamWidth, searchBeamWidth, searchBeamWidth,
        defaultMinQuantized(dimension), Double.NaN);
  }

  /**
   * An index with a fixed beam width, walking on codes once it has them.
   *
   * @param rerank how many of the walk's best, by approximate cost, are scored exactly (at least k always are)
   * @param minQuantized the fewest frozen ordinals for which the walk scores codes rather than vectors
   */
  JVectorIndex(int dimension, Similarity similarity, int maxDegree, int buildBeamWidth, int searchBeamWidth,
      int rerank, int minQuantized) {
    this(dimension, similarity, maxDegree, buildBeamWidth, searchBeamWidth, rerank, minQuantized, Double.NaN);
  }

  /**
   * An index that walks the vectors (it trains no codes) with a beam width calibrated to reach a recall (see the
   * class comment).
   *
   * @param targetRecall the recall@10 against exact search to reach, in (0, 1)
   */
  static JVectorIndex calibrated(int dimension, Similarity similarity, int maxDegree, int buildBeamWidth,
      double targetRecall) {
    return new JVectorIndex(dimension, similarity, maxDegree, buildBeamWidth, 0, 0, Integer.MAX_VALUE,
        targetRecall);
  }

  /** The fewest frozen ordinals for which codes are trained by default: MIN_QUANTIZED_VALUES values. */
  static int defaultMinQuantized(int dimension) {
    return Math.max(4_096, MIN_QUANTIZED_VALUES / dimension);
  }

  private JVectorIndex(int dimension, Similarity similarity, int maxDegree, int buildBeamWidth, int fixedBeam,
      int rerank, int minQuantized, double targetRecall) {
    this.dimension = dimension;
    this.similarity = similarity;
    this.fixedBeam = fixedBeam;
    this.targetRecall = targetRecall;
    this.tuning = new Tuning(fixedBeam > 0, fixedBeam > 0 ? fixedBeam : DEFAULT_BEAM, Double.NaN, 0);
    this.minQuantized = minQuantized;
    this.rerank = rerank;
    this.values = new VectorValues(dimension);
    VectorSimilarityFunction fn = similarity == Similarity.COSINE
        ? VectorSimilarityFunction.DOT_PRODUCT : VectorSimilarityFunction.EUCLIDEAN;
    this.builder = new GraphIndexBuilder(BuildScoreProvider.randomAccessScoreProvider(values, fn), dimension,
        maxDegree, buildBeamWidth, 1.2f, 1.2f, true);
    this.graph = builder.getGraph();
    this.flat = new float[1024 * dimension];
  }

  @Override
  public void add(int ordinal, float[] vector) {
    float[] v = similarity == Similarity.COSINE ? Vectors.normalised(vector) : vector.clone();
    float[] f = flat;
    int need = (ordinal + 1) * dimension;
    if (need > f.length) {
      f = Arrays.copyOf(f, Math.max(need, f.length * 2));
    }
    System.arraycopy(v, 0, f, ordinal * dimension, dimension);
    flat = f;
    values.set(ordinal, VTS.createFloatVector(v));
  }

  @Override
  public void link(int from, int to) {
    int end = Math.max(linked, to);
    int frozenSize = frozen.size();
    boolean freezes = end - frozenSize > tailLimit(frozenSize);
    boolean calibrates = freezes && calibrationDue(end);
    if (calibrates && to - from >= MIN_HELD_OUT && to == end) {
      // a batch: its newest vectors are held out of the graph, which is frozen and searched with them as new
      // vectors, then linked and frozen again
      int held = to - Math.min(CALIBRATION_QUERIES, to - from);
      addNodes(from, held);
      linked = held;
      FrozenGraph without = freeze(held);
      frozen = without;
      Tuning t = calibrate(without, held, to);
      addNodes(held, to);
      linked = to;
      tuning = t;
      frozen = freeze(to);
      return;
    }
    addNodes(from, to);
    linked = end;
    if (freezes) {
      FrozenGraph before = frozen;
      // one by one: the graph as last frozen has not seen the tail, whose vectors are new to it
      if (calibrates && end - frozenSize >= MIN_HELD_OUT && end - frozenSize <= end / 8) {
        tuning = calibrate(before, frozenSize, end);
      }
      frozen = freeze(end);
    }
  }

  /** Links ordinals [from, to) into JVector's graph, in parallel for large batches. */
  private void addNodes(int from, int to) {
    if (to - from > 1_000) {
      IntStream.range(from, to).parallel().forEach(o -> builder.addGraphNode(o, values.getVector(o)));
    } else {
      for (int o = from; o < to; o++) {
        builder.addGraphNode(o, values.getVector(o));
      }
    }
  }

  /** Whether a graph of n ordinals is due a calibration: large enough, and a quarter larger than the last one. */
  private boolean calibrationDue(int n) {
    int last = tuning.calibratedAt();
    return fixedBeam == 0 && n >= CALIBRATION_MIN && (last == 0 || n >= last + (last >> 2));
  }

  /** The most ordinals a search scans after the graph before the graph is frozen again. */
  static int tailLimit(int frozenSize) {
    return Math.max(256, Math.min(2_048, frozenSize / 512));
  }

  @Override
  public void remove(int ordinal) {
    if (graph.containsNode(ordinal)) {
      builder.markNodeDeleted(ordinal);
    }
  }

  @Override
  public int search(float[] query, Visibility visibility, int[] out) {
    FrozenGraph g = frozen;
    float[] f = flat;
    FrozenGraph.Scratch s = scratch.get();
    float[] q = s.query(dimension);
    if (similarity == Similarity.COSINE) {
      float norm = Vectors.norm(query);
      float scale = norm > 0 ? 1 / norm : 0;
      for (int i = 0; i < q.length; i++) {
        q[i] = query[i] * scale;
      }
    } else {
      System.arraycopy(query, 0, q, 0, q.length);
    }
    Tuning t = tuning;
    int ef = Math.max(out.length, t.beam());
    return g.search(q, visibility, f, visibility.size(), ef, rerank > 0 ? rerank : ef, t.codes(), s, out);
  }

  /** Copies JVector's graph over ordinals [0, n), all linked, into a FrozenGraph. Called under the link lock. */
  private FrozenGraph freeze(int n) {
    long start = System.nanoTime();
    ImmutableGraphIndex.View view = graph.getView();
    try {
      ImmutableGraphIndex.NodeAtLevel top = view.entryNode();
      if (top == null || top.node < 0 || top.node >= n) {
        return frozen;
      }
      int[] offsets = new int[n + 1];
      int[] edges = new int[Math.max(16, n * graph.getDegree(0))];
      int e = 0;
      for (int o = 0; o < n; o++) {
        offsets[o] = e;
        if (!view.contains(0, o)) {
          continue;
        }
        NodesIterator it = view.getNeighborsIterator(0, o);
        if (e + it.size() > edges.length) {
          edges = Arrays.copyOf(edges, Math.max(e + it.size(), edges.length + (edges.length >> 1)));
        }
        while (it.hasNext()) {
          int m = it.nextInt();
          if (m >= 0 && m < n) {
            edges[e++] = m;
          }
        }
      }
      offsets[n] = e;
      int topLevel = top.level;
      int[] upperSlot = null;
      int[][] upperOffsets = new int[topLevel][];
      int[][] upperEdges = new int[topLevel][];
      if (topLevel > 0) {
        upperSlot = new int[n];
        Arrays.fill(upperSlot, -1);
        int[] slotNode = new int[64];
        int slots = 0;
        for (int level = 1; level <= topLevel; level++) {
          NodesIterator it = graph.getNodes(level);
          while (it.hasNext()) {
            int node = it.nextInt();
            if (node >= 0 && node < n && upperSlot[node] < 0) {
              if (slots == slotNode.length) {
                slotNode = Arrays.copyOf(slotNode, slots * 2);
              }
              upperSlot[node] = slots;
              slotNode[slots++] = node;
            }
          }
        }
        for (int level = 1; level <= topLevel; level++) {
          int[] offs = new int[slots + 1];
          int[] es = new int[Math.max(16, slots * 4)];
          int x = 0;
          for (int slot = 0; slot < slots; slot++) {
            offs[slot] = x;
            int node = slotNode[slot];
            if (!view.contains(level, node)) {
              continue;
            }
            NodesIterator it = view.getNeighborsIterator(level, node);
            if (x + it.size() > es.length) {
              es = Arrays.copyOf(es, Math.max(x + it.size(), es.length * 2));
            }
            while (it.hasNext()) {
              int m = it.nextInt();
              if (m >= 0 && m < n && upperSlot[m] >= 0) {
                es[x++] = m;
              }
            }
          }
          offs[slots] = x;
          upperOffsets[level - 1] = offs;
          upperEdges[level - 1] = Arrays.copyOf(es, x);
        }
        if (upperSlot[top.node] < 0) {
          topLevel = 0;
        }
      }
      quantize(n);
      ProductQuantizer pq = n >= minQuantized ? quantizer : null;
      FrozenGraph g = new FrozenGraph(n, dimension, similarity == Similarity.L2, flat, offsets,
          Arrays.copyOf(edges, e), top.node, topLevel, upperSlot, upperOffsets, upperEdges, pq,
          pq == null ? null : codes);
      LOG.debug("froze the graph of {} ordinals ({} levels, {} bytes of edges) in {} ms", n, topLevel + 1,
          g.edgeBytes(), (System.nanoTime() - start) / 1_000_000);
      return g;
    } finally {
      try {
        view.close();
      } catch (IOException e) {
        LOG.warn("closing a JVector graph view failed", e);
      }
    }
  }

  /**
   * Chooses the beam width: the narrowest on the ladder that reaches the target recall when the graph g of ordinals
   * [0, m) is searched for vectors it has never seen, up to CALIBRATION_QUERIES spread over the rows [m, n) (see the
   * class comment). Under the link lock; reads only the graph and rows [0, n), which do not change.
   */
  private Tuning calibrate(FrozenGraph g, int m, int n) {
    long start = System.nanoTime();
    float[] f = flat;
    int queries = Math.min(CALIBRATION_QUERIES, n - m);
    int k = CALIBRATION_K;
    float[][] q = new float[queries][];
    SplittableRandom r = new SplittableRandom(TRAINING_SEED ^ n);
    int span = (n - m) / queries;
    for (int i = 0; i < queries; i++) {
      int row = m + i * span + r.nextInt(span);
      q[i] = Arrays.copyOfRange(f, row * dimension, (row + 1) * dimension);
    }
    float[] kth = new float[queries];
    IntStream.range(0, queries).parallel().forEach(i -> kth[i] = exactKth(f, m, q[i], k));
    FrozenGraph.Scratch s = new FrozenGraph.Scratch();
    int[] out = new int[k];
    StringBuilder tried = new StringBuilder();
    int chosen = -1;
    double measured = 0;
    int[] hits = new int[queries];
    for (int beam : LADDER) {
      measured = recall(g, f, m, q, kth, beam, s, out, hits);
      double error = standardError(hits, k, measured);
      tried.append(' ').append(beam).append(':').append(String.format(Locale.ROOT, "%.3f~%.3f", measured, error));
      if (measured - error >= targetRecall) {
        chosen = beam;
        break;
      }
    }
    Tuning t = new Tuning(false, chosen > 0 ? chosen : LADDER[LADDER.length - 1], measured, n);
    LOG.debug("calibrated the search of {} ordinals on {} new vectors in {} ms: {} (tried{})", n, queries,
        (System.nanoTime() - start) / 1_000_000, t, tried);
    return t;
  }

  /** The cost of the k-th nearest row to q among rows [0, m), by exact search. */
  private float exactKth(float[] f, int m, float[] q, int k) {
    float[] best = new float[k];
    Arrays.fill(best, Float.POSITIVE_INFINITY);
    for (int o = 0; o < m; o++) {
      float c = exactCost(q, f, o, best[k - 1]);
      if (c < best[k - 1]) {
        int i = k - 1;
        while (i > 0 && best[i - 1] > c) {
          best[i] = best[i - 1];
          i--;
        }
        best[i] = c;
      }
    }
    return best[k - 1];
  }

  /** The exact cost of row o against q: squared L2, abandoned above bound, or the negated dot product. */
  private float exactCost(float[] q, float[] f, int o, float bound) {
    return similarity == Similarity.L2 ? FrozenGraph.l2(q, f, o * dimension, bound)
        : -FrozenGraph.dot(q, f, o * dimension);
  }

  /**
   * The standard error of a recall measured as the mean of the queries' own recalls (hits / k): their standard
   * deviation over the square root of their number.
   */
  static double standardError(int[] hits, int k, double mean) {
    int n = hits.length;
    if (n < 2) {
      return 0;
    }
    double squares = 0;
    for (int h : hits) {
      double d = h / (double) k - mean;
      squares += d * d;
    }
    return Math.sqrt(squares / (n - 1) / n);
  }

  /**
   * Recall@k of the search of graph g, over ordinals [0, m), at a beam, for the queries q; each query's hits go
   * into hits.
   */
  private double recall(FrozenGraph g, float[] f, int m, float[][] q, float[] kth, int beam,
      FrozenGraph.Scratch s, int[] out, int[] hits) {
    Visibility all = new Visibility(null, m, Long.MAX_VALUE, true);
    int k = out.length;
    int total = 0;
    int ef = Math.max(k, beam);
    for (int i = 0; i < q.length; i++) {
      int found = g.search(q[i], all, f, m, ef, ef, false, s, out);
      int h = 0;
      for (int j = 0; j < found; j++) {
        if (exactCost(q[i], f, out[j], Float.POSITIVE_INFINITY) <= kth[i]) {
          h++;
        }
      }
      hits[i] = h;
      total += h;
    }
    return total / (double) (q.length * k);
  }

  /** How searches walk now: for tests and the store's description. */
  Tuning tuning() {
    return tuning;
  }

  /**
   * Brings the codes up to ordinal n: trains the quantiser on rows [0, p) for p the largest power of two at most n,
   * when p has grown past the rows it was trained on (so the codebooks depend on the rows and on n, not on how the
   * adds were batched), re-encoding every row then, and otherwise encodes the rows added since. Under the link lock.
   */
  private void quantize(int n) {
    if (n < minQuantized) {
      return;
    }
    float[] f = flat;
    int p = Integer.highestOneBit(n);
    if (quantizer == null || p > trainedRows) {
      long start = System.nanoTime();
      quantizer = ProductQuantizer.train(f, p, dimension, TRAINING_SAMPLE, TRAINING_ITERATIONS,
          TRAINING_SEED);
      trainedRows = p;
      encoded = 0;
      LOG.debug("trained {} codebooks on {} rows in {} ms", quantizer.subspaces(), p,
          (System.nanoTime() - start) / 1_000_000);
    }
    int m = quantizer.subspaces();
    if (codes.length < n * m) {
      codes = Arrays.copyOf(codes, Math.max(n * m, codes.length + (codes.length >> 1)));
    }
    ProductQuantizer pq = quantizer;
    byte[] cs = codes;
    int from = encoded;
    if (n - from > 1_000) {
      IntStream.range(from, n).parallel().forEach(o -> pq.encode(f, o, cs, o * m));
    } else {
      for (int o = from; o < n; o++) {
        pq.encode(f, o, cs, o * m);
      }
    }
    encoded = n;
  }

  /** A copy of the codes of ordinals [0, n), encoded at the last freeze: for tests. */
  byte[] codes(int n) {
    return Arrays.copyOf(codes, n * quantizer.subspaces());
  }

  /** The rows the current codebooks were trained on, 0 before any: for tests. */
  int trainedRows() {
    return trainedRows;
  }

  @Override
  public void close() {
    frozen = FrozenGraph.EMPTY;
    try {
      builder.close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("closing the JVector graph builder failed", e);
    }
  }

  /** The number of ordinals in the graph as last frozen; the ones after it are scanned as the tail. */
  int frozenSize() {
    return frozen.size();
  }

  int dimension() {
    return dimension;
  }

  /** The vectors, by ordinal, readable by JVector's threads while the store appends. */
  private static final class VectorValues implements RandomAccessVectorValues {
    private final int dimension;
    private volatile VectorFloat<?>[] vectors = new VectorFloat<?>[1024];
    private volatile int size;

    VectorValues(int dimension) {
      this.dimension = dimension;
    }

    /** Called by one thread at a time (the store's write lock). */
    void set(int ordinal, VectorFloat<?> v) {
      VectorFloat<?>[] current = vectors;
      if (ordinal >= current.length) {
        current = Arrays.copyOf(current, Math.max(ordinal + 1, current.length * 2));
      }
      current[ordinal] = v;
      vectors = current;
      size = Math.max(size, ordinal + 1);
    }

    @Override
    public int size() {
      return size;
    }

    @Override
    public int dimension() {
      return dimension;
    }

    @Override
    public VectorFloat<?> getVector(int node) {
      return vectors[node];
    }

    @Override
    public boolean isValueShared() {
      return false;
    }

    @Override
    public RandomAccessVectorValues copy() {
      return this;
    }
  }
}
