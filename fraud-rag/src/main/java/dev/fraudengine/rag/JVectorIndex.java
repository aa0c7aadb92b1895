package dev.fraudengine.rag;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
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
 * GraphSearcher is not thread-safe and costs allocations to create, so each thread keeps one; before each search
 * it takes a fresh view of the graph, because a view only sees the nodes completed when it was made.
 *
 * JVector is a multi-release jar: its SIMD (Panama Vector API) paths need JDK 20+ started with
 * --add-modules jdk.incubator.vector; on JDK 17 it uses its scalar path and logs that once.
 */
/** Approximate nearest-neighbour search over a JVector graph index. */
final class JVectorIndex implements NeighbourIndex {
  private static final Logger LOG = LoggerFactory.getLogger(JVectorIndex.class);
  private static final VectorTypeSupport VTS = VectorizationProvider.getInstance().getVectorTypeSupport();

  private final int dimension;
  private final Similarity similarity;
  private final int searchBeamWidth;
  private final VectorValues values;
  private final VectorSimilarityFunction function;
  private final GraphIndexBuilder builder;
  private final ImmutableGraphIndex graph;
  private final ThreadLocal<GraphSearcher> searchers;

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
    this.searchers = ThreadLocal.withInitial(() -> new GraphSearcher(graph));
    this.function = fn;
  }

  @Override
  public void add(int ordinal, float[] vector) {
    float[] v = similarity == Similarity.COSINE ? Vectors.normalised(vector) : vector.clone();
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
    float[] q = similarity == Similarity.COSINE ? Vectors.normalised(query) : query.clone();
    GraphSearcher searcher = searchers.get();
    searcher.setView(graph.getView());
    int k = out.length;
    SearchResult result = searcher.search(DefaultSearchScoreProvider.exact(VTS.createFloatVector(q), function,
        values), k, Math.max(k, searchBeamWidth), 0f, 0f, visibility::test);
    SearchResult.NodeScore[] nodes = result.getNodes();
    int n = Math.min(k, nodes.length);
    for (int i = 0; i < n; i++) {
      out[i] = nodes[i].node;
    }
    return n;
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
