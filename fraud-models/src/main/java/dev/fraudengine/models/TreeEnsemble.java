package dev.fraudengine.models;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/*
 * Evaluation of a sum of binary regression trees over a float vector, in pure Java.
 *
 * Two layouts of the same trees.
 *
 * Padded layout, for scores and path attributions of every tree of depth <= PADDED_DEPTH (all trees of the usual
 * depth-limited XGBoost models). Trees are taken in model order in groups of WIDE (8), then one of GROUP (4) if
 * that many are left, then one at a time; each tree of a group is padded to a complete binary tree of the group's
 * depth D: a leaf above level D becomes a dummy split (feature 0) whose two subtrees repeat the leaf, so every row
 * takes exactly D steps and the leaf is found by position. Nodes are stored breadth-first, one long each:
 * (threshold key << 32) | (2 * feature | missing-goes-right); the children of position i are 2i+1 and 2i+2. key()
 * maps a float to an int whose signed order is the float order (-0.0 and +0.0 map to one key). The row is converted
 * once per call into a per-thread long[] of two keys per feature, indexed by (2 * feature | missing-goes-right):
 * both are the value's key, but for NaN the first is below and the second above every threshold, so one integer
 * comparison also follows the split's default direction, and a step has no data-dependent branch:
 *   i = 2i + 2 - ((rowKey[low int of node] - (node >> 32)) >>> 63)
 * XGBoost goes left when value < threshold and sends a missing value (NaN) to the default side, which is the same
 * decision. The trees of a group are walked in lockstep, so the processor overlaps their chains of dependent loads
 * (memory-level parallelism). Leaves: one float[] of 2^D values per tree, summed four trees at a time in model
 * order (the same additions, in the same order, as one tree at a time in groups of four). For path attributions a
 * double[] holds, for each padded position, the change of expected value from its parent (0 below a dummy split),
 * so the attribution is the sum of these deltas along the path, taken in the same kind of walk.
 *
 * Compact layout, for the trees deeper than PADDED_DEPTH (whose padding would not pay) and for exact SHAP values.
 * All trees share one int[] of 4 ints per node, renumbered breadth-first so that a node's two children are
 * adjacent (right = left + 1):
 *   [4i]   split feature index (0 for a leaf)
 *   [4i+1] split threshold, as float bits (NaN for a leaf)
 *   [4i+2] (index of the left child << 1) | 1 if a missing value goes right (a leaf: its own index << 1)
 *   [4i+3] leaf value, as float bits (0 for an internal node)
 * A leaf points to itself and its NaN threshold sends every value "left", to itself, so a tree is walked a fixed
 * number of steps (its depth). Parallel double[] arrays hold each node's cover (XGBoost's sum_hessian), its
 * expected value (the cover-weighted mean of the leaves below it) and the change of expected value from its parent
 * to it.
 *
 * Explanations. Path attribution follows Saabas: along the path a row takes, each step from a node to its child
 * adds (expected value of the child - expected value of the node) to the node's split feature; the contributions
 * and the trees' mean values sum to the margin. Exact SHAP values use the polynomial-time TreeSHAP of Lundberg,
 * Erion and Lee, "Consistent Individualized Feature Attribution for Tree Ensembles" (2018), Algorithm 2, with
 * node covers as the weights of the background distribution, as XGBoost does for pred_contribs, on the compact
 * layout, with per-thread path arrays; see leafContributions for how the leaf step is organised.
 *
 * Immutable after construction; all methods are thread-safe. score and margin allocate nothing once the calling
 * thread's scratch arrays exist.
 */
final class TreeEnsemble {
  /** One tree as read from a model file, before flattening; arrays indexed by the file's node ids. */
  record Tree(
      int[] left, int[] right, int[] feature, float[] threshold, boolean[] defaultLeft, float[] leafValue,
      double[] cover) {}

  /** The deepest tree that goes into the padded layout; deeper trees are walked in the compact one. */
  static final int PADDED_DEPTH = 10;
  /** How many trees of the padded layout are walked in lockstep. */
  static final int GROUP = 4;
  /** How many trees of the padded layout are walked in lockstep when at least that many are left. */
  static final int WIDE = 8;
  /**
   * The most leaf-table entries (doubles) one tree may have for exact SHAP values from tables: 2^k per leaf with k
   * distinct features on its path, so 4,096 for a full tree of depth 6. Larger trees use Algorithm 2.
   */
  static final int TABLE_LIMIT = 8192;

  private final int width;
  private final double baseMargin;
  private final int[] nodes;
  private final int[] roots;
  private final int[] depths;
  private final double[] cover;
  private final double[] mean;
  private final double[] gain;
  private final int maxDepth;
  private final double expectedMargin;
  private final ThreadLocal<Scratch> scratch;
  private final ThreadLocal<ShapScratch> shapScratch;
  /** The leaf tables of exact SHAP values, built at the first call of {@link #shap}. */
  private volatile LeafTables tables;
  /** inverse[k] = 1 / k, so that TreeSHAP's inner loops multiply instead of divide. */
  private final double[] inverse;

  /** Padded layout: nodes, (threshold key << 32) | (2 * feature | missing-goes-right). */
  private final long[] paddedNodes;
  /** Padded layout: leaf values, 2^D per tree. */
  private final float[] paddedLeaves;
  /** Padded layout: change of expected value from the parent, 2^(D+1) - 1 per tree (0 at the root). */
  private final double[] paddedDelta;
  /** Per group of the padded layout: trees (GROUP or 1), depth, and first index in each array. */
  private final int[] groupSize;
  private final int[] groupDepth;
  private final int[] groupNodes;
  private final int[] groupLeaves;
  private final int[] groupDelta;
  /** Compact-layout roots of the trees deeper than PADDED_DEPTH, in model order. */
  private final int[] deepRoots;
  private final int[] deepDepths;

  /** Per-thread working arrays: the row's keys and the path attributions. */
  private static final class Scratch {
    final long[] keys;
    final double[] lanes;
    final double[] phi;

    Scratch(int width) {
      keys = new long[2 * width];
      lanes = new double[4 * width];
      phi = new double[width];
    }
  }

  /**
   * Flattens trees that the reader has validated: children in range, each node reached once, features below
   * {@code width}.
   */
  TreeEnsemble(int width, double baseMargin, List<Tree> trees) {
    this.width = width;
    this.baseMargin = baseMargin;
    int total = 0;
    for (Tree t : trees) {
      total += t.left().length;
    }
    nodes = new int[total * 4];
    cover = new double[total];
    mean = new double[total];
    gain = new double[total];
    roots = new int[trees.size()];
    depths = new int[trees.size()];
    int next = 0;
    int deepest = 0;
    double expected = baseMargin;
    for (int t = 0; t < trees.size(); t++) {
      roots[t] = next;
      next = flatten(trees.get(t), next, t);
      deepest = Math.max(deepest, depths[t]);
      expected += mean[roots[t]];
    }
    maxDepth = deepest;
    expectedMargin = expected;
    scratch = ThreadLocal.withInitial(() -> new Scratch(width));
    int deepestTree = deepest;
    int nodeCount = total;
    shapScratch = ThreadLocal.withInitial(() -> new ShapScratch(deepestTree, nodeCount, width));
    inverse = new double[maxDepth + 4];
    for (int k = 1; k < inverse.length; k++) {
      inverse[k] = 1.0 / k;
    }

    int[] shallow = new int[roots.length];
    int shallowCount = 0;
    int deepCount = 0;
    for (int t = 0; t < roots.length; t++) {
      if (depths[t] <= PADDED_DEPTH) {
        shallow[shallowCount++] = t;
      } else {
        deepCount++;
      }
    }
    deepRoots = new int[deepCount];
    deepDepths = new int[deepCount];
    for (int t = 0, d = 0; t < roots.length; t++) {
      if (depths[t] > PADDED_DEPTH) {
        deepRoots[d] = roots[t];
        deepDepths[d++] = depths[t];
      }
    }
    int groups = 0;
    int[] sizes = new int[shallowCount];
    for (int left = shallowCount; left > 0; left -= sizes[groups++]) {
      sizes[groups] = left >= WIDE ? WIDE : left >= GROUP ? GROUP : 1;
    }
    groupSize = Arrays.copyOf(sizes, groups);
    groupDepth = new int[groups];
    groupNodes = new int[groups + 1];
    groupLeaves = new int[groups + 1];
    groupDelta = new int[groups + 1];
    for (int g = 0, first = 0; g < groups; g++) {
      int size = groupSize[g];
      int depth = 0;
      for (int q = 0; q < size; q++) {
        depth = Math.max(depth, depths[shallow[first + q]]);
      }
      groupDepth[g] = depth;
      groupNodes[g + 1] = groupNodes[g] + size * ((1 << depth) - 1);
      groupLeaves[g + 1] = groupLeaves[g] + size * (1 << depth);
      groupDelta[g + 1] = groupDelta[g] + size * ((2 << depth) - 1);
      first += size;
    }
    paddedNodes = new long[groupNodes[groups]];
    paddedLeaves = new float[groupLeaves[groups]];
    paddedDelta = new double[groupDelta[groups]];
    for (int g = 0, first = 0; g < groups; g++) {
      int depth = groupDepth[g];
      for (int q = 0; q < groupSize[g]; q++) {
        pad(roots[shallow[first + q]], 0, depth, groupNodes[g] + q * ((1 << depth) - 1),
            groupLeaves[g] + q * (1 << depth), groupDelta[g] + q * ((2 << depth) - 1), 0.0);
      }
      first += groupSize[g];
    }
  }

  /**
   * Writes the subtree of compact node {@code slot} at padded position {@code pos} of a tree whose arrays start at
   * {@code nodeBase}, {@code leafBase} and {@code deltaBase} and whose leaves are at level {@code depth}.
   */
  private void pad(int slot, int pos, int depth, int nodeBase, int leafBase, int deltaBase, double delta) {
    paddedDelta[deltaBase + pos] = delta;
    int internal = (1 << depth) - 1;
    if (pos >= internal) {
      paddedLeaves[leafBase + pos - internal] = Float.intBitsToFloat(nodes[(slot << 2) + 3]);
      return;
    }
    int b = slot << 2;
    int left = nodes[b + 2] >>> 1;
    if (left == slot) {
      paddedNodes[nodeBase + pos] = 0;
      pad(slot, 2 * pos + 1, depth, nodeBase, leafBase, deltaBase, 0.0);
      pad(slot, 2 * pos + 2, depth, nodeBase, leafBase, deltaBase, 0.0);
    } else {
      long key = key(Float.intBitsToFloat(nodes[b + 1]));
      paddedNodes[nodeBase + pos] = (key << 32) | (nodes[b] << 1) | (nodes[b + 2] & 1);
      pad(left, 2 * pos + 1, depth, nodeBase, leafBase, deltaBase, gain[left]);
      pad(left + 1, 2 * pos + 2, depth, nodeBase, leafBase, deltaBase, gain[left + 1]);
    }
  }

  /**
   * An int whose signed order is the order of non-NaN floats, with -0.0 and +0.0 equal: the sign-magnitude bits
   * with the magnitude flipped for negative values.
   */
  static int key(float v) {
    int bits = Float.floatToRawIntBits(v);
    bits &= -((-(bits & 0x7fffffff)) >>> 31);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  /**
   * Converts a row for the padded walk, without branches: two keys per feature, out[2f] for splits that send a
   * missing value left and out[2f + 1] for those that send it right. Both are the value's key, except for NaN: then
   * out[2f] is below every threshold key and out[2f + 1] above every one, so the comparison itself follows the
   * default direction.
   */
  private static long[] keys(float[] x, long[] out) {
    for (int f = 0; f < x.length; f++) {
      int bits = Float.floatToRawIntBits(x[f]);
      long nan = (long) ((0x7f800000 - (bits & 0x7fffffff)) >>> 31) << 34;
      bits &= -((-(bits & 0x7fffffff)) >>> 31);
      long key = bits ^ ((bits >> 31) & 0x7fffffff);
      out[2 * f] = key - nan;
      out[2 * f + 1] = key + nan;
    }
    return out;
  }

  /**
   * One branch-free step from padded position {@code i}, whose node is {@code node}: to 2i+2 (right) when the
   * row's key for the node's feature and missing direction is at least the threshold key, else to 2i+1 (left).
   */
  private static int down(long node, long[] keys, int i) {
    return 2 * i + 2 - (int) ((keys[(int) node] - (node >> 32)) >>> 63);
  }

  /** Copies one tree breadth-first from slot {@code start}; returns the next free slot. */
  private int flatten(Tree tree, int start, int treeIndex) {
    int n = tree.left().length;
    int[] slotOf = new int[n];
    int[] depthOf = new int[n];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    queue.add(0);
    slotOf[0] = start;
    int next = start + 1;
    int depth = 0;
    while (!queue.isEmpty()) {
      int id = queue.poll();
      int slot = slotOf[id];
      int b = slot << 2;
      cover[slot] = tree.cover()[id];
      if (tree.left()[id] < 0) {
        nodes[b] = 0;
        nodes[b + 1] = Float.floatToRawIntBits(Float.NaN);
        nodes[b + 2] = slot << 1;
        nodes[b + 3] = Float.floatToRawIntBits(tree.leafValue()[id]);
        depth = Math.max(depth, depthOf[id]);
      } else {
        int l = tree.left()[id];
        int r = tree.right()[id];
        slotOf[l] = next;
        slotOf[r] = next + 1;
        depthOf[l] = depthOf[id] + 1;
        depthOf[r] = depthOf[id] + 1;
        nodes[b] = tree.feature()[id];
        nodes[b + 1] = Float.floatToRawIntBits(tree.threshold()[id]);
        nodes[b + 2] = (next << 1) | (tree.defaultLeft()[id] ? 0 : 1);
        next += 2;
        queue.add(l);
        queue.add(r);
      }
    }
    depths[treeIndex] = depth;
    fillMeans(start);
    fillGains(start, Double.NaN);
    return next;
  }

  /** Expected value of each node: its leaf value, or the cover-weighted mean of its children's. */
  private double fillMeans(int i) {
    int b = i << 2;
    int left = nodes[b + 2] >>> 1;
    if (left == i) {
      mean[i] = Float.intBitsToFloat(nodes[b + 3]);
    } else {
      double ml = fillMeans(left);
      double mr = fillMeans(left + 1);
      double cl = cover[left];
      double cr = cover[left + 1];
      mean[i] = cover[i] > 0 ? (ml * cl + mr * cr) / cover[i] : (ml + mr) / 2;
    }
    return mean[i];
  }

  private void fillGains(int i, double parentMean) {
    gain[i] = Double.isNaN(parentMean) ? 0 : mean[i] - parentMean;
    int left = nodes[(i << 2) + 2] >>> 1;
    if (left != i) {
      fillGains(left, mean[i]);
      fillGains(left + 1, mean[i]);
    }
  }

  int width() {
    return width;
  }

  int treeCount() {
    return roots.length;
  }

  int maxDepth() {
    return maxDepth;
  }

  double baseMargin() {
    return baseMargin;
  }

  /** The margin of an average row: the base margin plus every tree's root expected value. */
  double expectedMargin() {
    return expectedMargin;
  }

  /**
   * The raw sum: base margin plus one leaf value per tree. Allocates nothing once the thread's scratch exists.
   * Walks the padded trees four at a time in lockstep: each step of one tree is a chain of dependent loads, and
   * interleaving independent trees lets the processor overlap their latencies.
   */
  double margin(float[] x) {
    final long[] k = keys(x, scratch.get().keys);
    final long[] n = paddedNodes;
    final float[] leaf = paddedLeaves;
    double sum = baseMargin;
    for (int g = 0; g < groupSize.length; g++) {
      int depth = groupDepth[g];
      int nb = groupNodes[g];
      int internal = (1 << depth) - 1;
      int lb = groupLeaves[g] - internal;
      int leaves = internal + 1;
      if (groupSize[g] == WIDE) {
        int n1 = nb + internal;
        int n2 = n1 + internal;
        int n3 = n2 + internal;
        int n4 = n3 + internal;
        int n5 = n4 + internal;
        int n6 = n5 + internal;
        int n7 = n6 + internal;
        int a = 0;
        int b = 0;
        int c = 0;
        int d = 0;
        int e = 0;
        int f = 0;
        int h = 0;
        int j = 0;
        for (int s = 0; s < depth; s++) {
          a = down(n[nb + a], k, a);
          b = down(n[n1 + b], k, b);
          c = down(n[n2 + c], k, c);
          d = down(n[n3 + d], k, d);
          e = down(n[n4 + e], k, e);
          f = down(n[n5 + f], k, f);
          h = down(n[n6 + h], k, h);
          j = down(n[n7 + j], k, j);
        }
        sum += (double) leaf[lb + a] + leaf[lb + leaves + b] + leaf[lb + 2 * leaves + c]
            + leaf[lb + 3 * leaves + d];
        lb += 4 * leaves;
        sum += (double) leaf[lb + e] + leaf[lb + leaves + f] + leaf[lb + 2 * leaves + h]
            + leaf[lb + 3 * leaves + j];
      } else if (groupSize[g] == GROUP) {
        int n1 = nb + internal;
        int n2 = n1 + internal;
        int n3 = n2 + internal;
        int a = 0;
        int b = 0;
        int c = 0;
        int d = 0;
        for (int s = 0; s < depth; s++) {
          a = down(n[nb + a], k, a);
          b = down(n[n1 + b], k, b);
          c = down(n[n2 + c], k, c);
          d = down(n[n3 + d], k, d);
        }
        sum += (double) leaf[lb + a] + leaf[lb + leaves + b] + leaf[lb + 2 * leaves + c]
            + leaf[lb + 3 * leaves + d];
      } else {
        int a = 0;
        for (int s = 0; s < depth; s++) {
          a = down(n[nb + a], k, a);
        }
        sum += leaf[lb + a];
      }
    }
    return deepRoots.length == 0 ? sum : sum + deepMargin(x);
  }

  /** The leaf values of the trees deeper than PADDED_DEPTH, walked in the compact layout. */
  private double deepMargin(float[] x) {
    final int[] n = nodes;
    double sum = 0;
    for (int t = 0; t < deepRoots.length; t++) {
      int i = deepRoots[t];
      for (int k = deepDepths[t]; k > 0; k--) {
        i = next(n, i, x);
      }
      sum += Float.intBitsToFloat(n[(i << 2) + 3]);
    }
    return sum;
  }

  /** One branch-free step from node {@code i}: to the left child, the right child, or (a leaf) itself. */
  private static int next(int[] n, int i, float[] x) {
    int b = i << 2;
    float v = x[n[b]];
    int c = n[b + 2];
    int right = (v >= Float.intBitsToFloat(n[b + 1]) ? 1 : 0) | ((v != v ? 1 : 0) & c);
    return (c >>> 1) + right;
  }

  /** The child a row goes to from internal node {@code i}. */
  private int step(int i, float[] x) {
    int b = i << 2;
    float v = x[nodes[b]];
    int c = nodes[b + 2];
    int right = (v >= Float.intBitsToFloat(nodes[b + 1]) ? 1 : 0) | ((v != v ? 1 : 0) & c);
    return (c >>> 1) + right;
  }

  private boolean isLeaf(int i) {
    return (nodes[(i << 2) + 2] >>> 1) == i;
  }

  /**
   * Path attribution into a per-thread buffer of {@code width} values, which the caller reads before its next
   * call on this thread. Allocates nothing once the thread's buffers exist. The same lockstep walk as {@link
   * #margin}, adding each step's precomputed change of expected value to the split feature. The four trees walked
   * together add into four separate accumulators per feature (lanes), so that two trees splitting on the same
   * feature do not wait on each other's store; the lanes are summed at the end.
   */
  double[] pathContributions(float[] x) {
    Scratch s = scratch.get();
    final double[] lanes = s.lanes;
    Arrays.fill(lanes, 0);
    final long[] k = keys(x, s.keys);
    final long[] n = paddedNodes;
    final double[] delta = paddedDelta;
    for (int g = 0; g < groupSize.length; g++) {
      int depth = groupDepth[g];
      int nb = groupNodes[g];
      int db = groupDelta[g];
      int internal = (1 << depth) - 1;
      int size = groupSize[g];
      if (size == 1) {
        int a = 0;
        for (int step = 0; step < depth; step++) {
          long na = n[nb + a];
          a = down(na, k, a);
          lanes[((int) na & ~1) << 1] += delta[db + a];
        }
      } else {
        for (int q = 0; q < size; q += GROUP) {
          path4(n, k, delta, lanes, depth, nb + q * internal, db + q * (2 * internal + 1));
        }
      }
    }
    final double[] phi = s.phi;
    for (int f = 0; f < phi.length; f++) {
      phi[f] = (lanes[4 * f] + lanes[4 * f + 1]) + (lanes[4 * f + 2] + lanes[4 * f + 3]);
    }
    final int[] c = nodes;
    for (int t = 0; t < deepRoots.length; t++) {
      int i = deepRoots[t];
      for (int step = deepDepths[t]; step > 0; step--) {
        int j = next(c, i, x);
        phi[c[i << 2]] += j == i ? 0 : gain[j];
        i = j;
      }
    }
    return phi;
  }

  /**
   * Walks four padded trees of depth {@code depth} in lockstep, whose nodes start at {@code nb} and deltas at
   * {@code db}, adding each step's delta to lane 0..3 of the split feature, at lanes[4 * feature + lane].
   */
  private static void path4(long[] n, long[] k, double[] delta, double[] lanes, int depth, int nb, int db) {
    int internal = (1 << depth) - 1;
    int n1 = nb + internal;
    int n2 = n1 + internal;
    int n3 = n2 + internal;
    int d1 = db + 2 * internal + 1;
    int d2 = d1 + 2 * internal + 1;
    int d3 = d2 + 2 * internal + 1;
    int a = 0;
    int b = 0;
    int c = 0;
    int d = 0;
    for (int step = 0; step < depth; step++) {
      long na = n[nb + a];
      long nb1 = n[n1 + b];
      long nc = n[n2 + c];
      long nd = n[n3 + d];
      a = down(na, k, a);
      b = down(nb1, k, b);
      c = down(nc, k, c);
      d = down(nd, k, d);
      lanes[((int) na & ~1) << 1] += delta[db + a];
      lanes[(((int) nb1 & ~1) << 1) + 1] += delta[d1 + b];
      lanes[(((int) nc & ~1) << 1) + 2] += delta[d2 + c];
      lanes[(((int) nd & ~1) << 1) + 3] += delta[d3 + d];
    }
  }

  /**
   * Exact SHAP values: {@code width + 1} values, the last the bias (the expected margin); they sum to the
   * margin. Allocates only the result once the thread's working arrays exist (and, on the first call, the leaf
   * tables).
   */
  double[] shap(float[] x) {
    double[] phi = new double[width + 1];
    LeafTables tables = leafTables();
    ShapScratch scratch = shapScratch.get();
    long[] keys = keys(x, scratch.keys);
    for (int t = 0; t < roots.length; t++) {
      if (tables.firstLeaf[t] < 0) {
        shapRecurse(x, phi, scratch.path, roots[t], 0, 0, 1, 1, -1);
      } else {
        tableShap(keys, phi, tables, scratch.right, t);
      }
    }
    phi[width] = expectedMargin;
    return phi;
  }

  /** Per-thread working arrays of {@link #shap}. */
  private static final class ShapScratch {
    final Path path;
    final int[] right;
    final long[] keys;

    ShapScratch(int maxDepth, int nodes, int width) {
      path = new Path(maxDepth);
      right = new int[nodes];
      keys = new long[2 * width];
    }
  }

  private LeafTables leafTables() {
    LeafTables t = tables;
    if (t == null) {
      synchronized (this) {
        t = tables;
        if (t == null) {
          t = new LeafTables(this);
          tables = t;
        }
      }
    }
    return t;
  }

  /*
   * SHAP values of one tree from its leaf tables (the idea of Fast TreeSHAP v2: Yang, "Fast TreeSHAP: Accelerating
   * SHAP Value Computation for Trees", 2021). For one leaf of value v, let F be the k distinct features on its path,
   * z_j the product of the cover fractions of the path's splits on feature j, and H the features whose every split
   * on the path goes the row's way (o_j = 1; the others, C = F \ H, have o_j = 0). The path-dependent expectation
   * of the leaf given known features S is v * [S and C disjoint] * prod_{j in F \ S} z_j, a game on F whose Shapley
   * values are, with s(A) = sum_{S subset of A} |S|! (k - |S| - 1)! / k! * prod_{j in A \ S} z_j and
   * Z_C = prod_{j in C} z_j:
   *   j in C: -v * Z_C * s(H)
   *   j in H: v * (1 - z_j) * Z_C * s(H \ {j})
   * The table holds T(A) = v * s(A) * prod_{j in F \ A} z_j for every subset A of F (a bit mask over the path's
   * distinct features), computed once; then j in C gets -T(H) and j in H gets (1 - z_j) / z_j * T(H \ {j}). A row
   * costs, per leaf, its mask and one product per distinct feature, instead of Algorithm 2's walk over the tree.
   * (A tree with a zero cover, where z_j could be 0, keeps Algorithm 2.) Whether
   * a feature is hot decides by bit masks, not branches, which a processor could not predict.
   */
  private static final long ONE_BITS = Double.doubleToRawLongBits(1.0);

  private void tableShap(long[] keys, double[] phi, LeafTables tb, int[] right, int t) {
    int first = roots[t];
    int end = t + 1 < roots.length ? roots[t + 1] : cover.length;
    final long[] split = tb.split;
    for (int i = first; i < end; i++) {
      long node = split[i];
      right[i] = 1 - (int) ((keys[(int) node] - (node >> 32)) >>> 63);
    }
    final int[] pathNode = tb.pathNode;
    final int[] pathCode = tb.pathCode;
    final int[] feature = tb.feature;
    final double[] odds = tb.odds;
    final double[] table = tb.table;
    for (int leaf = tb.firstLeaf[t]; leaf < tb.endLeaf[t]; leaf++) {
      int k = tb.leafK[leaf];
      int u = tb.leafSlots[leaf];
      int mask = (1 << k) - 1;
      for (int q = tb.leafPath[leaf]; q < tb.leafPath[leaf + 1]; q++) {
        int code = pathCode[q];
        mask &= ~(((right[pathNode[q]] ^ code) & 1) << (code >>> 1));
      }
      int tableStart = tb.leafTable[leaf];
      long cold = Double.doubleToRawLongBits(-table[tableStart + mask]);
      for (int j = 0; j < k; j++) {
        long hot = -((mask >>> j) & 1);
        double ifHot = odds[u + j] * table[tableStart + (mask ^ (1 << j))];
        phi[feature[u + j]] += Double.longBitsToDouble((Double.doubleToRawLongBits(ifHot) & hot) | (cold & ~hot));
      }
    }
  }

  /**
   * The leaves of the trees whose tables stay under {@link #TABLE_LIMIT} entries, each with its path (the node, and
   * the distinct-feature slot and side of each step), its distinct features with their cover fractions, and its
   * table of v * s(A) over the subsets A of those features. A tree with {@code firstLeaf[t] < 0} has no tables and
   * goes through Algorithm 2.
   */
  private static final class LeafTables {
    final int[] firstLeaf;
    final int[] endLeaf;
    final int[] leafK;
    final int[] leafSlots;
    final int[] leafPath;
    final int[] leafTable;
    final int[] pathNode;
    final int[] pathCode;
    final int[] feature;
    final double[] zero;
    final double[] odds;
    final double[] table;
    /** Every node's split as in the padded layout, (threshold key << 32) | (2 * feature | missing-goes-right). */
    final long[] split;

    LeafTables(TreeEnsemble e) {
      int trees = e.roots.length;
      firstLeaf = new int[trees];
      endLeaf = new int[trees];
      int[] parent = new int[e.cover.length];
      for (int i = 0; i < parent.length; i++) {
        int left = e.nodes[(i << 2) + 2] >>> 1;
        if (left != i) {
          parent[left] = i;
          parent[left + 1] = i;
        }
      }
      int[] onPath = new int[e.maxDepth + 1];
      split = new long[e.cover.length];
      for (int i = 0; i < split.length; i++) {
        int b = i << 2;
        if (!e.isLeaf(i)) {
          split[i] = ((long) key(Float.intBitsToFloat(e.nodes[b + 1])) << 32) | (e.nodes[b] << 1) | (e.nodes[b + 2] & 1);
        }
      }
      int leaves = 0;
      int pathSteps = 0;
      int slots = 0;
      long entries = 0;
      int[] k = new int[e.cover.length];
      for (int t = 0; t < trees; t++) {
        int end = t + 1 < trees ? e.roots[t + 1] : e.cover.length;
        long size = 0;
        boolean positive = true;
        int treeLeafCount = 0;
        int treeSteps = 0;
        int treeSlots = 0;
        for (int i = e.roots[t]; i < end; i++) {
          if (!e.isLeaf(i)) {
            int left = e.nodes[(i << 2) + 2] >>> 1;
            positive &= e.cover[i] > 0 && e.cover[left] > 0 && e.cover[left + 1] > 0;
          } else {
            int d = pathTo(parent, i, e.roots[t], onPath);
            k[i] = distinctFeatures(e.nodes, onPath, d);
            size += 1L << k[i];
            treeLeafCount++;
            treeSteps += d;
            treeSlots += k[i];
          }
        }
        if (size > TABLE_LIMIT || !positive) {
          firstLeaf[t] = -1;
          continue;
        }
        firstLeaf[t] = leaves;
        leaves += treeLeafCount;
        pathSteps += treeSteps;
        slots += treeSlots;
        entries += size;
      }
      leafK = new int[leaves];
      leafSlots = new int[leaves + 1];
      leafPath = new int[leaves + 1];
      leafTable = new int[leaves + 1];
      pathNode = new int[pathSteps];
      pathCode = new int[pathSteps];
      feature = new int[slots];
      zero = new double[slots];
      odds = new double[slots];
      table = new double[(int) entries];
      int leaf = 0;
      int[] nodesOnPath = onPath;
      for (int t = 0; t < trees; t++) {
        if (firstLeaf[t] < 0) {
          continue;
        }
        int end = t + 1 < trees ? e.roots[t + 1] : e.cover.length;
        for (int i = e.roots[t]; i < end; i++) {
          if (!e.isLeaf(i)) {
            continue;
          }
          int d = pathTo(parent, i, e.roots[t], nodesOnPath);
          leafK[leaf] = k[i];
          int u = leafSlots[leaf];
          int steps = leafPath[leaf];
          int distinct = 0;
          for (int q = 0; q < d; q++) {
            int node = nodesOnPath[q];
            int child = q + 1 < d ? nodesOnPath[q + 1] : i;
            int f = e.nodes[node << 2];
            int slot = 0;
            while (slot < distinct && feature[u + slot] != f) {
              slot++;
            }
            if (slot == distinct) {
              feature[u + slot] = f;
              zero[u + slot] = 1;
              distinct++;
            }
            zero[u + slot] *= e.cover[child] / e.cover[node];
            pathNode[steps + q] = node;
            pathCode[steps + q] = (slot << 1) | (child - (e.nodes[(node << 2) + 2] >>> 1));
          }
          fillTable(table, leafTable[leaf], zero, u, k[i], Float.intBitsToFloat(e.nodes[(i << 2) + 3]));
          for (int j = 0; j < k[i]; j++) {
            odds[u + j] = (1 - zero[u + j]) / zero[u + j];
          }
          leafSlots[leaf + 1] = u + distinct;
          leafPath[leaf + 1] = steps + d;
          leafTable[leaf + 1] = leafTable[leaf] + (1 << k[i]);
          leaf++;
        }
        endLeaf[t] = leaf;
      }
    }

    /**
     * table[start + A] = v * s(A) * prod_{j not in A} z_j for every proper subset A of the k features whose
     * fractions start at zero[u].
     */
    private static void fillTable(double[] table, int start, double[] zero, int u, int k, double v) {
      double[] weight = new double[k];
      for (int m = 0; m < k; m++) {
        weight[m] = factorial(m) * factorial(k - m - 1) / factorial(k);
      }
      double[] e = new double[k + 1];
      for (int a = 0; a < (1 << k) - 1; a++) {
        Arrays.fill(e, 0);
        e[0] = 1;
        int size = 0;
        for (int j = 0; j < k; j++) {
          if ((a & (1 << j)) != 0) {
            size++;
            for (int r = size; r > 0; r--) {
              e[r] += zero[u + j] * e[r - 1];
            }
          }
        }
        double sum = 0;
        for (int m = 0; m <= size; m++) {
          sum += weight[m] * e[size - m];
        }
        double absent = 1;
        for (int j = 0; j < k; j++) {
          if ((a & (1 << j)) == 0) {
            absent *= zero[u + j];
          }
        }
        table[start + a] = v * sum * absent;
      }
    }

    /** The number of distinct split features among the first {@code d} nodes of {@code path}. */
    private static int distinctFeatures(int[] nodes, int[] path, int d) {
      int distinct = 0;
      for (int q = 0; q < d; q++) {
        boolean seen = false;
        for (int r = 0; r < q; r++) {
          seen |= nodes[path[r] << 2] == nodes[path[q] << 2];
        }
        distinct += seen ? 0 : 1;
      }
      return distinct;
    }

    /** Writes the internal nodes from {@code root} down to node {@code i} (exclusive) into {@code out}. */
    private static int pathTo(int[] parent, int i, int root, int[] out) {
      if (i == root) {
        return 0;
      }
      int d = pathTo(parent, parent[i], root, out);
      out[d] = parent[i];
      return d + 1;
    }

    private static double factorial(int n) {
      double f = 1;
      for (int i = 2; i <= n; i++) {
        f *= i;
      }
      return f;
    }
  }

  /**
   * The unique path of Algorithm 2, all levels of the recursion in one set of arrays, and the hot elements of the
   * path at a leaf.
   */
  private static final class Path {
    final int[] feature;
    final double[] zero;
    final double[] one;
    final double[] weight;
    final int[] hot;

    Path(int maxDepth) {
      int capacity = (maxDepth + 2) * (maxDepth + 3) / 2;
      feature = new int[capacity];
      zero = new double[capacity];
      one = new double[capacity];
      weight = new double[capacity];
      hot = new int[maxDepth + 4];
    }
  }

  /*
   * RECURSE(j, m, pz, po, pi) of Algorithm 2. The parent's path is the segment [parentStart, parentStart +
   * parentLength); this call works on a copy right after it, so both children of a node see the same parent path.
   */
  private void shapRecurse(
      float[] x, double[] phi, Path p, int node, int parentStart, int parentLength, double pz, double po,
      int pf) {
    int s = parentStart + parentLength;
    final int[] pFeature = p.feature;
    final double[] pZero = p.zero;
    final double[] pOne = p.one;
    for (int k = 0; k < parentLength; k++) {
      pFeature[s + k] = pFeature[parentStart + k];
      pZero[s + k] = pZero[parentStart + k];
      pOne[s + k] = pOne[parentStart + k];
    }
    int len = extend(p, parentStart, s, parentLength, pz, po, pf);
    if (isLeaf(node)) {
      leafContributions(phi, p, s, len, Float.intBitsToFloat(nodes[(node << 2) + 3]));
      return;
    }
    int split = nodes[node << 2];
    int hot = step(node, x);
    int left = nodes[(node << 2) + 2] >>> 1;
    int cold = hot == left ? left + 1 : left;
    double iz = 1;
    double io = 1;
    for (int k = 1; k < len; k++) {
      if (pFeature[s + k] == split) {
        iz = pZero[s + k];
        io = pOne[s + k];
        unwind(p, s, len, k);
        len--;
        break;
      }
    }
    double rj = cover[node];
    shapRecurse(x, phi, p, hot, s, len, iz * cover[hot] / rj, io, split);
    shapRecurse(x, phi, p, cold, s, len, iz * cover[cold] / rj, 0, split);
  }

  /**
   * The leaf step of Algorithm 2: for each element i of the path, phi[feature] += UNWOUND-SUM(i) * (one - zero) *
   * value. The one-fraction of an element is 0 or 1 (a product of indicators). For a cold element (one = 0) the
   * unwound sum is (l + 1) / zero * sum_j w[j] / (l - j), whose sum is the same for every cold element, so it is
   * taken once. For the hot elements the unwound sum is a recurrence whose every step waits on the previous one; up
   * to four hot elements run their recurrences side by side so that their latencies overlap. The arithmetic of
   * each element is the same as one UNWOUND-SUM at a time.
   */
  private void leafContributions(double[] phi, Path p, int s, int len, double value) {
    final double[] w = p.weight;
    final int[] hot = p.hot;
    int l = len - 1;
    int hotCount = 0;
    double coldSum = 0;
    boolean coldDone = false;
    for (int i = 1; i < len; i++) {
      double o = p.one[s + i];
      if (o != 0) {
        hot[hotCount++] = i;
        continue;
      }
      if (!coldDone) {
        for (int j = l - 1; j >= 0; j--) {
          coldSum += w[s + j] * inverse[l - j];
        }
        coldDone = true;
      }
      double z = p.zero[s + i];
      double total = coldSum * ((l + 1) / z);
      phi[p.feature[s + i]] += total * (o - z) * value;
    }
    for (int h = 0; h < hotCount; h += 4) {
      int i0 = hot[h];
      int i1 = hot[Math.min(h + 1, hotCount - 1)];
      int i2 = hot[Math.min(h + 2, hotCount - 1)];
      int i3 = hot[Math.min(h + 3, hotCount - 1)];
      double z0 = p.zero[s + i0] / p.one[s + i0];
      double z1 = p.zero[s + i1] / p.one[s + i1];
      double z2 = p.zero[s + i2] / p.one[s + i2];
      double z3 = p.zero[s + i3] / p.one[s + i3];
      double n0 = w[s + l];
      double n1 = n0;
      double n2 = n0;
      double n3 = n0;
      double t0 = 0;
      double t1 = 0;
      double t2 = 0;
      double t3 = 0;
      for (int j = l - 1; j >= 0; j--) {
        double inv = inverse[j + 1];
        double wj = w[s + j];
        double lj = l - j;
        t0 += n0 * inv;
        t1 += n1 * inv;
        t2 += n2 * inv;
        t3 += n3 * inv;
        n0 = wj - n0 * (z0 * lj * inv);
        n1 = wj - n1 * (z1 * lj * inv);
        n2 = wj - n2 * (z2 * lj * inv);
        n3 = wj - n3 * (z3 * lj * inv);
      }
      addHot(phi, p, s, i0, t0, l, value);
      if (h + 1 < hotCount) {
        addHot(phi, p, s, i1, t1, l, value);
      }
      if (h + 2 < hotCount) {
        addHot(phi, p, s, i2, t2, l, value);
      }
      if (h + 3 < hotCount) {
        addHot(phi, p, s, i3, t3, l, value);
      }
    }
  }

  private static void addHot(double[] phi, Path p, int s, int i, double sum, int l, double value) {
    double o = p.one[s + i];
    double total = sum * ((l + 1) / o);
    phi[p.feature[s + i]] += total * (o - p.zero[s + i]) * value;
  }

  /**
   * EXTEND: the path of length {@code l} at {@code from} with (pf, pz, po) appended, into {@code s} (whose
   * features and fractions are already a copy). The weight each step adds to is carried in a register rather than
   * read back from the array, so the steps do not wait on each other; the arithmetic is Algorithm 2's.
   */
  private int extend(Path p, int from, int s, int l, double pz, double po, int pf) {
    double[] w = p.weight;
    p.feature[s + l] = pf;
    p.zero[s + l] = pz;
    p.one[s + l] = po;
    double above = l == 0 ? 1 : 0;
    double invL1 = inverse[l + 1];
    for (int i = l - 1; i >= 0; i--) {
      double wi = w[from + i];
      w[s + i + 1] = above + wi * (po * (i + 1) * invL1);
      above = wi * (pz * (l - i) * invL1);
    }
    w[s] = above;
    return l + 1;
  }

  /** UNWIND: removes element {@code i} from the path of length {@code len} at {@code s}, in place. */
  private void unwind(Path p, int s, int len, int i) {
    double[] w = p.weight;
    int l = len - 1;
    double o = p.one[s + i];
    double z = p.zero[s + i];
    double n = w[s + l];
    if (o != 0) {
      double a = (l + 1) / o;
      double b = z * inverse[l + 1];
      for (int j = l - 1; j >= 0; j--) {
        double t = w[s + j];
        double unwound = n * (a * inverse[j + 1]);
        w[s + j] = unwound;
        n = t - unwound * (b * (l - j));
      }
    } else {
      double a = (l + 1) / z;
      for (int j = l - 1; j >= 0; j--) {
        w[s + j] = w[s + j] * a * inverse[l - j];
      }
    }
    for (int j = i; j < l; j++) {
      p.feature[s + j] = p.feature[s + j + 1];
      p.zero[s + j] = p.zero[s + j + 1];
      p.one[s + j] = p.one[s + j + 1];
    }
  }
}
