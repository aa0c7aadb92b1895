package dev.fraudengine.models;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;

/*
 * Evaluation of a sum of binary regression trees over a float vector, in pure Java.
 *
 * Layout. All trees share one int[] of 4 ints per node, renumbered breadth-first so that a node's two children are
 * adjacent (right = left + 1):
 *   [4i]   split feature index (0 for a leaf)
 *   [4i+1] split threshold, as float bits (NaN for a leaf)
 *   [4i+2] (index of the left child << 1) | 1 if a missing value goes right (a leaf: its own index << 1)
 *   [4i+3] leaf value, as float bits (0 for an internal node)
 * One step from node i is branch-free: next = left + ((v >= threshold) | (isNaN(v) & missingRight)). A leaf points
 * to itself and its NaN threshold sends every value "left", to itself, so each tree is walked a fixed number of
 * steps (its depth) with no test for leaves. XGBoost goes left when value < threshold and sends a missing value
 * (NaN) to the default side, which is the same decision. Sixteen bytes a node: four nodes to a cache line.
 *
 * Parallel double[] arrays hold each node's cover (XGBoost's sum_hessian), its expected value (the cover-weighted
 * mean of the leaves below it) and the change of expected value from its parent to it; they serve the
 * explanations only.
 *
 * Explanations. Path attribution follows Saabas: along the path a row takes, each step from a node to its child
 * adds (expected value of the child - expected value of the node) to the node's split feature; the contributions
 * and the trees' mean values sum to the margin. Exact SHAP values use the polynomial-time TreeSHAP of Lundberg,
 * Erion and Lee, "Consistent Individualized Feature Attribution for Tree Ensembles" (2018), Algorithm 2, with
 * node covers as the weights of the background distribution, as XGBoost does for pred_contribs.
 *
 * Immutable after construction; all methods are thread-safe. score and margin allocate nothing.
 */
final class TreeEnsemble {
  /** One tree as read from a model file, before flattening; arrays indexed by the file's node ids. */
  record Tree(
      int[] left, int[] right, int[] feature, float[] threshold, boolean[] defaultLeft, float[] leafValue,
      double[] cover) {}

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
  private final ThreadLocal<double[]> scratch;
  /** inverse[k] = 1 / k, so that TreeSHAP's inner loops multiply instead of divide. */
  private final double[] inverse;

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
    scratch = ThreadLocal.withInitial(() -> new double[width]);
    inverse = new double[maxDepth + 4];
    for (int k = 1; k < inverse.length; k++) {
      inverse[k] = 1.0 / k;
    }
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
   * The raw sum: base margin plus one leaf value per tree. Allocates nothing. Walks four trees in lockstep: each
   * step of one tree is a chain of dependent loads, and interleaving independent trees lets the processor overlap
   * their latencies (a leaf's self-loop makes the extra steps of a shallower tree harmless).
   */
  double margin(float[] x) {
    final int[] n = nodes;
    final int[] rootOf = roots;
    final int[] depthOf = depths;
    double sum = baseMargin;
    int t = 0;
    for (; t + 3 < rootOf.length; t += 4) {
      int a = rootOf[t];
      int b = rootOf[t + 1];
      int c = rootOf[t + 2];
      int d = rootOf[t + 3];
      int depth = Math.max(Math.max(depthOf[t], depthOf[t + 1]), Math.max(depthOf[t + 2], depthOf[t + 3]));
      for (int k = 0; k < depth; k++) {
        a = next(n, a, x);
        b = next(n, b, x);
        c = next(n, c, x);
        d = next(n, d, x);
      }
      sum += (double) Float.intBitsToFloat(n[(a << 2) + 3]) + Float.intBitsToFloat(n[(b << 2) + 3])
          + Float.intBitsToFloat(n[(c << 2) + 3]) + Float.intBitsToFloat(n[(d << 2) + 3]);
    }
    for (; t < rootOf.length; t++) {
      int i = rootOf[t];
      for (int k = depthOf[t]; k > 0; k--) {
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
   * call on this thread. Allocates nothing once the thread's buffer exists.
   */
  double[] pathContributions(float[] x) {
    double[] phi = scratch.get();
    Arrays.fill(phi, 0);
    final int[] n = nodes;
    final int[] rootOf = roots;
    final int[] depthOf = depths;
    int t = 0;
    for (; t + 1 < rootOf.length; t += 2) {
      int a = rootOf[t];
      int b = rootOf[t + 1];
      int depth = Math.max(depthOf[t], depthOf[t + 1]);
      for (int k = 0; k < depth; k++) {
        int na = next(n, a, x);
        int nb = next(n, b, x);
        phi[n[a << 2]] += na == a ? 0 : gain[na];
        phi[n[b << 2]] += nb == b ? 0 : gain[nb];
        a = na;
        b = nb;
      }
    }
    for (; t < rootOf.length; t++) {
      int i = rootOf[t];
      for (int k = depthOf[t]; k > 0; k--) {
        int j = next(n, i, x);
        phi[n[i << 2]] += j == i ? 0 : gain[j];
        i = j;
      }
    }
    return phi;
  }

  /**
   * Exact SHAP values: {@code width + 1} values, the last the bias (the expected margin); they sum to the
   * margin.
   */
  double[] shap(float[] x) {
    double[] phi = new double[width + 1];
    int capacity = (maxDepth + 2) * (maxDepth + 3) / 2;
    Path path = new Path(capacity);
    for (int root : roots) {
      shapRecurse(x, phi, path, root, 0, 0, 1, 1, -1);
    }
    phi[width] = expectedMargin;
    return phi;
  }

  /** The unique path of Algorithm 2, all levels of the recursion in one set of arrays. */
  private static final class Path {
    final int[] feature;
    final double[] zero;
    final double[] one;
    final double[] weight;

    Path(int capacity) {
      feature = new int[capacity];
      zero = new double[capacity];
      one = new double[capacity];
      weight = new double[capacity];
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
    System.arraycopy(p.feature, parentStart, p.feature, s, parentLength);
    System.arraycopy(p.zero, parentStart, p.zero, s, parentLength);
    System.arraycopy(p.one, parentStart, p.one, s, parentLength);
    System.arraycopy(p.weight, parentStart, p.weight, s, parentLength);
    int len = extend(p, s, parentLength, pz, po, pf);
    if (isLeaf(node)) {
      double value = Float.intBitsToFloat(nodes[(node << 2) + 3]);
      for (int i = 1; i < len; i++) {
        double w = unwoundSum(p, s, len, i);
        phi[p.feature[s + i]] += w * (p.one[s + i] - p.zero[s + i]) * value;
      }
      return;
    }
    int split = nodes[node << 2];
    int hot = step(node, x);
    int left = nodes[(node << 2) + 2] >>> 1;
    int cold = hot == left ? left + 1 : left;
    double iz = 1;
    double io = 1;
    for (int k = 1; k < len; k++) {
      if (p.feature[s + k] == split) {
        iz = p.zero[s + k];
        io = p.one[s + k];
        unwind(p, s, len, k);
        len--;
        break;
      }
    }
    double rj = cover[node];
    shapRecurse(x, phi, p, hot, s, len, iz * cover[hot] / rj, io, split);
    shapRecurse(x, phi, p, cold, s, len, iz * cover[cold] / rj, 0, split);
  }

  /** EXTEND: appends (pf, pz, po) to the path of length {@code l} at {@code s}; returns the new length. */
  private int extend(Path p, int s, int l, double pz, double po, int pf) {
    double[] w = p.weight;
    p.feature[s + l] = pf;
    p.zero[s + l] = pz;
    p.one[s + l] = po;
    w[s + l] = l == 0 ? 1 : 0;
    double invL1 = inverse[l + 1];
    for (int i = l - 1; i >= 0; i--) {
      double wi = w[s + i];
      w[s + i + 1] += wi * (po * (i + 1) * invL1);
      w[s + i] = wi * (pz * (l - i) * invL1);
    }
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

  /**
   * The total weight of the path with element {@code i} unwound, without changing the path. The products are
   * grouped so that the loop-carried chain is one multiply and one subtract.
   */
  private double unwoundSum(Path p, int s, int len, int i) {
    double[] w = p.weight;
    int l = len - 1;
    double o = p.one[s + i];
    double z = p.zero[s + i];
    double total = 0;
    if (o != 0) {
      double n = w[s + l];
      double zo = z / o;
      for (int j = l - 1; j >= 0; j--) {
        double inv = inverse[j + 1];
        total += n * inv;
        n = w[s + j] - n * (zo * (l - j) * inv);
      }
      total *= (l + 1) / o;
    } else {
      for (int j = l - 1; j >= 0; j--) {
        total += w[s + j] * inverse[l - j];
      }
      total *= (l + 1) / z;
    }
    return total;
  }
}
