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
 * Layout: one open-addressing table of records (linear probing from the home slot of the record's state's random
 * serial; backward-shift deletion, Knuth TAOCP 6.4 Algorithm R), a record's fields in four longs side by side (serial
 * and ticket; event time; label time; id hash, group and label) and its state in a parallel array. A state's
 * records all sit in the probe run from its serial's home slot, in delivery order: a record goes to the first empty
 * slot from its home, which lies after every record of that home, and a backward shift keeps the order of the
 * records it moves (states with equal serials share a home; draining picks its own state's records by identity).
 * Parking a label reads and writes one or two cache lines of the table and one of the states; draining reads the
 * same, and nothing more when no label waits. A chain of records per
 * state, linked from a table of chains, cost a line more at each end: the tail record's link when parking, the
 * record behind the chain's slot when draining. A label of several states (card and terminal both keeping labels)
 * gets a ticket that counts it once, applied if any of its states held the event, when its last record is written.
 * At most MAX_RECORDS records wait; a full table is drained whole (so the table's size is bounded and an idle
 * entity's labels are written at the latest then).
 *
 * Thread-safety: one lock, this. Draining one state runs under that state's lock, then this one (the order used
 * everywhere: a state's lock, then this), so no transaction can read a state between the removal of its labels from
 * here and their writing. A pipeline that never replays never parks a label: its transactions skip the table and
 * its lock (a volatile flag).
 */
final class DeferredLabels {
  static final int MAX_RECORDS = 1 << 16;
  private static final int INITIAL = 128;
  /** Longs per slot: serial << 32 | ticket; event time; label time; id hash << 32 | USED | group << 8 | label. */
  private static final int STRIDE = 4;
  /** Set in the last long of every occupied slot: a record's last long is never 0, an empty slot's always. */
  private static final long USED = 1L << 16;

  private final Windows[] windows;
  private final LongAdder applied;
  private final LongAdder unmatched;

  /** The table: per slot, STRIDE longs; its capacity (a power of two) is {@code state.length}. */
  private long[] slots = new long[STRIDE * INITIAL];
  /** Per slot, the state of its record, or null. */
  private EntityState[] state = new EntityState[INITIAL];
  private int live;

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

  private static int spread(int serial) {
    int h = serial * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  private static int serialOf(long first) {
    return (int) (first >>> 32);
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
    while (2 * (live + count) > state.length) {
      rehash(2 * state.length);
    }
    int tk = count > 1 ? newTicket(count) : -1;
    int mask = state.length - 1;
    for (int j = 0; j < n; j++) {
      if (states[j] != null) {
        int serial = serialsOf[j];
        int i = spread(serial) & mask;
        while (slots[STRIDE * i + 3] != 0) {
          i = (i + 1) & mask;
        }
        int o = STRIDE * i;
        slots[o] = (long) serial << 32 | (tk & 0xFFFF_FFFFL);
        slots[o + 1] = eventTime;
        slots[o + 2] = labelTime;
        slots[o + 3] = (long) hash << 32 | USED | j << 8 | (label & 0xFF);
        state[i] = states[j];
        live++;
      }
    }
    return true;
  }

  /**
   * Moves every record to a table of {@code n} slots, keeping the delivery order of each state's records: the old
   * table is read run by run, from an empty slot on, so records of one home are re-added in their order.
   */
  private void rehash(int n) {
    long[] old = slots;
    EntityState[] oldStates = state;
    int oldMask = oldStates.length - 1;
    slots = new long[STRIDE * n];
    state = new EntityState[n];
    int mask = n - 1;
    int start = 0;
    while (old[STRIDE * start + 3] != 0) {
      start++;
    }
    for (int k = 1; k <= oldMask; k++) {
      int from = (start + k) & oldMask;
      if (old[STRIDE * from + 3] != 0) {
        int i = spread(serialOf(old[STRIDE * from])) & mask;
        while (slots[STRIDE * i + 3] != 0) {
          i = (i + 1) & mask;
        }
        System.arraycopy(old, STRIDE * from, slots, STRIDE * i, STRIDE);
        state[i] = oldStates[from];
      }
    }
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
   * Writes, in delivery order, the labels waiting for state {@code s} (of serial {@code serial}) and counts them.
   * The caller holds {@code s}'s lock.
   */
  synchronized void drain(EntityState s, int serial) {
    if (live == 0) {
      return;
    }
    int mask = state.length - 1;
    // the records of s lie in the run from its home slot to the next empty slot, in delivery order
    for (int i = spread(serial) & mask; slots[STRIDE * i + 3] != 0; ) {
      if (state[i] == s) {
        apply(i);
        remove(i);
        // a later record of the run may have moved into slot i: look at it again
      } else {
        i = (i + 1) & mask;
      }
    }
  }

  private void apply(int i) {
    int o = STRIDE * i;
    long packed = slots[o + 3];
    boolean found = state[i].applyLabel(slots[o + 1], (int) (packed >> 32), (byte) packed, slots[o + 2],
        windows[(int) (packed >>> 8) & 0xFF]);
    int t = (int) slots[o];
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
  private void remove(int i) {
    int mask = state.length - 1;
    int hole = i;
    for (int j = (hole + 1) & mask; slots[STRIDE * j + 3] != 0; j = (j + 1) & mask) {
      int home = spread(serialOf(slots[STRIDE * j])) & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        System.arraycopy(slots, STRIDE * j, slots, STRIDE * hole, STRIDE);
        state[hole] = state[j];
        hole = j;
      }
    }
    slots[STRIDE * hole + 3] = 0;
    state[hole] = null;
    live--;
  }

  /**
   * A state with labels waiting, found from slot {@code from[0]} on (wrapping; the slot is left in {@code from[0]}),
   * or null if none waits.
   */
  private synchronized EntityState anyWaiting(int[] from) {
    if (live == 0) {
      return null;
    }
    int mask = state.length - 1;
    for (int n = 0, i = from[0] & mask; n <= mask; n++, i = (i + 1) & mask) {
      if (state[i] != null) {
        from[0] = i;
        return state[i];
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
