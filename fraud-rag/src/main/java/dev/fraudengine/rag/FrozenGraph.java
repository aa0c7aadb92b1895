package dev.fraudengine.rag;

import java.util.Arrays;

/*
 * An immutable copy of a proximity graph in flat arrays, and the beam search over it.
 *
 * Layout. Ordinals [0, size) are frozen, renumbered as node ids in breadth-first order from the entry node, so that
 * nodes near in the graph are near in memory (graph reordering, Coleman et al., "Graph Reordering for Cache-Efficient
 * Near Neighbor Search", NeurIPS 2022); ordinalOf maps an id back. Level 0 is in compressed sparse rows: the
 * neighbours of node c are edges[offsets[c] .. offsets[c + 1]). The upper levels of the hierarchy (HNSW, Malkov and
 * Yashunin, TPAMI 2018) hold few nodes: each such node has a slot (upperSlot[id], -1 for level-0-only nodes) and
 * level L keeps its own rows by slot. The vectors are copied in id order into one row-major float[].
 *
 * Search (Algorithm 2 of the HNSW paper, with a filter): greedy descent through the upper levels from the entry
 * node, then a beam search on level 0 that keeps a min-heap of candidates and a bounded max-heap of the best `ef`
 * visible nodes. Nodes the filter hides (removed, labelled after the search's instant) are walked through but not
 * returned, as in hnswlib's filtered search. Ordinals added after the freeze (the "tail", [size, tailEnd)) are
 * scanned exactly and merged into the same heap, so a new case is found at once.
 *
 * Costs are squared L2 distances (L2) or negated dot products of normalised vectors (COSINE), compared as longs:
 * the cost's float bits made order-preserving in the high half and the node id (an ordinal in the tail) in the low
 * half, so heaps hold primitives and ties are broken the same way every time. An L2 cost is computed 8 values at a time summed as a tree and is
 * abandoned once it exceeds the current ef-th best (it could enter neither heap). Expanding a node first marks its
 * unvisited neighbours and reads one value of each one's row, so that their cache misses overlap, then scores them.
 * Per thread, a Scratch holds the visited marks (an epoch per node, so nothing is cleared between searches) and the
 * heaps; a search allocates nothing.
 */
final class FrozenGraph {
  /** A graph of nothing: every ordinal is in the tail. */
  static final FrozenGraph EMPTY = new FrozenGraph(0, 1, true, new float[0], new int[1], new int[0], -1, 0,
      null, new int[0][], new int[0][]);

  private final int size;
  private final int dimension;
  private final boolean l2;
  private final float[] vectors;
  private final int[] offsets;
  private final int[] edges;
  private final int entry;
  private final int maxDegree;
  private final int topLevel;
  private final int[] upperSlot;
  /** Per node id, its ordinal. */
  private final int[] ordinalOf;
  /** Per level 1..topLevel (index level - 1): offsets by slot, then edges. */
  private final int[][] upperOffsets;
  private final int[][] upperEdges;

  /**
   * Freezes a graph given by ordinals, renumbering its nodes in breadth-first order from the entry node, so that
   * nodes near in the graph are near in memory.
   *
   * @param size the ordinals [0, size) in the graph
   * @param vectors the vectors by ordinal, row-major; read, not kept
   * @param offsets level 0: the neighbours of ordinal o are {@code edges[offsets[o] .. offsets[o + 1])}
   * @param entry the entry ordinal, on the top level
   * @param upperSlot per ordinal, its slot in the upper levels or -1; null if there are none
   * @param upperOffsets per level from 1, offsets by slot into upperEdges (whose values are ordinals)
   */
  FrozenGraph(int size, int dimension, boolean l2, float[] vectors, int[] offsets, int[] edges, int entry,
      int topLevel, int[] upperSlot, int[][] upperOffsets, int[][] upperEdges) {
    this.size = size;
    this.dimension = dimension;
    this.l2 = l2;
    this.topLevel = topLevel;
    this.upperOffsets = upperOffsets;
    int[] ordinalOf = new int[size];
    int[] idOf = new int[size];
    Arrays.fill(idOf, -1);
    int placed = 0;
    if (size > 0) {
      idOf[entry] = 0;
      ordinalOf[placed++] = entry;
    }
    for (int head = 0, scan = 0; placed < size || head < placed; ) {
      if (head == placed) {
        while (idOf[scan] >= 0) {
          scan++;
        }
        idOf[scan] = placed;
        ordinalOf[placed++] = scan;
      }
      int o = ordinalOf[head++];
      for (int e = offsets[o], end = offsets[o + 1]; e < end; e++) {
        int m = edges[e];
        if (idOf[m] < 0) {
          idOf[m] = placed;
          ordinalOf[placed++] = m;
        }
      }
    }
    this.ordinalOf = ordinalOf;
    this.vectors = new float[size * dimension];
    this.offsets = new int[size + 1];
    this.edges = new int[offsets[size]];
    int x = 0;
    int most = 0;
    for (int id = 0; id < size; id++) {
      int o = ordinalOf[id];
      System.arraycopy(vectors, o * dimension, this.vectors, id * dimension, dimension);
      this.offsets[id] = x;
      for (int e = offsets[o], end = offsets[o + 1]; e < end; e++) {
        this.edges[x++] = idOf[edges[e]];
      }
      most = Math.max(most, offsets[o + 1] - offsets[o]);
    }
    this.offsets[size] = x;
    this.maxDegree = most;
    this.entry = size > 0 ? idOf[entry] : -1;
    if (upperSlot == null) {
      this.upperSlot = null;
      this.upperEdges = upperEdges;
    } else {
      this.upperSlot = new int[size];
      for (int o = 0; o < size; o++) {
        this.upperSlot[idOf[o]] = upperSlot[o];
      }
      this.upperEdges = new int[upperEdges.length][];
      for (int l = 0; l < upperEdges.length; l++) {
        int[] es = upperEdges[l].clone();
        for (int i = 0; i < es.length; i++) {
          es[i] = idOf[es[i]];
        }
        this.upperEdges[l] = es;
      }
    }
  }

  /** The number of frozen ordinals: those below it are in the graph. */
  int size() {
    return size;
  }

  /** Bytes held by the graph's own arrays (not the shared vectors). */
  long edgeBytes() {
    long b = 4L * (offsets.length + edges.length);
    if (upperSlot != null) {
      b += 4L * upperSlot.length;
    }
    for (int l = 0; l < upperOffsets.length; l++) {
      b += 4L * (upperOffsets[l].length + upperEdges[l].length);
    }
    return b;
  }

  /**
   * Finds up to {@code out.length} visible ordinals nearest to the query, best first: the graph's by beam search,
   * the tail's by scan.
   *
   * @param q the query, normalised for COSINE
   * @param vis which ordinals may be returned
   * @param tail the index's current vectors, holding at least the rows below tailEnd
   * @param tailEnd the end of the tail (the number of ordinals added)
   * @param ef the beam width, at least out.length
   * @param s the calling thread's scratch
   * @param out receives the ordinals
   * @return how many were written
   */
  int search(float[] q, NeighbourIndex.Visibility vis, float[] tail, int tailEnd, int ef, Scratch s, int[] out) {
    s.begin(size, ef, maxDegree);
    if (size > 0) {
      walk(q, vis, ef, s);
    }
    for (int o = size, base = size * dimension; o < tailEnd; o++, base += dimension) {
      if (s.resSize == ef) {
        float bound = s.worstCost();
        float c = cost(q, tail, base, bound);
        if (c > bound) {
          continue;
        }
        long k = key(c, o);
        if (k < s.res[0] && vis.test(o)) {
          s.offerResult(k);
        }
      } else if (vis.test(o)) {
        s.offerResult(key(cost(q, tail, base, Float.POSITIVE_INFINITY), o));
      }
    }
    return s.drain(out, ordinalOf, size);
  }

  private void walk(float[] q, NeighbourIndex.Visibility vis, int ef, Scratch s) {
    final float[] v = vectors;
    final int dim = dimension;
    int cur = entry;
    float curCost = cost(q, v, cur * dim, Float.POSITIVE_INFINITY);
    for (int level = topLevel; level >= 1; level--) {
      final int[] offs = upperOffsets[level - 1];
      final int[] es = upperEdges[level - 1];
      boolean moved = true;
      while (moved) {
        moved = false;
        int slot = upperSlot[cur];
        for (int e = offs[slot], end = offs[slot + 1]; e < end; e++) {
          int m = es[e];
          float c = cost(q, v, m * dim, curCost);
          if (c < curCost) {
            curCost = c;
            cur = m;
            moved = true;
          }
        }
      }
    }
    final int[] offs = offsets;
    final int[] es = edges;
    final int[] visited = s.visited;
    final int epoch = s.epoch;
    final int last = dim - 1;
    visited[cur] = epoch;
    long k0 = key(curCost, cur);
    s.pushCandidate(k0);
    final int[] ordinal = ordinalOf;
    if (vis.test(ordinal[cur])) {
      s.offerResult(k0);
    }
    while (s.candSize > 0) {
      long c = s.popCandidate();
      if (s.resSize == ef && c > s.res[0]) {
        break;
      }
      int node = (int) c;
      // First pass: mark the unvisited neighbours and touch each one's row, so that their cache misses overlap
      // (independent loads) instead of each stalling the distance computation that needs it.
      final int[] fresh = s.fresh;
      int count = 0;
      float touch = 0;
      for (int e = offs[node], end = offs[node + 1]; e < end; e++) {
        int m = es[e];
        if (visited[m] != epoch) {
          visited[m] = epoch;
          fresh[count++] = m;
          int b = m * dim;
          touch += v[b] + v[b + last];
        }
      }
      s.touched += touch;
      for (int i = 0; i < count; i++) {
        int m = fresh[i];
        long km;
        if (s.resSize == ef) {
          float bound = s.worstCost();
          float cm = cost(q, v, m * dim, bound);
          if (cm > bound) {
            continue;
          }
          km = key(cm, m);
          if (km > s.res[0]) {
            continue;
          }
        } else {
          km = key(cost(q, v, m * dim, Float.POSITIVE_INFINITY), m);
        }
        s.pushCandidate(km);
        if (vis.test(ordinal[m])) {
          s.offerResult(km);
        }
      }
    }
  }

  /** The cost of row {@code base}: exact, or any value above bound once it is known to exceed bound (L2 only). */
  private float cost(float[] q, float[] d, int base, float bound) {
    return l2 ? l2(q, d, base, bound) : -dot(q, d, base);
  }

  /** The squared distance to row {@code base}, or a partial sum above bound once it exceeds bound. */
  static float l2(float[] q, float[] d, int base, float bound) {
    final int dim = q.length;
    final int blocked = dim & ~7;
    float s = 0;
    int i = 0;
    for (; i < blocked; i += 8) {
      s += Vectors.squaredBlock8(q, i, d, base + i);
      if (s > bound) {
        return s;
      }
    }
    for (; i < dim; i++) {
      float a = q[i] - d[base + i];
      s += a * a;
    }
    return s;
  }

  /** The dot product with row {@code base}. */
  static float dot(float[] q, float[] d, int base) {
    final int dim = q.length;
    final int blocked = dim & ~7;
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
    return s;
  }

  /** Orders by cost, then by ordinal: the float's bits made monotonic as a signed int, the ordinal below. */
  static long key(float cost, int ordinal) {
    int b = Float.floatToRawIntBits(cost + 0f);
    b ^= (b >> 31) & 0x7fffffff;
    return ((long) b << 32) | ordinal;
  }

  /** The cost a key was made from. */
  static float cost(long key) {
    int b = (int) (key >>> 32);
    b ^= (b >> 31) & 0x7fffffff;
    return Float.intBitsToFloat(b);
  }

  /**
   * One thread's search state, reused from search to search: visited marks by epoch, a min-heap of candidates and
   * a bounded max-heap of results, both of keys. Not thread-safe.
   */
  static final class Scratch {
    int[] visited = new int[0];
    int epoch;
    long[] cand = new long[64];
    int candSize;
    long[] res = new long[64];
    int resSize;
    int resCap;
    /** The unvisited neighbours of the node being expanded. */
    int[] fresh = new int[0];
    /** Sums the values read only to start loading rows early; kept so that those reads are not eliminated. */
    float touched;
    private float[] query = new float[0];

    /** The thread's query buffer, of a dimension. */
    float[] query(int dimension) {
      if (query.length != dimension) {
        query = new float[dimension];
      }
      return query;
    }

    void begin(int nodes, int ef, int maxDegree) {
      if (fresh.length < maxDegree) {
        fresh = new int[maxDegree];
      }
      if (visited.length < nodes) {
        visited = new int[Math.max(nodes, visited.length + (visited.length >> 1))];
        epoch = 0;
      }
      if (++epoch == Integer.MAX_VALUE) {
        Arrays.fill(visited, 0);
        epoch = 1;
      }
      if (res.length < ef) {
        res = new long[ef];
      }
      resCap = ef;
      candSize = 0;
      resSize = 0;
    }

    float worstCost() {
      return cost(res[0]);
    }

    void pushCandidate(long k) {
      if (candSize == cand.length) {
        cand = Arrays.copyOf(cand, candSize * 2);
      }
      long[] h = cand;
      int i = candSize++;
      while (i > 0) {
        int p = (i - 1) >>> 1;
        long pk = h[p];
        if (pk <= k) {
          break;
        }
        h[i] = pk;
        i = p;
      }
      h[i] = k;
    }

    long popCandidate() {
      long[] h = cand;
      long top = h[0];
      int n = --candSize;
      if (n > 0) {
        long k = h[n];
        int i = 0;
        int half = n >>> 1;
        while (i < half) {
          int c = 2 * i + 1;
          long ck = h[c];
          int r = c + 1;
          if (r < n && h[r] < ck) {
            c = r;
            ck = h[r];
          }
          if (k <= ck) {
            break;
          }
          h[i] = ck;
          i = c;
        }
        h[i] = k;
      }
      return top;
    }

    /**
     * Adds a key to the results, dropping the worst when they were full (the caller only offers a key better than
     * the worst of full results).
     */
    void offerResult(long k) {
      long[] h = res;
      if (resSize < resCap) {
        int i = resSize++;
        while (i > 0) {
          int p = (i - 1) >>> 1;
          long pk = h[p];
          if (pk >= k) {
            break;
          }
          h[i] = pk;
          i = p;
        }
        h[i] = k;
        return;
      }
      int n = resSize;
      int i = 0;
      int half = n >>> 1;
      while (i < half) {
        int c = 2 * i + 1;
        long ck = h[c];
        int r = c + 1;
        if (r < n && h[r] > ck) {
          c = r;
          ck = h[r];
        }
        if (k >= ck) {
          break;
        }
        h[i] = ck;
        i = c;
      }
      h[i] = k;
    }

    /** Writes the best results in order to out; returns how many. */
    int drain(int[] out, int[] ordinalOf, int frozen) {
      Arrays.sort(res, 0, resSize);
      int n = Math.min(out.length, resSize);
      for (int i = 0; i < n; i++) {
        int id = (int) res[i];
        out[i] = id < frozen ? ordinalOf[id] : id;
      }
      return n;
    }
  }
}
