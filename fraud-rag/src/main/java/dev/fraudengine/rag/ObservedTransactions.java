package dev.fraudengine.rag;

import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * A bounded, first-in-first-out map from transaction id to its observed embedding, without a global lock: the same
 * behaviour as a LinkedHashMap in insertion order with removeEldestEntry, on the scoring path of many threads.
 *
 * Entries sit in a ConcurrentHashMap (by id) and, in the order they were first put, in a ConcurrentLinkedQueue. Putting
 * an id already present replaces its value in place and keeps its position, as LinkedHashMap does. While the map
 * holds more than the bound, the queue's head is evicted, unless it was removed meanwhile: the map's remove(key,
 * entry) compares entries by identity, so an entry that was removed, or removed and put again (a new entry, at the
 * tail), is never evicted through a stale queue node. Those stale nodes are swept out of the queue once they
 * outnumber the bound, which keeps the queue's length within about twice the bound and costs O(1) amortised.
 * Under a race two threads may each evict one entry for the same excess; the map never exceeds its bound for long.
 */
/** The embeddings of recently scored transactions awaiting a label; bounded, oldest first out; thread-safe. */
final class ObservedTransactions {

  /** A transaction's embedding and event time, as observed. */
  record Observed(float[] vector, Instant eventTime) {}

  private static final class Entry {
    final String id;
    volatile Observed value;

    Entry(String id, Observed value) {
      this.id = id;
      this.value = value;
    }
  }

  private final int bound;
  private final ConcurrentHashMap<String, Entry> map = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Entry> order = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean sweeping = new AtomicBoolean();

  ObservedTransactions(int bound) {
    if (bound < 1) {
      throw new IllegalArgumentException("bound must be positive, but was " + bound);
    }
    this.bound = bound;
  }

  /** Remembers a transaction; a known id keeps its place and takes the new value. */
  void put(String id, Observed value) {
    Entry fresh = new Entry(id, value);
    while (true) {
      Entry prior = map.putIfAbsent(id, fresh);
      if (prior == null) {
        order.offer(fresh);
        int length = queued.incrementAndGet();
        evict();
        if (length - map.size() > Math.max(1_024, bound)) {
          sweep();
        }
        return;
      }
      if (map.computeIfPresent(id, (k, e) -> {
        e.value = value;
        return e;
      }) != null) {
        return;
      }
    }
  }

  /** Returns the value of an id, or null. */
  Observed get(String id) {
    Entry e = map.get(id);
    return e == null ? null : e.value;
  }

  /** Forgets an id; returns its value, or null. */
  Observed remove(String id) {
    Entry e = map.remove(id);
    return e == null ? null : e.value;
  }

  /** Forgets an id if its value is still {@code value} (by identity). */
  void remove(String id, Observed value) {
    map.computeIfPresent(id, (k, e) -> e.value == value ? null : e);
  }

  /** The number of transactions remembered, at most the bound. */
  int size() {
    return map.size();
  }

  /** The number of nodes in the eviction queue, live and stale (for tests). */
  int queued() {
    return queued.get();
  }

  private void evict() {
    while (map.size() > bound) {
      Entry eldest = order.poll();
      if (eldest == null) {
        return;
      }
      queued.decrementAndGet();
      map.remove(eldest.id, eldest);
    }
  }

  /** Drops the queue nodes of entries no longer in the map; one thread at a time. */
  private void sweep() {
    if (!sweeping.compareAndSet(false, true)) {
      return;
    }
    try {
      int dropped = 0;
      for (Iterator<Entry> it = order.iterator(); it.hasNext(); ) {
        Entry e = it.next();
        if (map.get(e.id) != e) {
          it.remove();
          dropped++;
        }
      }
      queued.addAndGet(-dropped);
    } finally {
      sweeping.set(false);
    }
  }
}
