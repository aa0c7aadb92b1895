package dev.fraudengine.features;

import dev.fraudengine.core.Label;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/*
 * Labels of a replay waiting for their label time, shared by Replay (labels to a feature pipeline) and EngineReplay
 * (labels to a whole engine), so that both deliver the same labels at the same moments. A FIFO while label times
 * come in order (a fixed delay, the usual case: O(1) per label), a heap for the labels that arrive out of order.
 * Labels due at the same instant are delivered in the order they were added. Not thread-safe: one per run.
 */
final class LabelSchedule {
  /** Where due labels go: a pipeline's or an engine's {@code feedback}. */
  @FunctionalInterface
  interface Target {
    void feedback(String transactionId, Label label, Instant labelTime);
  }

  private record Item(String id, Label label, Instant at, long seq) {}

  private final ArrayDeque<Item> inOrder = new ArrayDeque<>();
  private final PriorityQueue<Item> outOfOrder =
      new PriorityQueue<>(Comparator.comparing(Item::at).thenComparingLong(Item::seq));
  private long seq;

  void add(String id, Label label, Instant at) {
    Item item = new Item(id, label, at, seq++);
    if (inOrder.isEmpty() || !at.isBefore(inOrder.peekLast().at())) {
      inOrder.addLast(item);
    } else {
      outOfOrder.add(item);
    }
  }

  /** Delivers every label whose time is at or before {@code t}. */
  void deliverUpTo(Instant t, Target target) {
    List<Item> due = null;
    while (!inOrder.isEmpty() && !inOrder.peekFirst().at().isAfter(t)) {
      Item i = inOrder.pollFirst();
      target.feedback(i.id(), i.label(), i.at());
    }
    while (!outOfOrder.isEmpty() && !outOfOrder.peek().at().isAfter(t)) {
      if (due == null) {
        due = new ArrayList<>();
      }
      due.add(outOfOrder.poll());
    }
    if (due != null) {
      for (Item i : due) {
        target.feedback(i.id(), i.label(), i.at());
      }
    }
  }

  /** Tells how many labels wait. */
  int size() {
    return inOrder.size() + outOfOrder.size();
  }
}
