package dev.fraudengine.rag;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.graph.similarity.ScoreFunction;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.DefaultVectorizationProvider;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Approximate search over a JVector graph (github.com/jbellis/jvector): a single-layer Vamana/DiskANN proximity graph
 * with an HNSW-style hierarchy on top, built incrementally with GraphIndexBuilder.addGraphNode, which JVector allows
 * concurrently with searches. Vectors are kept here as JVector VectorFloat objects in a growable array published
 * through a volatile field, so that JVector's own threads can read them while the store adds more.
 *
 * COSINE vectors are stored normalised and compared by DOT_PRODUCT (JVector's COSINE is undefined for zero vectors);
 * L2 uses EUCLIDEAN. The graph's scores only rank candidates: the store recomputes the similarity it reports from
 * the stored vectors. A search asks JVector for the best `beamWidth` candidates (overquery) and keeps the first k.
 * Visibility (removed, labelled later than the query's instant) is a JVector Bits filter.
 *
 * Per search, only JVector's own work allocates (a view of the graph, its result). Each thread keeps a Searcher:
 * a GraphSearcher (not thread-safe, costly to create), the query vector it overwrites, a score provider made once
 * over that query, and a visibility filter it re-points. Before each search it takes a fresh view of the graph,
 * because a view only sees the nodes completed when it was made.
 *
 * Scores during the walk. On JVector's scalar path (JDK 17-19, or no jdk.incubator.vector) its distance loops read
 * VectorFloat objects one value at a time into one accumulator; there the search scores nodes itself from a flat
 * copy of the vectors (ordinal * dimension), in blocks of 8 summed as a tree, returning the same values as JVector's
 * functions (EUCLIDEAN 1 / (1 + d^2), DOT_PRODUCT (1 + dot) / 2). With JVector's SIMD provider it uses JVector's.
 * The flat copy is written under the store's write lock; searches read it under the read lock, after every write
 * of a node they can reach.
 *
 * JVector is a multi-release jar: its SIMD (Panama Vector API) paths need JDK 20+ started with
 * --add-modules jdk.incubator.vector; on JDK 17 it uses its scalar path and logs that once.
 */
/** Approximate nearest-neighbour search over a JVector graph index. */
final class JVectorIndex implements NeighbourIndex {
  private static final Logger LOG = LoggerFactory.getLogger(JVectorIndex.class);
  private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();
  /** Whether JVector runs its scalar code, which the flat scoring here outruns. */
  static final boolean SCALAR = VectorizationProvider.getInstance() instanceof DefaultVectorizationProvider;

  private final int dimension;
  private final Similarity similarity;
  private final int searchBeamWidth;
  private final VectorValues values;
  private final VectorSimilarityFunction function;
  private final GraphIndexBuilder builder;
  private final ImmutableGraphIndex graph;
  private final ThreadLocal<Searcher> searchers;
  /** The vectors as stored (normalised for COSINE), ordinal * dimension; replaced when it grows. */
  private volatile float[] flat;

  JVectorIndex(int dimension, Similarity similarity, int maxDegree, int buildBeamWidth, int searchBeamWidth) {
    this.dimension = dimension;
    this.similarity = similarity;
    this.searchBeamWidth = searchBeamWidth;
    this.values = new VectorValues(dimension);
    VectorSimilarityFunction fn = similarity == Similarity.COSINE
        ? VectorSimilarityFunction.DOT_PRODUCT : VectorSimilarityFunction.EUCLIDEAN;
    this.builder = new GraphIndexBuilder(BuildScoreProvider.randomAccessScoreProvider(values, fn), dimension,
        maxDegree, buildBeamWidth, 1.2f, 1.2f, true);
    this.graph = builder.getGraph();
    this.function = fn;
    this.flat = new float[1024 * dimension];
    this.searchers = ThreadLocal.withInitial(() -> new Searcher(this));
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
    if (to - from > 1_000) {
      IntStream.range(from, to).parallel().forEach(o -> builder.addGraphNode(o, values.getVector(o)));
    } else {
      for (int o = from; o < to; o++) {
        builder.addGraphNode(o, values.getVector(o));
      }
    }
  }

  @Override
  public void remove(int ordinal) {
    if (graph.containsNode(ordinal)) {
      builder.markNodeDeleted(ordinal);
    }
  }

  @Override
  public int search(float[] query, Visibility visibility, int[] out) {
    if (graph.size(0) == 0) {
      return 0;
    }
    Searcher s = searchers.get();
    s.prepare(query, flat, visibility);
    try {
      s.graphSearcher.setView(graph.getView());
      int k = out.length;
      SearchResult result = s.graphSearcher.search(s.provider, k, Math.max(k, searchBeamWidth), 0f, 0f, s);
      SearchResult.NodeScore[] nodes = result.getNodes();
      int n = Math.min(k, nodes.length);
      for (int i = 0; i < n; i++) {
        out[i] = nodes[i].node;
      }
      return n;
    } finally {
      s.release();
    }
  }

  @Override
  public void close() {
    try {
      builder.close();
    } catch (IOException | RuntimeException e) {
      LOG.warn("closing the JVector graph builder failed", e);
    }
  }

  int dimension() {
    return dimension;
  }

  /**
   * One thread's search state, reused from search to search: the graph searcher, the query, the score function
   * over the query and the visibility filter (this object, as JVector's Bits).
   */
  private static final class Searcher implements Bits, ScoreFunction.ExactScoreFunction {
    final GraphSearcher graphSearcher;
    final DefaultSearchScoreProvider provider;
    private final float[] query;
    private final VectorFloat<?> queryVector;
    private final boolean l2;
    private float[] data;
    private Visibility visibility;

    Searcher(JVectorIndex index) {
      this.graphSearcher = new GraphSearcher(index.graph);
      this.query = new float[index.dimension];
      this.queryVector = VTS.createFloatVector(index.dimension);
      this.l2 = index.similarity == Similarity.L2;
      this.provider = SCALAR ? new DefaultSearchScoreProvider(this)
          : DefaultSearchScoreProvider.exact(queryVector, index.function, index.values);
    }

    /** Copies the query in (normalised for COSINE) and points the score function and the filter at this search. */
    void prepare(float[] q, float[] flat, Visibility vis) {
      float scale = 1;
      if (!l2) {
        float norm = Vectors.norm(q);
        scale = norm > 0 ? 1 / norm : 0;
      }
      for (int i = 0; i < query.length; i++) {
        float x = l2 ? q[i] : q[i] * scale;
        query[i] = x;
        queryVector.set(i, x);
      }
      this.data = flat;
      this.visibility = vis;
    }

    /** Drops the references to the store's arrays, so that an idle thread does not keep old ones alive. */
    void release() {
      this.data = null;
      this.visibility = null;
    }

    @Override
    public boolean get(int ordinal) {
      return visibility.test(ordinal);
    }

    @Override
    public float similarityTo(int node) {
      final float[] q = query;
      final float[] d = data;
      final int dim = q.length;
      final int blocked = dim & ~7;
      int base = node * dim;
      float s = 0;
      int i = 0;
      if (l2) {
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
        }
        for (; i < dim; i++) {
          float a = q[i] - d[base + i];
          s += a * a;
        }
        return 1 / (1 + s);
      }
      for (; i < blocked; i += 8) {
        int j = base + i;
        s += ((q[i] * d[j] + q[i + 1] * d[j + 1]) + (q[i + 2] * d[j + 2] + q[i + 3] * d[j + 3]))
            + ((q[i + 4] * d[j + 4] + q[i + 5] * d[j + 5]) + (q[i + 6] * d[j + 6] + q[i + 7] * d[j + 7]));
      }
      for (; i < dim; i++) {
        s += q[i] * d[base + i];
      }
      return (1 + s) / 2;
    }
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
