package dev.fraudengine.rag;

import dev.fraudengine.core.CaseStore;
import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.SimilarCase;
import dev.fraudengine.core.Transaction;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Design. Every case gets an ordinal, a dense int that is never reused. Per ordinal the store keeps the case and the
 * instant from which it is visible (its label time in epoch nanoseconds; Long.MAX_VALUE once removed); the indexes
 * keep the vectors by the same ordinal. A ReentrantReadWriteLock guards all of it: searches share the read lock,
 * add and remove take the write lock for the few array writes they make. The slow part of adding to the JVector
 * graph (linking the new node, and now and then freezing the graph into the flat copy that searches walk) runs
 * after the write lock is released, under a separate mutex, concurrently with searches; until the graph is frozen
 * again, a new case is found by the approximate backend's exact scan of its recent additions (JVectorIndex).
 *
 * Visibility: a search for a transaction sees a case only if case.labelTime <= tx.eventTime. The indexes apply
 * this as a filter while they search (tested only for a case that would enter the results), so it costs nothing
 * extra on the exact path; when nothing was removed and every label is at or before the search's instant (live
 * scoring), the filter reads no per-case state at all. When an approximate search finds fewer visible cases than asked (a strict filter in a replay) and the exact
 * index is kept (AUTO), the store searches exactly instead.
 *
 * Removed ordinals keep their slot (zeroed in the exact index, marked deleted in the graph) until the process
 * restarts: a store that removes most of its cases should be reopened from its compacted log.
 */
/**
 * A case store held in memory: known cases searched by similarity, with optional durable storage.
 *
 * <p>Implements the core {@link CaseStore} extension point: the engine {@linkplain #observe observes} each scored
 * transaction's embedding, a later {@linkplain #feedback label} turns it into a case, and
 * {@link #nearest(Transaction, float[], int)} returns the nearest cases visible at the transaction's event time. The
 * same store can be filled and searched directly with {@link #add}, {@link #remove} and
 * {@link #nearest(float[], int, Instant)}.
 *
 * <p><b>Visibility (no leakage).</b> A case is found only by searches whose instant is at or after its
 * {@linkplain Case#labelTime() label time}. For {@code nearest(tx, features, k)} that instant is
 * {@code tx.eventTime()}, so replays and backtests never see a label before it was known.
 *
 * <p><b>Search.</b> {@link SearchMode#EXACT} scans every vector; {@link SearchMode#APPROXIMATE} walks a proximity
 * graph that JVector builds; {@link SearchMode#AUTO} (the default) keeps both and searches approximately once the
 * store holds {@linkplain Builder#approximateThreshold at least a threshold} of cases. Similarities follow
 * {@link Similarity}. Searches run the store's own code on every JDK; JVector (which logs, on JDK 17, that it falls
 * back to its scalar code) only builds the graph.
 *
 * <p><b>Observed transactions.</b> {@code observe} keeps the embeddings of the most recent
 * {@linkplain Builder#maxObserved observed} transactions that have no label yet, in a map bounded in size: when it
 * is full, the transaction observed longest ago is evicted (first in, first out), and a label that later arrives for
 * it is ignored (logged at debug level). Observing takes neither the store's lock nor memory per transaction: the map
 * is a ring of flat arrays behind a lock of its own, held for a few array writes. A label for a transaction that is
 * already a case replaces that case's label.
 *
 * <p><b>Durability.</b> With {@link Builder#persistTo(Path)}, every add and remove is appended to a log with a
 * CRC32C checksum per record before it changes the store (forced to the device unless
 * {@link Builder#syncWrites(boolean) turned off}), and {@link #compact()} folds the log into a snapshot (written to a
 * temporary file, forced, renamed atomically). Opening the store replays the snapshot and the log; a torn or corrupt
 * tail is cut off and saved aside, every whole record before it is kept, and what was dropped is logged: a corrupt
 * log never stops the store from opening.
 *
 * <p><b>Threading.</b> Thread-safe. Searches run concurrently; adds, removes and feedback are serialised and may run
 * while other threads search.
 *
 * <p><b>Bad input.</b> A vector of the wrong dimension or holding {@code NaN} or an infinite value is refused with an
 * {@link IllegalArgumentException} naming the dimension or the index, and nothing changes. A failure to write the log
 * throws a {@link FraudEngineException} with {@link ErrorCode#CASE_STORE_FAILED}, and the store is left unchanged.
 */
public final class InMemoryCaseStore implements CaseStore {
  private static final Logger LOG = LoggerFactory.getLogger(InMemoryCaseStore.class);

  private final Embedder embedder;
  private final int dimension;
  private final Similarity similarity;
  private final SearchMode mode;
  private final int approximateThreshold;
  /**
   * Sums values read only to start cache misses early, so that the reads are not eliminated; written by every
   * searching thread without synchronisation (a lost update does not matter).
   */
  private float touched;
  private final int maxObserved;
  private final int legitimateOneIn;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Object linkLock = new Object();
  private final ExactIndex exact;
  private final JVectorIndex approximate;
  /** The open log, set once recovered cases are loaded (they must not be logged again); null without one. */
  private CaseLog logRef;
  private final Map<String, Integer> ordinals = new HashMap<>();
  private final ObservedTransactions observed;
  private Case[] cases = new Case[1024];
  private long[] visibleFrom = new long[1024];
  private int next;
  private int live;
  private int linked;
  /** The latest label time (epoch nanoseconds) of any case added. */
  private long latestLabel = Long.MIN_VALUE;
  private boolean closed;

  private InMemoryCaseStore(Builder b) {
    this.embedder = b.embedder;
    this.dimension = embedder.dimension();
    this.similarity = b.similarity;
    this.mode = b.mode;
    this.approximateThreshold = b.approximateThreshold;
    this.maxObserved = b.maxObserved;
    this.legitimateOneIn = b.legitimateOneIn;
    this.exact = mode == SearchMode.APPROXIMATE ? null : new ExactIndex(dimension, similarity, 1024);
    this.approximate = mode == SearchMode.EXACT ? null
        : b.searchBeamWidth > 0
            ? new JVectorIndex(dimension, similarity, b.maxDegree, b.buildBeamWidth, b.searchBeamWidth)
            : JVectorIndex.calibrated(dimension, similarity, b.maxDegree, b.buildBeamWidth, b.targetRecall);
    this.observed = new ObservedTransactions(maxObserved, dimension);
    if (b.directory != null) {
      Map<String, Case> recovered = new LinkedHashMap<>();
      CaseLog opened = CaseLog.open(b.directory, b.syncWrites, recovered);
      List<Case> fitting = new ArrayList<>(recovered.size());
      for (Case c : recovered.values()) {
        if (c.dimension() == dimension) {
          fitting.add(c);
        } else {
          LOG.warn("case {} in {} has dimension {}, not the store's {}; left out", c.id(), b.directory,
              c.dimension(), dimension);
        }
      }
      try {
        addAll(fitting);
      } catch (RuntimeException e) {
        opened.close();
        close();
        throw e;
      }
      this.logRef = opened;
      LOG.info("opened case store {}: {} cases", b.directory, fitting.size());
    }
  }

  /**
   * Starts a builder.
   *
   * @param embedder turns feature vectors into the store's search vectors; its {@link Embedder#dimension()} is
   *     the dimension of every case
   * @return a new builder with the defaults: {@link Similarity#L2}, {@link SearchMode#AUTO}, approximate from
   *     20,000 cases, 100,000 observed transactions, in memory only
   * @throws NullPointerException if embedder is {@code null}
   */
  public static Builder builder(Embedder embedder) {
    return new Builder(Objects.requireNonNull(embedder, "embedder"));
  }

  /**
   * Returns the dimension of the store's search vectors.
   *
   * @return the dimension, positive
   */
  public int dimension() {
    return dimension;
  }

  /**
   * Returns the number of cases the store holds, visible or not yet.
   *
   * @return the number of cases
   */
  public int size() {
    lock.readLock().lock();
    try {
      return live;
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Returns the case with an id.
   *
   * @param id the case's id
   * @return the case, or empty
   * @throws NullPointerException if id is {@code null}
   */
  public Optional<Case> get(String id) {
    Objects.requireNonNull(id, "id");
    lock.readLock().lock();
    try {
      Integer o = ordinals.get(id);
      return o == null ? Optional.empty() : Optional.of(cases[o]);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Adds a case, or replaces the case with the same id. Durable before it returns when the store persists.
   *
   * @param c the case; its dimension must be the store's
   * @throws IllegalArgumentException if the case's dimension is not the store's; nothing changes
   * @throws FraudEngineException with {@link ErrorCode#CASE_STORE_FAILED} if the log cannot be written; nothing
   *     changes
   * @throws IllegalStateException if the store is closed
   */
  public void add(Case c) {
    addAll(List.of(Objects.requireNonNull(c, "c")));
  }

  /**
   * Adds cases in order, replacing those with known ids: faster than one by one for many cases, because the graph
   * links them in parallel. All are checked before any is added.
   *
   * @param batch the cases
   * @throws IllegalArgumentException if a case's dimension is not the store's (the message gives its position);
   *     nothing changes
   * @throws FraudEngineException with {@link ErrorCode#CASE_STORE_FAILED} if the log cannot be written; the cases
   *     before the failing one are added, the rest are not
   * @throws IllegalStateException if the store is closed
   */
  public void addAll(Collection<Case> batch) {
    Objects.requireNonNull(batch, "batch");
    int i = 0;
    for (Case c : batch) {
      Objects.requireNonNull(c, () -> "batch contains null");
      if (c.dimension() != dimension) {
        throw new IllegalArgumentException("case '" + c.id() + "' (position " + i + ") must have dimension "
            + dimension + ", but had " + c.dimension());
      }
      i++;
    }
    int from;
    int to;
    lock.writeLock().lock();
    try {
      ensureOpen();
      from = next;
      for (Case c : batch) {
        if (logRef != null) {
          logRef.appendAdd(c);
        }
        Integer old = ordinals.get(c.id());
        if (old != null) {
          removeOrdinal(old);
        }
        insert(c);
      }
      to = next;
    } finally {
      lock.writeLock().unlock();
    }
    link(from, to);
  }

  /**
   * Removes a case. Durable before it returns when the store persists.
   *
   * @param id the case's id
   * @return {@code true} if the store held it
   * @throws FraudEngineException with {@link ErrorCode#CASE_STORE_FAILED} if the log cannot be written; nothing
   *     changes
   * @throws IllegalStateException if the store is closed
   */
  public boolean remove(String id) {
    Objects.requireNonNull(id, "id");
    int o;
    lock.writeLock().lock();
    try {
      ensureOpen();
      Integer old = ordinals.get(id);
      if (old == null) {
        return false;
      }
      if (logRef != null) {
        logRef.appendRemove(id);
      }
      o = old;
      removeOrdinal(o);
    } finally {
      lock.writeLock().unlock();
    }
    if (approximate != null) {
      synchronized (linkLock) {
        if (o < linked) {
          approximate.remove(o);
        }
      }
    }
    return true;
  }

  /**
   * Finds the cases nearest to a search vector, among all cases the store holds.
   *
   * @param vector the search vector (an embedding), of the store's dimension
   * @param k the most cases to return, positive
   * @return up to {@code k} cases, nearest first, in an unmodifiable list
   * @throws IllegalArgumentException if the vector has the wrong dimension or a value that is not finite, or k is
   *     not positive
   */
  public List<SimilarCase> nearest(float[] vector, int k) {
    return nearest(vector, k, Instant.MAX);
  }

  /**
   * Finds the cases nearest to a search vector among those labelled at or before an instant.
   *
   * @param vector the search vector (an embedding), of the store's dimension; not changed
   * @param k the most cases to return, positive
   * @param asOf only cases whose label time is at or before it are found
   * @return up to {@code k} cases, nearest first (ties by the order they were added), in an unmodifiable list
   * @throws IllegalArgumentException if the vector has the wrong dimension or a value that is not finite, or k is
   *     not positive
   * @throws IllegalStateException if the store is closed
   */
  public List<SimilarCase> nearest(float[] vector, int k, Instant asOf) {
    Vectors.check("vector", vector, dimension);
    Objects.requireNonNull(asOf, "asOf");
    return nearestEmbedded(vector, k, asOf);
  }

  /**
   * Finds the cases nearest to a search vector with a chosen backend, ignoring the store's mode: for parity tests
   * and benchmarks.
   *
   * @param vector the search vector
   * @param k the most cases to return, positive
   * @param asOf only cases whose label time is at or before it are found
   * @param backend {@link SearchMode#EXACT} or {@link SearchMode#APPROXIMATE}; {@link SearchMode#AUTO} is the
   *     store's own choice
   * @return up to {@code k} cases, nearest first, in an unmodifiable list
   * @throws IllegalArgumentException as {@link #nearest(float[], int, Instant)}, or if the store does not keep
   *     that backend
   * @throws IllegalStateException if the store is closed
   */
  public List<SimilarCase> nearest(float[] vector, int k, Instant asOf, SearchMode backend) {
    Vectors.check("vector", vector, dimension);
    Objects.requireNonNull(asOf, "asOf");
    Objects.requireNonNull(backend, "backend");
    if (k < 1) {
      throw new IllegalArgumentException("k must be positive, but was " + k);
    }
    NeighbourIndex index = switch (backend) {
      case EXACT -> exact;
      case APPROXIMATE -> approximate;
      case AUTO -> null;
    };
    if (backend != SearchMode.AUTO && index == null) {
      throw new IllegalArgumentException("backend must be one this " + mode + " store keeps, but was " + backend);
    }
    return search(vector, k, epochNanos(asOf), index);
  }

  /**
   * Finds the known cases nearest to a transaction, labelled no later than its event time.
   *
   * @param tx the transaction being scored
   * @param features its feature vector, of the embedder's input dimension; {@code NaN} means missing
   * @param k the most cases to return, positive
   * @return up to {@code k} cases, nearest first, in an unmodifiable list
   * @throws IllegalArgumentException if the features have the wrong dimension, the embedding is not finite, or k is
   *     not positive
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public List<SimilarCase> nearest(Transaction tx, float[] features, int k) {
    Objects.requireNonNull(tx, "tx");
    Objects.requireNonNull(tx.eventTime(), "tx.eventTime");
    return nearestEmbedded(embed(features), k, tx.eventTime());
  }

  /**
   * Finds the known cases nearest to a transaction, then remembers its embedding as {@link #observe} does, with
   * one embedding for both.
   *
   * @param tx the transaction being scored, with an id and an event time
   * @param features its feature vector, of the embedder's input dimension; {@code NaN} means missing
   * @param k the most cases to return, positive
   * @param observeFailed receives a failure to remember the transaction
   * @return up to {@code k} cases, nearest first, in an unmodifiable list
   * @throws IllegalArgumentException if the features have the wrong dimension or the embedding is not finite
   *     (nothing is observed), or k is not positive (the transaction is observed)
   * @throws IllegalStateException if the store is closed (the transaction is observed)
   */
  @Override
  public List<SimilarCase> nearestThenObserve(Transaction tx, float[] features, int k,
      Consumer<? super RuntimeException> observeFailed) {
    Objects.requireNonNull(tx, "tx");
    Objects.requireNonNull(observeFailed, "observeFailed");
    float[] v = embed(features);
    try {
      Objects.requireNonNull(tx.eventTime(), "tx.eventTime");
      return nearestEmbedded(v, k, tx.eventTime());
    } finally {
      try {
        remember(tx, v);
      } catch (RuntimeException e) {
        observeFailed.accept(e);
      }
    }
  }

  /** Searches for a vector already checked (by {@link Vectors#check} or {@link #embed}). */
  private List<SimilarCase> nearestEmbedded(float[] v, int k, Instant asOf) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be positive, but was " + k);
    }
    return search(v, k, epochNanos(asOf), null);
  }

  /**
   * Remembers a scored transaction's embedding, so that a later {@link #feedback} can make it a case. Bounded: see
   * the class description.
   *
   * @param tx the scored transaction, with an id and an event time
   * @param features its feature vector, of the embedder's input dimension
   * @throws IllegalArgumentException if the features have the wrong dimension or the embedding is not finite
   */
  @Override
  public void observe(Transaction tx, float[] features) {
    Objects.requireNonNull(tx, "tx");
    remember(tx, embed(features));
  }

  /** Keeps a copy of a transaction's checked embedding until its label or its eviction. */
  private void remember(Transaction tx, float[] v) {
    Objects.requireNonNull(tx.id(), "tx.id");
    Objects.requireNonNull(tx.eventTime(), "tx.eventTime");
    observed.put(tx.id(), v, tx.eventTime());
  }

  /**
   * Turns an observed transaction into a case with its confirmed label, visible from {@code labelTime}; or
   * relabels the case of that id. A label for a transaction the store never observed, or no longer remembers, is
   * ignored.
   *
   * @param transactionId the labelled transaction
   * @param label its label
   * @param labelTime when the label became known; not before the transaction's event time
   * @throws IllegalArgumentException if labelTime is before the transaction's event time
   * @throws FraudEngineException with {@link ErrorCode#CASE_STORE_FAILED} if the log cannot be written
   * @throws IllegalStateException if the store is closed
   */
  @Override
  public void feedback(String transactionId, Label label, Instant labelTime) {
    Objects.requireNonNull(transactionId, "transactionId");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(labelTime, "labelTime");
    ObservedTransactions.Observed o = label == Label.LEGITIMATE
        && Math.floorMod(transactionId.hashCode(), legitimateOneIn) != 0
        ? observed.remove(transactionId) : observed.get(transactionId);
    if (label == Label.LEGITIMATE && Math.floorMod(transactionId.hashCode(), legitimateOneIn) != 0) {
      if (o == null) {
        remove(transactionId);
      }
      return;
    }
    Case c;
    if (o != null) {
      c = new Case(transactionId, o.vector(), label, null, o.eventTime(), labelTime, Map.of());
    } else {
      Optional<Case> known = get(transactionId);
      if (known.isEmpty()) {
        LOG.debug("label for transaction {} ignored: not observed, or evicted", transactionId);
        return;
      }
      Case k = known.get();
      c = new Case(k.id(), k.vectorUnsafe(), label, label == Label.FRAUD ? k.fraudType() : null, k.eventTime(),
          labelTime, k.metadata());
    }
    add(c);
    if (o != null) {
      observed.remove(transactionId, o.stamp());
    }
  }

  /**
   * Returns how many observed transactions await a label.
   *
   * @return the number, at most the configured maximum
   */
  public int observedSize() {
    return observed.size();
  }

  /**
   * Folds the log into a new snapshot of the live cases and empties the log. Searches wait while it writes.
   * A no-op for a store that does not persist.
   *
   * @throws FraudEngineException with {@link ErrorCode#CASE_STORE_FAILED} if the snapshot cannot be written; the
   *     previous snapshot and log stay valid
   * @throws IllegalStateException if the store is closed
   */
  public void compact() {
    lock.writeLock().lock();
    try {
      ensureOpen();
      if (logRef == null) {
        return;
      }
      List<Case> all = new ArrayList<>(live);
      for (int o = 0; o < next; o++) {
        if (visibleFrom[o] != Long.MAX_VALUE) {
          all.add(cases[o]);
        }
      }
      logRef.compact(all);
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Closes the log and releases the indexes. Never throws; idempotent. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      if (logRef != null) {
        logRef.close();
      }
    } catch (RuntimeException e) {
      LOG.warn("closing the case store failed", e);
    } finally {
      lock.writeLock().unlock();
    }
    synchronized (linkLock) {
      try {
        if (approximate != null) {
          approximate.close();
        }
        if (exact != null) {
          exact.close();
        }
      } catch (RuntimeException e) {
        LOG.warn("closing the case store's indexes failed", e);
      }
    }
  }

  @Override
  public String toString() {
    return "InMemoryCaseStore[dimension=" + dimension + ", similarity=" + similarity + ", mode=" + mode
        + ", size=" + size() + (approximate == null ? "" : ", search=" + approximate.tuning()) + "]";
  }

  private float[] embed(float[] features) {
    Objects.requireNonNull(features, "features");
    if (features.length != embedder.inputDimension()) {
      throw new IllegalArgumentException("features must have dimension " + embedder.inputDimension()
          + ", but had " + features.length);
    }
    float[] v = embedder.embed(features);
    Vectors.check("embedding", v, dimension);
    return v;
  }

  private List<SimilarCase> search(float[] vector, int k, long asOf, NeighbourIndex forced) {
    int[] found = new int[k];
    lock.readLock().lock();
    try {
      ensureOpen();
      NeighbourIndex.Visibility vis = new NeighbourIndex.Visibility(visibleFrom, next, asOf,
          live == next && asOf >= latestLabel);
      NeighbourIndex index = forced != null ? forced : choose();
      int n = index.search(vector, vis, found);
      if (forced == null && index == approximate && n < k && exact != null && live > n) {
        n = exact.search(vector, vis, found);
      }
      // The found cases are scattered over the heap: start every case's and vector's cache misses in one short loop,
      // so that they overlap, before the similarities wait on them one by one.
      Case[] cs = cases;
      float touch = 0;
      for (int i = 0; i < n; i++) {
        float[] v = cs[found[i]].vectorUnsafe();
        touch += v[0] + v[v.length - 1];
      }
      touched += touch;
      double[] sims = new double[n];
      for (int i = 0; i < n; i++) {
        double sim = similarity(vector, cs[found[i]].vectorUnsafe());
        int o = found[i];
        int j = i;
        while (j > 0 && (sims[j - 1] < sim || (sims[j - 1] == sim && found[j - 1] > o))) {
          sims[j] = sims[j - 1];
          found[j] = found[j - 1];
          j--;
        }
        sims[j] = sim;
        found[j] = o;
      }
      SimilarCase[] out = new SimilarCase[n];
      for (int i = 0; i < n; i++) {
        Case c = cases[found[i]];
        out[i] = new SimilarCase(c.id(), sims[i], c.label(), c.fraudType(), c.eventTime());
      }
      return List.of(out);
    } finally {
      lock.readLock().unlock();
    }
  }

  private NeighbourIndex choose() {
    if (mode == SearchMode.EXACT) {
      return exact;
    }
    if (mode == SearchMode.APPROXIMATE) {
      return approximate;
    }
    return live >= approximateThreshold ? approximate : exact;
  }

  /** The similarity of {@link Similarity}, in [0, 1]. */
  double similarity(float[] a, float[] b) {
    if (similarity == Similarity.COSINE) {
      double dot = 0;
      double na = 0;
      double nb = 0;
      for (int i = 0; i < a.length; i++) {
        dot += (double) a[i] * b[i];
        na += (double) a[i] * a[i];
        nb += (double) b[i] * b[i];
      }
      double cos = na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
      return Math.min(1, Math.max(0, (1 + cos) / 2));
    }
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      s += d * d;
    }
    return 1 / (1 + Math.sqrt(s));
  }

  /** Called under the write lock. */
  private void insert(Case c) {
    int o = next;
    if (o == cases.length) {
      cases = Arrays.copyOf(cases, o * 2);
      visibleFrom = Arrays.copyOf(visibleFrom, o * 2);
    }
    cases[o] = c;
    visibleFrom[o] = epochNanos(c.labelTime());
    latestLabel = Math.max(latestLabel, visibleFrom[o]);
    if (exact != null) {
      exact.add(o, c.vectorUnsafe());
    }
    if (approximate != null) {
      approximate.add(o, c.vectorUnsafe());
    }
    ordinals.put(c.id(), o);
    next++;
    live++;
  }

  /** Called under the write lock; the graph forgets the node later, under the link lock. */
  private void removeOrdinal(int o) {
    ordinals.remove(cases[o].id());
    visibleFrom[o] = Long.MAX_VALUE;
    if (exact != null) {
      exact.remove(o);
    }
    live--;
  }

  /** Links new ordinals into the graph, outside the write lock; ordinals removed meanwhile are marked deleted. */
  private void link(int from, int to) {
    if (approximate == null || from == to) {
      return;
    }
    synchronized (linkLock) {
      if (linked >= to) {
        return;
      }
      int start = Math.max(from, linked);
      approximate.link(start, to);
      linked = to;
      lock.readLock().lock();
      try {
        for (int o = start; o < to; o++) {
          if (visibleFrom[o] == Long.MAX_VALUE) {
            approximate.remove(o);
          }
        }
      } finally {
        lock.readLock().unlock();
      }
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the case store is closed");
    }
  }

  static long epochNanos(Instant t) {
    long s = t.getEpochSecond();
    if (s >= Long.MAX_VALUE / 1_000_000_000L) {
      return Long.MAX_VALUE - 1;
    }
    if (s <= Long.MIN_VALUE / 1_000_000_000L) {
      return Long.MIN_VALUE;
    }
    return s * 1_000_000_000L + t.getNano();
  }

  /**
   * Builds an {@link InMemoryCaseStore}. Setters validate at once; not thread-safe.
   */
  public static final class Builder {
    private final Embedder embedder;
    private Similarity similarity = Similarity.L2;
    private SearchMode mode = SearchMode.AUTO;
    private int approximateThreshold = 20_000;
    private int maxObserved = 100_000;
    private int legitimateOneIn = 1;
    private int maxDegree = 16;
    private int buildBeamWidth = 200;
    /** 0: calibrated to targetRecall. */
    private int searchBeamWidth;
    private double targetRecall = 0.95;
    private boolean targetRecallSet;
    private Path directory;
    private boolean syncWrites = true;

    private Builder(Embedder embedder) {
      this.embedder = embedder;
      if (embedder.dimension() < 1 || embedder.inputDimension() < 1) {
        throw new IllegalArgumentException("embedder dimensions must be positive, but were "
            + embedder.inputDimension() + " -> " + embedder.dimension());
      }
    }

    /**
     * Sets how vectors are compared. Default {@link Similarity#L2}.
     *
     * @param similarity the measure
     * @return this builder
     */
    public Builder similarity(Similarity similarity) {
      this.similarity = Objects.requireNonNull(similarity, "similarity");
      return this;
    }

    /**
     * Sets the search backend. Default {@link SearchMode#AUTO}.
     *
     * @param mode the backend, or AUTO to choose by size
     * @return this builder
     */
    public Builder searchMode(SearchMode mode) {
      this.mode = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * Sets the number of cases from which an {@link SearchMode#AUTO} store searches approximately. Default 20,000.
     *
     * @param cases the threshold, positive
     * @return this builder
     * @throws IllegalArgumentException if cases is not positive
     */
    public Builder approximateThreshold(int cases) {
      if (cases < 1) {
        throw new IllegalArgumentException("approximateThreshold must be positive, but was " + cases);
      }
      this.approximateThreshold = cases;
      return this;
    }

    /**
     * Sets how many observed, unlabelled transactions the store remembers. Default 100,000.
     *
     * @param transactions the bound, positive
     * @return this builder
     * @throws IllegalArgumentException if transactions is not positive
     */
    public Builder maxObserved(int transactions) {
      if (transactions < 1) {
        throw new IllegalArgumentException("maxObserved must be positive, but was " + transactions);
      }
      this.maxObserved = transactions;
      return this;
    }

    /**
     * Keeps every confirmed fraud but only one legitimate label in {@code n}, chosen by the transaction id's hash
     * (so the same ids on every instance and every replay). Legitimate payments are hundreds of times more frequent
     * than frauds; a sample of them tells a fraud's neighbourhood from a legitimate one while the store stays small
     * and searches fast. A legitimate label left out of the sample relabels nothing: an existing case of that id
     * (an earlier fraud label) is removed, since its label was withdrawn. Default 1: every label.
     *
     * @param n one legitimate label kept in n, in [1, 1,000,000]
     * @return this builder
     * @throws IllegalArgumentException if n is out of range
     */
    public Builder legitimateSample(int n) {
      if (n < 1 || n > 1_000_000) {
        throw new IllegalArgumentException("legitimateSample must be in [1, 1000000], but was " + n);
      }
      this.legitimateOneIn = n;
      return this;
    }

    /**
     * Sets the graph's maximum degree (JVector's M). Default 16. Higher: better recall, more memory, slower
     * adds.
     *
     * @param degree the degree, in [4, 128]
     * @return this builder
     * @throws IllegalArgumentException if degree is out of range
     */
    public Builder maxDegree(int degree) {
      if (degree < 4 || degree > 128) {
        throw new IllegalArgumentException("maxDegree must be in [4, 128], but was " + degree);
      }
      this.maxDegree = degree;
      return this;
    }

    /**
     * Sets the beam width used when adding to the graph. Default 200. A wider build beam finds each new node better
     * neighbours: the graph takes longer to build but is searched at a narrower beam for the same recall. On 100,000
     * embeddings of the benchmarks' realistic payments (37 dimensions), 200 against 100 took 16 s against 9 s to
     * build on two cores, calibrated to the narrowest beam, 10, in every build (100: 10 or 12), and returned 0.977 to
     * 0.981 of the true 5 nearest against 0.954 to 0.979, in about 4 % less time a search.
     *
     * @param width the width, in [8, 1000]
     * @return this builder
     * @throws IllegalArgumentException if width is out of range
     */
    public Builder buildBeamWidth(int width) {
      if (width < 8 || width > 1_000) {
        throw new IllegalArgumentException("buildBeamWidth must be in [8, 1000], but was " + width);
      }
      this.buildBeamWidth = width;
      return this;
    }

    /**
     * Fixes how many candidates an approximate search collects before it keeps the best k (at least k are always
     * collected), instead of letting the store calibrate it (see {@link #targetRecall(double)}, the default). Once
     * the vectors outgrow 4 MiB (32,768 cases of 32 dimensions), a search with a fixed width walks the graph on
     * 16-byte codes of the vectors (product quantisation, trained on the cases) and scores every collected candidate
     * again on its vector, so the k it returns are ranked exactly; the width decides how many candidates that
     * rerank sees. Recall@10 against exact search on the benchmark's clustered 32-dimensional cases with the
     * default degree, at 100,000 cases: about 0.96 at 50 (40: about 0.94; 60: about 0.97); on data the codes fit
     * badly (skewed, discrete features) far less: 0.90 at 50 on the realistic engine's embeddings, where the
     * calibrated store walks the vectors instead. The graph's parallel build is not deterministic, so figures vary
     * by about 0.005 from build to build. Recall falls as the store grows at a fixed width. Higher: better recall,
     * slower searches, in proportion to the nodes visited.
     *
     * @param width the width, in [1, 1000]
     * @return this builder
     * @throws IllegalArgumentException if width is out of range
     */
    public Builder searchBeamWidth(int width) {
      if (width < 1 || width > 1_000) {
        throw new IllegalArgumentException("searchBeamWidth must be in [1, 1000], but was " + width);
      }
      this.searchBeamWidth = width;
      return this;
    }

    /**
     * Sets the recall@10 against exact search that the approximate backend calibrates itself to reach, unless a
     * width is fixed with {@link #searchBeamWidth(int)}. Default 0.95. From 4,096 cases on, and again each time
     * the store has grown by a quarter, the store searches for up to 512 of its newest cases as if they were new
     * transactions (the graph it measures has not linked them yet), finds their 10 nearest cases exactly, and picks
     * the narrowest beam (at least 10) whose recall on them reaches this one less its standard error (the sample's
     * own uncertainty, a few thousandths); the calibrated walk scores the vectors themselves, not codes (codes rank
     * skewed or discrete features, and traffic that drifts from the cases, too coarsely). Calibrating costs about a
     * second at 100,000 cases of 32 dimensions, under the lock that links new cases, not under searches. New
     * transactions recall about the target: a little less where they drift from the newest cases. Higher: slower
     * searches.
     *
     * @param recall the recall, in [0.5, 0.999]
     * @return this builder
     * @throws IllegalArgumentException if recall is out of range
     */
    public Builder targetRecall(double recall) {
      if (!(recall >= 0.5 && recall <= 0.999)) {
        throw new IllegalArgumentException("targetRecall must be in [0.5, 0.999], but was " + recall);
      }
      this.targetRecall = recall;
      this.targetRecallSet = true;
      return this;
    }

    /**
     * Makes the store durable in a directory (created if absent): its snapshot and log are replayed by
     * {@link #build()}, and every change is logged. Default: in memory only.
     *
     * @param directory the directory, used by one store at a time
     * @return this builder
     */
    public Builder persistTo(Path directory) {
      this.directory = Objects.requireNonNull(directory, "directory");
      return this;
    }

    /**
     * Sets whether each logged change is forced to the device before the call returns. Default {@code true};
     * {@code false} is faster and may lose the last changes on a power failure (never on a process crash).
     *
     * @param sync whether to force each write
     * @return this builder
     */
    public Builder syncWrites(boolean sync) {
      this.syncWrites = sync;
      return this;
    }

    /**
     * Builds the store, replaying its directory when it persists.
     *
     * @return a new, open store
     * @throws IllegalStateException if both a fixed {@link #searchBeamWidth(int)} and a {@link #targetRecall(double)}
     *     to calibrate it to were set
     * @throws FraudEngineException with {@link ErrorCode#CASE_STORE_FAILED} if the directory cannot be created,
     *     read or written (a corrupt file is recovered from, never thrown)
     */
    public InMemoryCaseStore build() {
      if (searchBeamWidth > 0 && targetRecallSet) {
        throw new IllegalStateException("searchBeamWidth (" + searchBeamWidth + ") fixes the beam and targetRecall ("
            + targetRecall + ") calibrates it: set one, not both");
      }
      return new InMemoryCaseStore(this);
    }
  }
}
