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
 * Layout: records (group, state, event time, id hash, label, label time) in parallel arrays with a free list, chained
 * per state in delivery order; an open-addressing table (linear probing, backward-shift deletion, Knuth TAOCP 6.4
 * Algorithm R) from a state's random serial to its chain (states with equal serials share a chain; draining picks
 * its own state's records by identity). A label of several states (card and terminal both keeping labels) gets a
 * ticket that counts it once, applied if any of its states held the event, when its last record is written. At most
 * MAX_RECORDS records wait; a full table is drained whole (so the table's size is bounded and an idle entity's
 * labels are written at the latest then).
 *
 * Thread-safety: one lock, this. Draining one state runs under that state's lock, then this one (the order used
 * everywhere: a state's lock, then this), so no transaction can read a state between the removal of its labels from
 * here and their writing. A pipeline that never replays never parks a label: its transactions skip the table and
 * its lock (a volatile flag).
 */
final class DeferredLabels {
  static final int MAX_RECORDS = 1 << 16;
  private static final int INITIAL = 64;

  private final Windows[] windows;
  private final LongAdder applied;
  private final LongAdder unmatched;

  // records
  private int[] group = new int[INITIAL];
  private EntityState[] state = new EntityState[INITIAL];
  private long[] time = new long[INITIAL];
  private int[] txHash = new int[INITIAL];
  private byte[] value = new byte[INITIAL];
  private long[] at = new long[INITIAL];
  /** The next record of the same chain, or of the free list; -1 ends both. */
  private int[] next = new int[INITIAL];
  /** The ticket of a record of a label with several states, or -1. */
  private int[] ticket = new int[INITIAL];
  private int free = -1;
  private int allocated;
  private int live;

  // tickets: per label of several states, its records still waiting and whether one of them was applied
  private int[] remaining = new int[0];
  private boolean[] anyApplied = new boolean[0];
  private int freeTicket = -1;
  private int tickets;

  // table from serial to chain: head == -1 marks an empty slot
  private int[] serials = new int[2 * INITIAL];
  private int[] heads = filled(2 * INITIAL);
  private int[] tails = new int[2 * INITIAL];
  private int chains;
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
    this.windows = windows.clone();
    this.applied = applied;
    this.unmatched = unmatched;
  }

  private static int[] filled(int n) {
    int[] a = new int[n];
    Arrays.fill(a, -1);
    return a;
  }

  private static int spread(int serial) {
    int h = serial * 0x9E3779B9;
    return h ^ (h >>> 16);
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
   * Parks the label of one transaction for its states {@code states[0, n)} (null entries: no state in that group),
   * whose serials are {@code serials[0, n)}. A label without any state is counted as unmatched at once.
   *
   * @return false, parking nothing, if the table has no room for it: drain everything, then add again
   */
  synchronized boolean add(EntityState[] states, int[] serialsOf, int n, long eventTime, int hash, byte label,
      long labelTime) {
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
      if (states[j] != null) {
        int r = newRecord();
        group[r] = j;
        state[r] = states[j];
        time[r] = eventTime;
        txHash[r] = hash;
        value[r] = label;
        at[r] = labelTime;
        ticket[r] = tk;
        next[r] = -1;
        append(serialsOf[j], r);
      }
    }
    return true;
  }

  private int newRecord() {
    if (free >= 0) {
      int r = free;
      free = next[r];
      live++;
      return r;
    }
    if (allocated == state.length) {
      int n = 2 * state.length;
      group = Arrays.copyOf(group, n);
      state = Arrays.copyOf(state, n);
      time = Arrays.copyOf(time, n);
      txHash = Arrays.copyOf(txHash, n);
      value = Arrays.copyOf(value, n);
      at = Arrays.copyOf(at, n);
      next = Arrays.copyOf(next, n);
      ticket = Arrays.copyOf(ticket, n);
    }
    live++;
    return allocated++;
  }

  private void freeRecord(int r) {
    state[r] = null;
    next[r] = free;
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

  /** Appends record {@code r} to the chain of {@code serial}, making the chain if needed. */
  private void append(int serial, int r) {
    if (2 * (chains + 1) > heads.length) {
      rehash(2 * heads.length);
    }
    int mask = heads.length - 1;
    int i = spread(serial) & mask;
    while (heads[i] >= 0) {
      if (serials[i] == serial) {
        next[tails[i]] = r;
        tails[i] = r;
        return;
      }
      i = (i + 1) & mask;
    }
    serials[i] = serial;
    heads[i] = r;
    tails[i] = r;
    chains++;
  }

  private void rehash(int slots) {
    int[] oldSerials = serials;
    int[] oldHeads = heads;
    int[] oldTails = tails;
    serials = new int[slots];
    heads = filled(slots);
    tails = new int[slots];
    int mask = slots - 1;
    for (int k = 0; k < oldHeads.length; k++) {
      if (oldHeads[k] >= 0) {
        int i = spread(oldSerials[k]) & mask;
        while (heads[i] >= 0) {
          i = (i + 1) & mask;
        }
        serials[i] = oldSerials[k];
        heads[i] = oldHeads[k];
        tails[i] = oldTails[k];
      }
    }
  }

  /**
   * Writes, in delivery order, the labels waiting for state {@code s} (of serial {@code serial}) and counts them.
   * The caller holds {@code s}'s lock.
   */
  synchronized void drain(EntityState s, int serial) {
    if (live == 0) {
      return;
    }
    int mask = heads.length - 1;
    int i = spread(serial) & mask;
    while (heads[i] >= 0 && serials[i] != serial) {
      i = (i + 1) & mask;
    }
    if (heads[i] < 0) {
      return;
    }
    int prev = -1;
    int r = heads[i];
    while (r >= 0) {
      int after = next[r];
      if (state[r] == s) {
        apply(r);
        if (prev < 0) {
          heads[i] = after;
        } else {
          next[prev] = after;
        }
        if (after < 0) {
          tails[i] = prev;
        }
        freeRecord(r);
      } else {
        prev = r;
      }
      r = after;
    }
    if (heads[i] < 0) {
      removeSlot(i);
    }
  }

  private void apply(int r) {
    boolean found = state[r].applyLabel(time[r], txHash[r], value[r], at[r], windows[group[r]]);
    int t = ticket[r];
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

  /** Empties slot {@code i}, moving later members of its probe run back where their home allows. */
  private void removeSlot(int i) {
    int mask = heads.length - 1;
    int hole = i;
    for (int j = (hole + 1) & mask; heads[j] >= 0; j = (j + 1) & mask) {
      int home = spread(serials[j]) & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        serials[hole] = serials[j];
        heads[hole] = heads[j];
        tails[hole] = tails[j];
        hole = j;
      }
    }
    heads[hole] = -1;
    chains--;
  }

  /**
   * A state with labels waiting, found from slot {@code from[0]} on (wrapping; the slot is left in {@code from[0]}),
   * or null if none waits.
   */
  private synchronized EntityState anyWaiting(int[] from) {
    if (live == 0) {
      return null;
    }
    int mask = heads.length - 1;
    for (int n = 0, i = from[0] & mask; n < heads.length; n++, i = (i + 1) & mask) {
      if (heads[i] >= 0) {
        from[0] = i;
        return state[heads[i]];
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
        drain(s, s.serial);
      }
    }
  }
}
