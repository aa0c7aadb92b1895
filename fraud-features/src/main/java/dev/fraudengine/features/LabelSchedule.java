package dev.fraudengine.features;

import dev.fraudengine.core.Label;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/*
 * Labels of a replay waiting for their label time, shared by Replay (labels to a feature pipeline) and EngineReplay
 * (labels to a whole engine), so that both deliver the same labels at the same moments. A FIFO while label times
 * come in order (a fixed delay, the usual case: O(1) per label), a heap for the labels that arrive out of order.
 * Labels due at the same instant are delivered in the order they were added. Not thread-safe: one per run.
 *
 * The FIFO is a ring of the ids and, beside it, of four longs per label side by side (label time's epoch second;
 * its nanosecond with the label's ordinal above; the two hints), so that a label waiting for its time costs no object:
 * a replay holds a whole delay's worth of labels (a week of payments), which as objects would be copied by every young
 * collection. Adding and delivering a label write and read two places in order (a cache line of longs for two
 * labels), where a column per field was a stream of lines each. The heap, for the rare label out of order, keeps
 * objects.
 *
 * Each label may carry two hints for its target, handed back on delivery (OnlineFeaturePipeline: where its transaction
 * sits in the label index, and its id's fingerprint there, so that the id's characters, cold by then, are not read
 * and hashed again); they never change which labels are delivered, or when.
 */
final class LabelSchedule {
  /** Where due labels go: a pipeline's or an engine's {@code feedback}. */
  @FunctionalInterface
  interface Target {
    void feedback(String transactionId, Label label, Instant labelTime);

    /**
     * The same call with the label time as epoch second and nanosecond and the hints the label was added with;
     * override to take them without an object. The default ignores the hints.
     */
    default void feedback(String transactionId, Label label, long second, int nano, long hint, long fingerprint) {
      feedback(transactionId, label, Instant.ofEpochSecond(second, nano));
    }
  }

  private record Item(String id, Label label, long second, int nano, long hint, long fingerprint, long seq) {}

  private static final int INITIAL = 16;
  private static final Label[] LABELS = Label.values();
  /** Longs per FIFO entry: second, label ordinal << 32 | nano, hint, fingerprint. */
  private static final int STRIDE = 4;
  // the FIFO: a ring of capacity ids.length (a power of two), live entries [head, head + size)
  private String[] ids = new String[INITIAL];
  private long[] fields = new long[STRIDE * INITIAL];
  private int head;
  private int size;
  private final PriorityQueue<Item> outOfOrder = new PriorityQueue<>(
      Comparator.comparingLong(Item::second).thenComparingInt(Item::nano).thenComparingLong(Item::seq));
  private long seq;

  void add(String id, Label label, Instant at) {
    add(id, label, at.getEpochSecond(), at.getNano(), -1, 0);
  }

  /**
   * Adds a label due at epoch second {@code second} plus {@code nano} nanoseconds (in [0, 10^9)), with two hints for
   * the target (-1 and 0 when there are none).
   */
  void add(String id, Label label, long second, int nano, long hint, long fingerprint) {
    long n = seq++;
    if (size > 0) {
      int last = STRIDE * ((head + size - 1) & (ids.length - 1));
      if (compare(second, nano, fields[last], (int) fields[last + 1]) < 0) {
        outOfOrder.add(new Item(id, label, second, nano, hint, fingerprint, n));
        return;
      }
    }
    if (size == ids.length) {
      grow();
    }
    int at = (head + size) & (ids.length - 1);
    ids[at] = id;
    int o = STRIDE * at;
    fields[o] = second;
    fields[o + 1] = (long) label.ordinal() << 32 | nano;
    fields[o + 2] = hint;
    fields[o + 3] = fingerprint;
    size++;
  }

  private static int compare(long s1, int n1, long s2, int n2) {
    int c = Long.compare(s1, s2);
    return c != 0 ? c : Integer.compare(n1, n2);
  }

  private void grow() {
    int capacity = 2 * ids.length;
    String[] i2 = new String[capacity];
    long[] f2 = new long[STRIDE * capacity];
    for (int k = 0; k < size; k++) {
      int from = (head + k) & (ids.length - 1);
      i2[k] = ids[from];
      System.arraycopy(fields, STRIDE * from, f2, STRIDE * k, STRIDE);
    }
    ids = i2;
    fields = f2;
    head = 0;
  }

  /** Delivers every label whose time is at or before {@code t}. */
  void deliverUpTo(Instant t, Target target) {
    deliverUpTo(t.getEpochSecond(), t.getNano(), target);
  }

  /** Delivers every label whose time is at or before epoch second {@code second} plus {@code nano} nanoseconds. */
  void deliverUpTo(long second, int nano, Target target) {
    int mask = ids.length - 1;
    while (size > 0 && compare(fields[STRIDE * head], (int) fields[STRIDE * head + 1], second, nano) <= 0) {
      int o = STRIDE * head;
      String id = ids[head];
      long s = fields[o];
      long labelAndNano = fields[o + 1];
      long hint = fields[o + 2];
      long fingerprint = fields[o + 3];
      ids[head] = null;
      head = (head + 1) & mask;
      size--;
      target.feedback(id, LABELS[(int) (labelAndNano >>> 32)], s, (int) labelAndNano, hint, fingerprint);
    }
    List<Item> due = null;
    while (!outOfOrder.isEmpty() && compare(outOfOrder.peek().second(), outOfOrder.peek().nano(), second, nano) <= 0) {
      if (due == null) {
        due = new ArrayList<>();
      }
      due.add(outOfOrder.poll());
    }
    if (due != null) {
      for (Item i : due) {
        target.feedback(i.id(), i.label(), i.second(), i.nano(), i.hint(), i.fingerprint());
      }
    }
  }

  /** Tells how many labels wait. */
  int size() {
    return size + outOfOrder.size();
  }
}
