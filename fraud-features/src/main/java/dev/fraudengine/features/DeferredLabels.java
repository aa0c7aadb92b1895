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
 * Layout: records (group, state, event time, id hash, label, label time) with a free list, chained per state in
 * delivery order; an open-addressing table (linear probing, backward-shift deletion, Knuth TAOCP 6.4 Algorithm R) from
 * a state's random serial to its chain (states with equal serials share a chain; draining picks its own state's
 * records by identity). A record's primitive fields sit side by side (four longs), as do a slot's serial, head and
 * tail: parking and draining a label touch a cache line or two of each, where a column per field cost a miss each
 * (the table and records are hundreds of kilobytes in a replay, out of the first caches, and read at random). A label
 * of several states (card and terminal both keeping labels) gets a ticket that counts it once, applied if any of its
 * states held the event, when its last record is written. At most MAX_RECORDS records wait; a full table is drained
 * whole (so the table's size is bounded and an idle entity's labels are written at the latest then).
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

  // records: per record, STRIDE longs in `rec` (event time; label time; next record << 32 | id hash; ticket << 32 |
  // group << 8 | label), so that a record's fields share one cache line; and its state in `state`
  private static final int STRIDE = 4;
  private long[] rec = new long[STRIDE * INITIAL];
  private EntityState[] state = new EntityState[INITIAL];
  private int free = -1;
  private int allocated;
  private int live;

  // tickets: per label of several states, its records still waiting and whether one of them was applied
  private int[] remaining = new int[0];
  private boolean[] anyApplied = new boolean[0];
  private int freeTicket = -1;
  private int tickets;

  // table from serial to chain: per slot, SLOT ints side by side in `slots` (serial, head record, tail record), a
  // probe reading one cache line; head == -1 marks an empty slot
  private static final int SLOT = 4;
  private int[] slots = emptySlots(2 * INITIAL);
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

  private static int[] emptySlots(int n) {
    int[] a = new int[SLOT * n];
    for (int i = 0; i < n; i++) {
      a[SLOT * i + 1] = -1;
    }
    return a;
  }

  /** The next record of {@code r}'s chain, or of the free list; -1 ends both. */
  private int next(int r) {
    return (int) (rec[STRIDE * r + 2] >> 32);
  }

  private void setNext(int r, int n) {
    rec[STRIDE * r + 2] = (long) n << 32 | (rec[STRIDE * r + 2] & 0xFFFF_FFFFL);
  }

  private static int spread(int serial) {
    int h = serial * 0x9E3779B9;
    return h ^ (h >>> 16);
  }

  /**
   * The first level of the racy warm-up of OnlineFeaturePipeline.process: reads, without the lock, the table slot a
   * {@link #drain} of {@code serial} probes first, and returns what it read. Racy (a slot being moved reads as
   * anything): it only warms the cache; every index is checked and nothing is written.
   */
  int touchSlot(int serial) {
    int[] t = slots;
    int i = SLOT * (spread(serial) & (t.length / SLOT - 1));
    return t[i] + t[i + 1];
  }

  /**
   * The second level, a cache level later: reads, without the lock, the first record of the chain in the slot a
   * {@link #drain} of {@code serial} probes first (its fields and its state reference), if that slot is the
   * serial's. Racy like {@link #touchSlot}: it only warms the cache; nothing is written.
   */
  int touchChain(int serial) {
    int[] t = slots;
    int i = SLOT * (spread(serial) & (t.length / SLOT - 1));
    int r = t[i + 1];
    if (t[i] != serial || r < 0) {
      return 0;
    }
    long[] fields = rec;
    EntityState[] states = state;
    if (STRIDE * r + 3 >= fields.length || r >= states.length) {
      return 0;
    }
    return (int) fields[STRIDE * r + 2] + (states[r] == null ? 0 : 1);
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
        state[r] = states[j];
        int o = STRIDE * r;
        rec[o] = eventTime;
        rec[o + 1] = labelTime;
        rec[o + 2] = -1L << 32 | (hash & 0xFFFF_FFFFL);
        rec[o + 3] = (long) tk << 32 | j << 8 | (label & 0xFF);
        append(serialsOf[j], r);
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

  /** Appends record {@code r} to the chain of {@code serial}, making the chain if needed. */
  private void append(int serial, int r) {
    if (2 * (chains + 1) > slots.length / SLOT) {
      rehash(2 * slots.length / SLOT);
    }
    int mask = slots.length / SLOT - 1;
    int i = spread(serial) & mask;
    while (slots[SLOT * i + 1] >= 0) {
      if (slots[SLOT * i] == serial) {
        setNext(slots[SLOT * i + 2], r);
        slots[SLOT * i + 2] = r;
        return;
      }
      i = (i + 1) & mask;
    }
    slots[SLOT * i] = serial;
    slots[SLOT * i + 1] = r;
    slots[SLOT * i + 2] = r;
    chains++;
  }

  private void rehash(int n) {
    int[] old = slots;
    slots = emptySlots(n);
    int mask = n - 1;
    for (int k = 0; k < old.length; k += SLOT) {
      if (old[k + 1] >= 0) {
        int i = spread(old[k]) & mask;
        while (slots[SLOT * i + 1] >= 0) {
          i = (i + 1) & mask;
        }
        System.arraycopy(old, k, slots, SLOT * i, SLOT);
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
    int mask = slots.length / SLOT - 1;
    int i = spread(serial) & mask;
    while (slots[SLOT * i + 1] >= 0 && slots[SLOT * i] != serial) {
      i = (i + 1) & mask;
    }
    int at = SLOT * i;
    if (slots[at + 1] < 0) {
      return;
    }
    int prev = -1;
    int r = slots[at + 1];
    while (r >= 0) {
      int after = next(r);
      if (state[r] == s) {
        apply(r);
        if (prev < 0) {
          slots[at + 1] = after;
        } else {
          setNext(prev, after);
        }
        if (after < 0) {
          slots[at + 2] = prev;
        }
        freeRecord(r);
      } else {
        prev = r;
      }
      r = after;
    }
    if (slots[at + 1] < 0) {
      removeSlot(i);
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

  /** Empties slot {@code i}, moving later members of its probe run back where their home allows. */
  private void removeSlot(int i) {
    int mask = slots.length / SLOT - 1;
    int hole = i;
    for (int j = (hole + 1) & mask; slots[SLOT * j + 1] >= 0; j = (j + 1) & mask) {
      int home = spread(slots[SLOT * j]) & mask;
      if (((j - home) & mask) >= ((j - hole) & mask)) {
        System.arraycopy(slots, SLOT * j, slots, SLOT * hole, SLOT);
        hole = j;
      }
    }
    slots[SLOT * hole + 1] = -1;
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
    int mask = slots.length / SLOT - 1;
    for (int n = 0, i = from[0] & mask; n <= mask; n++, i = (i + 1) & mask) {
      if (slots[SLOT * i + 1] >= 0) {
        from[0] = i;
        return state[slots[SLOT * i + 1]];
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
