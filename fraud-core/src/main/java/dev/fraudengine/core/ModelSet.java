package dev.fraudengine.core;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * The models of an engine at one moment: the live ones, which decide, and the shadow ones (challengers), which are
 * scored and recorded only. Immutable but for its count of users.
 *
 * <p>Hot swaps replace the whole set. A decision {@linkplain #acquire acquires} the current set, uses it from start
 * to end (so it never mixes two versions of a model) and releases it. A swapped-out set is retired: the models it
 * alone held are closed when its last user releases it, never while a decision still scores with them (closing a
 * native session under a running call would crash the process). This is reference counting with a re-check, as in
 * read-copy-update: a reader that acquired a set which was swapped out before its re-check lets go and retries,
 * so once a set is retired and its count reaches zero, nobody can use it again.
 */
final class ModelSet {
  final List<ModelSlot> live;
  final List<ModelSlot> shadow;
  private final LongAdder users = new LongAdder();
  private volatile boolean retired;
  private volatile List<ModelSlot> closeWhenIdle = List.of();
  private final AtomicBoolean closed = new AtomicBoolean();

  ModelSet(List<ModelSlot> live, List<ModelSlot> shadow) {
    this.live = List.copyOf(live);
    this.shadow = List.copyOf(shadow);
  }

  /** Acquires the current set of a reference; release it when done. */
  static ModelSet acquire(java.util.concurrent.atomic.AtomicReference<ModelSet> current, Logger log) {
    while (true) {
      ModelSet set = current.get();
      set.users.increment();
      if (current.get() == set) {
        return set;
      }
      set.release(log);
    }
  }

  /** Releases the set; the last user of a retired set closes the models it was retired with. */
  void release(Logger log) {
    users.decrement();
    if (retired && users.sum() == 0) {
      closeRetired(log);
    }
  }

  /** Retires this set after it was replaced; the given models are closed once no decision uses the set. */
  void retire(List<ModelSlot> toClose, Logger log) {
    closeWhenIdle = List.copyOf(toClose);
    retired = true;
    if (users.sum() == 0) {
      closeRetired(log);
    }
  }

  private void closeRetired(Logger log) {
    if (closed.compareAndSet(false, true)) {
      for (ModelSlot m : closeWhenIdle) {
        try {
          m.model.close();
        } catch (Exception e) {
          log.warn("closing model '{}' (version {}) failed", m.id, m.version, e);
        }
      }
    }
  }

  /** Returns the slot of a model id among the live and shadow models, or null. */
  ModelSlot find(String id) {
    for (ModelSlot m : live) {
      if (m.id.equals(id)) {
        return m;
      }
    }
    for (ModelSlot m : shadow) {
      if (m.id.equals(id)) {
        return m;
      }
    }
    return null;
  }
}
