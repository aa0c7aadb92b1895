package dev.fraudengine.rag;

import java.util.Arrays;

/*
 * An immutable copy of a proximity graph in flat arrays, and the beam search over it.
 *
 * Layout. Ordinals [0, size) are frozen, renumbered as node ids in breadth-first order from the entry node, so that
 * nodes near in the graph are near in memory (graph reordering, Coleman et al., "Graph Reordering for Cache-Efficient
 * Near Neighbor Search", NeurIPS 2022); ordinalOf maps an id back. Level 0 is in compressed sparse rows: the
 * neighbours of node c are edges[offsets[c] .. offsets[c + 1]). The upper levels of the hierarchy (HNSW, Malkov and
 * Yashunin, TPAMI 2018) hold few nodes (about one in 16): each has a slot, and level L keeps its own rows by slot,
 * whose edges are slots too, over a copy of those nodes' vectors by slot. The descent, which every search makes
 * through the same few nodes, so reads a compact block that stays in cache rather than rows spread over the whole
 * array (1.5 % off a search at 100,000 nodes). The vectors are copied in id order into one row-major float[].
 *
 * Search (Algorithm 2 of the HNSW paper, with a filter): greedy descent through the upper levels from the entry
 * node, then a beam search on level 0 that keeps a min-heap of candidates and a bounded max-heap of the best `ef`
 * visible nodes. Nodes the filter hides (removed, labelled after the search's instant) are walked through but not
 * returned, as in hnswlib's filtered search. Ordinals added after the freeze (the "tail", [size, tailEnd)) are
 * scanned exactly and merged into the same heap, so a new case is found at once.
 *
 * Costs are squared L2 distances (L2) or negated dot products of normalised vectors (COSINE), compared as longs:
 * the cost's float bits made order-preserving in the high half and the node id (an ordinal in the tail) in the low
 * half, so heaps hold primitives and ties are broken the same way every time. An L2 cost is computed 8 values at a
 * time summed as a tree and is abandoned, checked every 16 values, once it exceeds the current ef-th best (it could
 * enter neither heap).
 * Expanding a node first marks its unvisited neighbours and reads a value of each one's code or a few of its row,
 * so that their cache misses overlap, then scores them. Per thread, a Scratch holds the visited marks (an epoch per node, so nothing is
 * cleared between searches) and the heaps; a search allocates nothing.
 *
 * Compressed walk. A graph frozen with a ProductQuantizer also holds each node's code (one byte per two
 * dimensions, 16 bytes for 32: 1.6 MB for 100,000 nodes, which stays in L2 where the vectors, 12.8 MB, do not).
 * The walk then scores codes against a per-query table (16 reads instead of 32 floats from memory) and, at the
 * end, the best `rerank` of its results are scored again on their vectors and only the best k of those kept: the
 * costs returned, and the order, are exact; only which nodes reach the rerank is approximate (the "PQ + re-ranking"
 * of Jégou et al. and of DiskANN). Whether a search walks on the codes or on the vectors is the caller's choice (see
 * JVectorIndex's calibration): codes are cheaper to score but, on data they fit badly, need a much wider beam. When
 * every ordinal is visible (live scoring, nothing removed), the walk keeps one sorted list of the best ef nodes
 * instead of the two heaps (see walkList) and marks visits in a bit set (12.5 KB for 100,000 nodes, in L1); with a
 * filter it keeps the heaps. Either walk on the vectors reads a value of each fresh neighbour's row before scoring
 * any of them, so that their misses overlap: the first and last value took 8 % off a walk on the benchmark's
 * clustered cases and 4 % on the realistic engine's embeddings, the middle value (a 32-float row spans three cache
 * lines) 12 % more on the clustered cases.
 */
final class FrozenGraph {
  /** A graph of nothing: every ordinal is in the tail. */
  static final FrozenGraph EMPTY = new FrozenGraph(0, 1, true, new float[0], new int[1], new int[0], -1, 0,
      null, new int[0][], new int[0][], null, null);

  private final int size;
  private final int dimension;
  private final boolean l2;
  private final float[] vectors;
  private final int[] offsets;
  private final int[] edges;
  private final int entry;
  private final int maxDegree;
  private final int topLevel;
  /** Per node id, its ordinal. */
  private final int[] ordinalOf;
  /** Per level 1..topLevel (index level - 1): offsets by slot, then edges as slots. */
  private final int[][] upperOffsets;
  private final int[][] upperEdges;
  /** Per slot, its node id; null without upper levels. */
  private final int[] slotId;
  /** Per slot, its node's vector, row-major; null without upper levels. */
  private final float[] upperVectors;
  /** The entry node's slot, -1 without upper levels. */
  private final int entrySlot;
  /** The quantiser of the codes, or null when the walk scores the vectors themselves. */
  private final ProductQuantizer quantizer;
  /** Per node id, its code: {@code codes[id * subspaces .. (id + 1) * subspaces)}; null without a quantiser. */
  private final byte[] codes;
  private final int subspaces;
  /** Marks an expanded node's key in the list walk (bit 31: ids are below 2^31). */
  private static final long EXPANDED = 1L << 31;

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
   * @param quantizer the quantiser of codes, or null to walk on the vectors
   * @param codes per ordinal, its code of {@code quantizer.subspaces()} bytes; read, not kept; null with no quantiser
   */
  FrozenGraph(int size, int dimension, boolean l2, float[] vectors, int[] offsets, int[] edges, int entry,
      int topLevel, int[] upperSlot, int[][] upperOffsets, int[][] upperEdges, ProductQuantizer quantizer,
      byte[] codes) {
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
    this.quantizer = quantizer;
    this.subspaces = quantizer == null ? 0 : quantizer.subspaces();
    if (quantizer == null) {
      this.codes = null;
    } else {
      int m = subspaces;
      this.codes = new byte[size * m];
      for (int id = 0; id < size; id++) {
        System.arraycopy(codes, ordinalOf[id] * m, this.codes, id * m, m);
      }
    }
    this.maxDegree = most;
    this.entry = size > 0 ? idOf[entry] : -1;
    if (upperSlot == null || topLevel == 0) {
      this.slotId = null;
      this.upperVectors = null;
      this.upperEdges = upperEdges;
      this.entrySlot = -1;
    } else {
      int slots = upperOffsets[0].length - 1;
      this.slotId = new int[slots];
      this.upperVectors = new float[slots * dimension];
      for (int o = 0; o < size; o++) {
        int slot = upperSlot[o];
        if (slot >= 0) {
          slotId[slot] = idOf[o];
          System.arraycopy(vectors, o * dimension, upperVectors, slot * dimension, dimension);
        }
      }
      this.upperEdges = new int[upperEdges.length][];
      for (int l = 0; l < upperEdges.length; l++) {
        int[] es = upperEdges[l].clone();
        for (int i = 0; i < es.length; i++) {
          es[i] = upperSlot[es[i]];
        }
        this.upperEdges[l] = es;
      }
      this.entrySlot = upperSlot[entry];
    }
  }

  /** The node id of each ordinal: the inverse of the renumbering. */
  int[] ids() {
    int[] ids = new int[size];
    for (int id = 0; id < size; id++) {
      ids[ordinalOf[id]] = id;
    }
    return ids;
  }

  /** Whether the graph holds codes to walk on. */
  boolean quantized() {
    return codes != null;
  }

  /** The number of frozen ordinals: those below it are in the graph. */
  int size() {
    return size;
  }

  /** Bytes held by the graph's own arrays (not the level-0 vectors). */
  long edgeBytes() {
    long b = 4L * (offsets.length + edges.length);
    if (slotId != null) {
      b += 4L * slotId.length + 4L * upperVectors.length;
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
   * @param rerank how many of a walk on codes are scored again on their vectors (at least out.length are)
   * @param onCodes whether to walk on the codes, when the graph has them; otherwise on the vectors
   * @param s the calling thread's scratch
   * @param out receives the ordinals
   * @return how many were written
   */
  int search(float[] q, NeighbourIndex.Visibility vis, float[] tail, int tailEnd, int ef, int rerank,
      boolean onCodes, Scratch s, int[] out) {
    s.begin(size, ef, maxDegree);
    boolean reranked = false;
    if (size > 0) {
      if (codes == null || !onCodes) {
        if (vis.all()) {
          walkList(q, null, ef, s);
        } else {
          walk(q, null, vis, ef, s);
        }
      } else {
        float[] table = s.table(subspaces * ProductQuantizer.CENTROIDS);
        // COSINE too ranks codes by squared distance: for unit vectors it orders as the negated dot product does,
        // and its error shrinks with the distance to the query (a dot product's grows with the query's norm)
        quantizer.table(q, true, table);
        if (vis.all()) {
          walkList(q, table, ef, s);
        } else {
          walk(q, table, vis, ef, s);
        }
        rerank(q, Math.max(out.length, rerank), out.length, s);
        reranked = true;
      }
    }
    final int cap = s.resCap;
    for (int o = size, base = size * dimension; o < tailEnd; o++, base += dimension) {
      if (s.resSize == cap) {
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
    // reranked keys hold ordinals already
    return s.drain(out, ordinalOf, reranked ? 0 : size);
  }

  /**
   * Replaces the walk's results (by approximate cost) with the best {@code k} of their first {@code r} scored
   * exactly, keyed by exact cost and ordinal (not node id), so that equal costs are ordered as the exact scan orders
   * them.
   */
  private void rerank(float[] q, int r, int k, Scratch s) {
    final float[] v = vectors;
    final int dim = dimension;
    long[] res = s.res;
    int n = s.resSize;
    if (n > r) {
      Arrays.sort(res, 0, n);
      n = r;
    }
    int[] ids = s.picked(n);
    float touch = 0;
    for (int i = 0; i < n; i++) {
      int id = (int) res[i];
      ids[i] = id;
      touch += touchRow(id);
    }
    s.touched += touch;
    s.resSize = 0;
    s.resCap = k;
    final int[] ordinal = ordinalOf;
    for (int i = 0; i < n; i++) {
      int id = ids[i];
      if (s.resSize == k) {
        float bound = s.worstCost();
        float c = cost(q, v, id * dim, bound);
        if (c > bound) {
          continue;
        }
        long key = key(c, ordinal[id]);
        if (key < s.res[0]) {
          s.offerResult(key);
        }
      } else {
        s.offerResult(key(cost(q, v, id * dim, Float.POSITIVE_INFINITY), ordinal[id]));
      }
    }
  }

  /**
   * The walk on approximate costs when every node is visible, over one sorted list of the best {@code ef} nodes
   * seen (the "closest unexpanded" list of DiskANN's greedy search, Subramanya et al., NeurIPS 2019), which is both
   * the candidates (its unexpanded entries) and the results. It visits the nodes the two heaps would, with fewer
   * unpredictable branches: marking neighbours visited, finding a key's place (a branch-free binary search) and
   * shifting the tail of the list take none. Leaves the list as the results (sorted but for equal costs).
   */
  private void walkList(float[] q, float[] table, int ef, Scratch s) {
    long start = descend(q, table, s);
    int cur = (int) start;
    final int[] offs = offsets;
    final int[] es = edges;
    final long[] bits = s.bits(this.size);
    final int[] dirty = s.dirty;
    final int[] fresh = s.fresh;
    final long[] list = s.res;
    bits[cur >>> 6] |= 1L << cur;
    dirty[0] = cur >>> 6;
    int marked = 1;
    list[0] = start;
    int filled = 1;
    int at = 0;
    while (at < filled) {
      long c = list[at];
      list[at] = c | EXPANDED;
      int node = (int) c;
      int count = 0;
      final int first = offs[node];
      for (int e = first, end = offs[node + 1]; e < end; e++) {
        int n = es[e];
        int w = n >>> 6;
        long word = bits[w];
        int seen = (int) (word >>> n) & 1;
        bits[w] = word | (1L << n);
        dirty[marked] = w;
        marked += word == 0 ? 1 : 0;
        fresh[count] = n;
        count += 1 - seen;
      }
      int next = at + 1;
      if (table == null) {
        // start the rows' cache misses together (independent loads) before scoring them one by one
        float touch = 0;
        for (int i = 0; i < count; i++) {
          touch += touchRow(fresh[i]);
        }
        // and the neighbour list of the node that will be expanded next unless a fresh one beats it, so that its miss
        // overlaps the rows' instead of following them (a guess: when a fresh node wins, one read was wasted)
        int guess = next;
        while (guess < filled && (list[guess] & EXPANDED) != 0) {
          guess++;
        }
        if (guess < filled) {
          int from = offs[(int) list[guess]];
          // a node without neighbours may start where the edges end
          touch += from < es.length ? es[from] : 0;
        }
        s.touched += touch;
      }
      for (int i = 0; i < count; i++) {
        int n = fresh[i];
        float bound = filled == ef ? cost(list[ef - 1] & ~EXPANDED) : Float.POSITIVE_INFINITY;
        float cn = walkCost(q, table, n, bound);
        if (cn > bound) {
          continue;
        }
        long kn = key(cn, n);
        if (filled == ef && kn >= list[ef - 1]) {
          continue;
        }
        int p = lowerBound(list, filled, kn);
        int moved = filled == ef ? filled - 1 - p : filled - p;
        System.arraycopy(list, p, list, p + 1, moved);
        list[p] = kn;
        if (filled < ef) {
          filled++;
        }
        next = Math.min(next, p);
      }
      at = next;
      while (at < filled && (list[at] & EXPANDED) != 0) {
        at++;
      }
    }
    for (int i = 0; i < filled; i++) {
      list[i] &= ~EXPANDED;
    }
    s.dirtyCount = marked;
    s.resSize = filled;
    s.resCap = ef;
  }
  /**
   * The greedy descent through the upper levels (HNSW) from the entry node, over the upper levels' own copy of their
   * vectors (or the codes, by node id): returns the key of the level-0 node to start from. A node is scored once per
   * search, not again as the neighbour of each node the descent moves to, nor again on the level below: the moves,
   * and so the start, are those of the plain greedy descent.
   */
  private long descend(float[] q, float[] table, Scratch s) {
    if (slotId == null) {
      return key(walkCost(q, table, entry, Float.POSITIVE_INFINITY), entry);
    }
    final long[] seen = s.upperBits(slotId.length);
    int cur = entrySlot;
    seen[cur >>> 6] |= 1L << cur;
    float curCost = upperCost(q, table, cur, Float.POSITIVE_INFINITY);
    for (int level = topLevel; level >= 1; level--) {
      final int[] offs = upperOffsets[level - 1];
      final int[] es = upperEdges[level - 1];
      boolean moved = true;
      while (moved) {
        moved = false;
        for (int e = offs[cur], end = offs[cur + 1]; e < end; e++) {
          int n = es[e];
          long word = seen[n >>> 6];
          long bit = 1L << n;
          if ((word & bit) != 0) {
            // scored before, at this level or above: its cost was not below the current cost then, and the
            // current cost has only fallen since, so it cannot be a move now
            continue;
          }
          seen[n >>> 6] = word | bit;
          float c = upperCost(q, table, n, curCost);
          if (c < curCost) {
            curCost = c;
            cur = n;
            moved = true;
          }
        }
      }
    }
    return key(curCost, slotId[cur]);
  }

  /** The cost of an upper-level node by its slot: its code's, or its vector's from the upper levels' copy. */
  private float upperCost(float[] q, float[] table, int slot, float bound) {
    return table != null ? walkCost(q, table, slotId[slot], bound)
        : cost(q, upperVectors, slot * dimension, bound);
  }

  /**
   * A node's cost in a walk: its code's, by the query's table, or (table null) its vector's, which may be
   * abandoned above bound.
   */
  private float walkCost(float[] q, float[] table, int node, float bound) {
    return table != null ? ProductQuantizer.cost(table, codes, node * subspaces, subspaces)
        : cost(q, vectors, node * dimension, bound);
  }


  /** The first index in the sorted {@code list[0 .. size)}, size at least 1, whose key is at least k; branch-free. */
  private static int lowerBound(long[] list, int size, long k) {
    int base = 0;
    int n = size;
    while (n > 1) {
      int half = n >>> 1;
      base = list[base + half] < k ? base + half : base;
      n -= half;
    }
    return base + (list[base] < k ? 1 : 0);
  }

  /**
   * The filtered walk (two heaps): candidates by cost, results only among visible nodes. Costs are codes' by the
   * query's table, or (table null) vectors', abandoned above the worst result once the results are full.
   */
  private void walk(float[] q, float[] table, NeighbourIndex.Visibility vis, int ef, Scratch s) {
    long k0 = descend(q, table, s);
    int cur = (int) k0;
    final int[] offs = offsets;
    final int[] es = edges;
    final int[] visited = s.visited;
    final int epoch = s.epoch;
    final int[] ordinal = ordinalOf;
    visited[cur] = epoch;
    s.pushCandidate(k0);
    if (vis.test(ordinal[cur])) {
      s.offerResult(k0);
    }
    while (s.candSize > 0) {
      long c = s.popCandidate();
      if (s.resSize == ef && c > s.res[0]) {
        break;
      }
      int node = (int) c;
      // First pass: mark the unvisited neighbours and touch each one's code or row, so that their cache misses
      // overlap (independent loads) instead of each stalling the cost that needs it.
      final int[] fresh = s.fresh;
      int count = 0;
      float touch = 0;
      for (int e = offs[node], end = offs[node + 1]; e < end; e++) {
        int m = es[e];
        if (visited[m] != epoch) {
          visited[m] = epoch;
          fresh[count++] = m;
          touch += touch(table, m);
        }
      }
      s.touched += touch;
      for (int i = 0; i < count; i++) {
        int m = fresh[i];
        long km;
        if (s.resSize == ef) {
          float bound = s.worstCost();
          float cm = walkCost(q, table, m, bound);
          if (cm > bound) {
            continue;
          }
          km = key(cm, m);
          if (km > s.res[0]) {
            continue;
          }
        } else {
          km = key(walkCost(q, table, m, Float.POSITIVE_INFINITY), m);
        }
        s.pushCandidate(km);
        if (vis.test(ordinal[m])) {
          s.offerResult(km);
        }
      }
    }
  }

  /** Reads a value of a node's code or row, only to start its cache miss. */
  private float touch(float[] table, int node) {
    return table != null ? codes[node * subspaces] : touchRow(node);
  }

  /**
   * Reads a node's first, middle and last value, only to start loading its row: a row of 32 floats spans three
   * cache lines (an array's values start 16 bytes into a line).
   */
  private float touchRow(int node) {
    int b = node * dimension;
    return vectors[b] + vectors[b + (dimension >> 1)] + vectors[b + dimension - 1];
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
    // checked every 16 values, not 8: a branch fewer per row pays more than the blocks it would skip (8 % off a
    // walk on 32 and 37 dimensions; never checking within 32 values was 2-3 % slower again)
    for (; i + 16 <= blocked; i += 16) {
      s += Vectors.squaredBlock8(q, i, d, base + i);
      s += Vectors.squaredBlock8(q, i + 8, d, base + i + 8);
      if (s > bound) {
        return s;
      }
    }
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
    private float[] table = new float[0];
    private int[] picked = new int[0];

    /** The thread's cost table, of a length. */
    float[] table(int length) {
      if (table.length != length) {
        table = new float[length];
      }
      return table;
    }

    private long[] bits = new long[0];
    /**
     * The words of bits a walk has set, each once (a walk records a word when it sets a bit in it while it is 0):
     * every other word is 0, so the next walk clears these instead of the whole set (12.5 KB at 100,000 nodes, of
     * which a walk sets a few hundred words). dirtyCount is -1 while a walk runs: one that did not finish leaves it
     * so, and the next clears every word.
     */
    private int[] dirty = new int[0];
    private int dirtyCount;
    private long[] upperBits = new long[0];

    /** Visited marks of n nodes as a bit set, all clear: small enough to stay in L1 for a graph of 100,000. */
    long[] bits(int n) {
      int words = (n + 63) >>> 6;
      if (bits.length < words) {
        bits = new long[words];
        // one more: a walk stores every word it marks at the next free place, and keeps it only if it was 0
        dirty = new int[words + 1];
      } else if (dirtyCount < 0) {
        Arrays.fill(bits, 0L);
      } else {
        final long[] b = bits;
        final int[] d = dirty;
        for (int i = 0, end = dirtyCount; i < end; i++) {
          b[d[i]] = 0L;
        }
      }
      dirtyCount = -1;
      return bits;
    }

    /** Scored marks of n upper-level slots as a bit set, all clear. */
    long[] upperBits(int n) {
      int words = (n + 63) >>> 6;
      if (upperBits.length < words) {
        upperBits = new long[words];
      } else {
        Arrays.fill(upperBits, 0, words, 0L);
      }
      return upperBits;
    }

    /** A buffer of at least n ids for the rerank. */
    int[] picked(int n) {
      if (picked.length < n) {
        picked = new int[n];
      }
      return picked;
    }

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
