package dev.fraudengine.features;

import java.util.Arrays;
import java.util.concurrent.atomic.LongAdder;

/*
 * Labels a replay has delivered whose writing into entity state waits for the next moment that state is read.
 *
 * Why. A replay delivers each label a delay after its transaction (a week in the handbook); writing it means finding
 * the labelled event in the entity's events, all of it out of cache by then: a chain of dependent misses (state,
 * event times, labels) that took over a quarter of a handbook replay's samples in a profile. Every read of
 * that state comes later, from a transaction of the same entity (which loads the same state and the same rows
 * around its delayed windows anyway) or from a snapshot or the counters. So a delivered label is parked here, in a
 * small table that stays in cache, and written by the first reader: OnlineFeaturePipeline.process drains an entity's
 * labels under its lock before computing, and everything else that reads state (stats, snapshot, restore, close, the
 * public feedback of the same state, the end of a replay) drains all of them first. Between two reads, a state's
 * labels are written in the order they were delivered, to the same state objects (those the label index holds), and
 * nothing else touches that state in between: each state goes through exactly the same sequence of updates as if
 * every label had been written on delivery, so every feature value and counter is the same.
 *
 * Layout: records (group, state, event time, id hash, label, label time), a record's fields in four longs side by side
 * and its state in a parallel array, with a free list; each state's records are chained from the state itself
 * (EntityState.parked, the newest; each record links to the one parked before it). Parking a label reads and writes
 * a free record (the one freed last, in cache) and the state's link; draining reads the link, on the state's own
 * lines, which the transaction has loaded anyway, and the records behind it, then applies them oldest first. A state
 * without labels waiting costs a drain one read of its own field, without this lock. A table from a state's serial
 * to its records, before, cost two cache lines more at each end (a slot and the state column at a random place of a
 * table of a megabyte, parking and draining alike). A label of several states (card and terminal both keeping
 * labels) gets a ticket that counts it once, applied if any of its states held the event, when its last record is
 * written. At most MAX_RECORDS records wait; a full table is drained whole (so its size is bounded and an idle
 * entity's labels are written at the latest then).
 *
 * Thread-safety: one lock, this, over the records and every state's link. Draining one state runs under that state's
 * lock, then this one (the order used everywhere: a state's lock, then this), so no transaction can read a state
 * between the removal of its labels from here and their writing. A drain first reads the state's link without this
 * lock: what it misses is a label parked concurrently by another thread (which a replay's single thread never does),
 * written by the state's next drain instead, as if it had been parked after this one. A pipeline that never replays
 * never parks a label: its transactions skip even that read (a volatile flag).
 */
final class DeferredLabels {
  static final int MAX_RECORDS = 1 << 16;
  private static final int INITIAL = 64;
  /** Longs per record: event time; label time; next record << 32 | id hash; ticket << 32 | group << 8 | label. */
  private static final int STRIDE = 4;

  private final Windows[] windows;
  private final LongAdder applied;
  private final LongAdder unmatched;

  private long[] rec = new long[STRIDE * INITIAL];
  /** Per record, its state, or null for a free record. */
  private EntityState[] state = new EntityState[INITIAL];
  private int free = -1;
  private int allocated;
  private int live;
  /** A drain's work array: the records of one state, newest first. */
  private int[] chain = new int[16];

  // tickets: per label of several states, its records still waiting and whether one of them was applied
  private int[] remaining = new int[0];
  private boolean[] anyApplied = new boolean[0];
  private int freeTicket = -1;
  private int tickets;

  /**
   * Whether a label was ever parked: until then a transaction skips this table and its lock (the live path, where
   * nothing parks labels). Volatile, written once under the lock before the first label is parked: a transaction
   * that starts after that feedback returned sees it.
   */
  private volatile boolean used;

  /**
   * @param windows per label-keeping group (in the pipeline's label group order), the windows its states use
   * @param applied counts labels applied to a remembered event
   * @param unmatched counts labels whose events are no longer there
   */
  DeferredLabels(Windows[] windows, LongAdder applied, LongAdder unmatched) {
    if (windows.length > 0xFF) {
      throw new IllegalArgumentException("at most 255 label-keeping groups, but got " + windows.length);
    }
    this.windows = windows.clone();
    this.applied = applied;
    this.unmatched = unmatched;
  }

  /** The record parked before {@code r} for the same state, or the next free one; -1 ends both. */
  private int next(int r) {
    return (int) (rec[STRIDE * r + 2] >> 32);
  }

  private void setNext(int r, int n) {
    rec[STRIDE * r + 2] = (long) n << 32 | (rec[STRIDE * r + 2] & 0xFFFF_FFFFL);
  }

  /** Whether a label was ever parked here; if not, there is nothing to drain. */
  boolean used() {
    return used;
  }

  /** The number of records waiting (tests). */
  synchronized int size() {
    return live;
  }

  /**
   * Parks the label of one transaction for its states {@code states[0, n)} (null entries: no state in that group).
   * A label without any state is counted as unmatched at once.
   *
   * @return false, parking nothing, if the table has no room for it: drain everything, then add again
   */
  synchronized boolean add(EntityState[] states, int n, long eventTime, int hash, byte label, long labelTime) {
    int count = 0;
    for (int j = 0; j < n; j++) {
      count += states[j] == null ? 0 : 1;
    }
    if (count == 0) {
      unmatched.increment();
      return true;
    }
    if (live + count > MAX_RECORDS) {
      return false;
    }
    if (!used) {
      used = true;
    }
    int tk = count > 1 ? newTicket(count) : -1;
    for (int j = 0; j < n; j++) {
      EntityState s = states[j];
      if (s != null) {
        int r = newRecord();
        state[r] = s;
        int o = STRIDE * r;
        rec[o] = eventTime;
        rec[o + 1] = labelTime;
        rec[o + 2] = (long) s.parked << 32 | (hash & 0xFFFF_FFFFL);
        rec[o + 3] = (long) tk << 32 | j << 8 | (label & 0xFF);
        s.parked = r;
      }
    }
    return true;
  }

  private int newRecord() {
    if (free >= 0) {
      int r = free;
      free = next(r);
      live++;
      return r;
    }
    if (allocated == state.length) {
      int n = 2 * state.length;
      state = Arrays.copyOf(state, n);
      rec = Arrays.copyOf(rec, STRIDE * n);
    }
    live++;
    return allocated++;
  }

  private void freeRecord(int r) {
    state[r] = null;
    setNext(r, free);
    free = r;
    live--;
  }

  private int newTicket(int count) {
    int t;
    if (freeTicket >= 0) {
      t = freeTicket;
      freeTicket = remaining[t];
    } else {
      if (tickets == remaining.length) {
        int n = Math.max(16, 2 * remaining.length);
        remaining = Arrays.copyOf(remaining, n);
        anyApplied = Arrays.copyOf(anyApplied, n);
      }
      t = tickets++;
    }
    remaining[t] = count;
    anyApplied[t] = false;
    return t;
  }

  /**
   * Writes, in delivery order, the labels waiting for state {@code s} and counts them. The caller holds {@code s}'s
   * lock. The state's link is read first without this lock (see the class comment): a state with nothing parked
   * costs no lock.
   */
  void drain(EntityState s) {
    if (s.parked < 0) {
      return;
    }
    synchronized (this) {
      int n = 0;
      for (int r = s.parked; r >= 0; r = next(r)) {
        if (n == chain.length) {
          chain = Arrays.copyOf(chain, 2 * n);
        }
        chain[n++] = r;
      }
      s.parked = -1;
      for (int k = n - 1; k >= 0; k--) {
        apply(chain[k]);
        freeRecord(chain[k]);
      }
    }
  }

  private void apply(int r) {
    int o = STRIDE * r;
    long packed = rec[o + 3];
    boolean found = state[r].applyLabel(rec[o], (int) rec[o + 2], (byte) packed, rec[o + 1],
        windows[(int) packed >>> 8]);
    int t = (int) (packed >> 32);
    if (t < 0) {
      (found ? applied : unmatched).increment();
      return;
    }
    anyApplied[t] |= found;
    if (--remaining[t] == 0) {
      (anyApplied[t] ? applied : unmatched).increment();
      remaining[t] = freeTicket;
      freeTicket = t;
    }
  }

  /**
   * A state with labels waiting, found from record {@code from[0]} on (the record is left in {@code from[0]}), or
   * null if none waits.
   */
  private synchronized EntityState anyWaiting(int[] from) {
    if (live == 0) {
      return null;
    }
    // from[0] < allocated: it is 0 or a record found here, and records are never given back
    for (int k = 0, r = from[0]; k < allocated; k++, r = r + 1 < allocated ? r + 1 : 0) {
      if (state[r] != null) {
        from[0] = r;
        return state[r];
      }
    }
    return null;
  }

  /** Writes every waiting label, each state's under its lock. The caller holds no state's lock. */
  void drainAll() {
    if (!used) {
      return;
    }
    int[] cursor = {0};
    for (EntityState s = anyWaiting(cursor); s != null; s = anyWaiting(cursor)) {
      synchronized (s) {
        drain(s);
      }
    }
  }
}
