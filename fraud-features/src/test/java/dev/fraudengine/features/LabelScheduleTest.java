package dev.fraudengine.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudengine.core.Label;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LabelScheduleTest {
  /** The schedule as it was before its FIFO became a ring of columns: objects in an ArrayDeque and a heap. */
  private static final class Reference {
    private record Item(String id, Label label, Instant at, long hint, long fingerprint, long seq) {}

    private final ArrayDeque<Item> inOrder = new ArrayDeque<>();
    private final PriorityQueue<Item> outOfOrder =
        new PriorityQueue<>(Comparator.comparing(Item::at).thenComparingLong(Item::seq));
    private long seq;

    void add(String id, Label label, Instant at, long hint, long fingerprint) {
      Item item = new Item(id, label, at, hint, fingerprint, seq++);
      if (inOrder.isEmpty() || !at.isBefore(inOrder.peekLast().at())) {
        inOrder.addLast(item);
      } else {
        outOfOrder.add(item);
      }
    }

    void deliverUpTo(Instant t, List<String> out) {
      List<Item> due = new ArrayList<>();
      while (!inOrder.isEmpty() && !inOrder.peekFirst().at().isAfter(t)) {
        Item i = inOrder.pollFirst();
        out.add(i.id() + " " + i.label() + " " + i.at() + " " + i.hint() + " " + i.fingerprint());
      }
      while (!outOfOrder.isEmpty() && !outOfOrder.peek().at().isAfter(t)) {
        due.add(outOfOrder.poll());
      }
      for (Item i : due) {
        out.add(i.id() + " " + i.label() + " " + i.at() + " " + i.hint() + " " + i.fingerprint());
      }
    }

    int size() {
      return inOrder.size() + outOfOrder.size();
    }
  }

  private static LabelSchedule.Target into(List<String> out) {
    return new LabelSchedule.Target() {
      @Override
      public void feedback(String transactionId, Label label, Instant labelTime) {
        out.add(transactionId + " " + label + " " + labelTime + " none");
      }

      @Override
      public void feedback(String transactionId, Label label, long second, int nano, long hint, long fingerprint) {
        out.add(transactionId + " " + label + " " + Instant.ofEpochSecond(second, nano) + " " + hint + " "
            + fingerprint);
      }
    };
  }

  @Test
  void deliverUpTo_randomLabelTimesAndTies_deliversWhatTheObjectScheduleDelivers() {
    long seed = System.nanoTime();
    System.out.println("LabelScheduleTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    LabelSchedule schedule = new LabelSchedule();
    Reference ref = new Reference();
    List<String> got = new ArrayList<>();
    List<String> want = new ArrayList<>();
    long clock = -5_000;
    for (int step = 0; step < 50_000; step++) {
      clock += r.nextInt(3);
      // mostly in order, some ties, some late (the heap), nanoseconds on both sides of the second, negative times
      long at = clock + (r.nextInt(10) == 0 ? -r.nextInt(100) : r.nextInt(3));
      Instant time = Instant.ofEpochSecond(at / 10, r.nextInt(4) == 0 ? 0 : r.nextInt(1_000_000_000));
      String id = "t" + step;
      Label label = r.nextBoolean() ? Label.FRAUD : Label.LEGITIMATE;
      long fingerprint = r.nextLong();
      schedule.add(id, label, time.getEpochSecond(), time.getNano(), step, fingerprint);
      ref.add(id, label, time, step, fingerprint);
      if (r.nextInt(4) == 0) {
        Instant t = Instant.ofEpochSecond((clock - r.nextInt(20)) / 10, r.nextInt(1_000_000_000));
        schedule.deliverUpTo(t, into(got));
        ref.deliverUpTo(t, want);
        assertThat(got).as("seed %d, step %d", seed, step).hasSize(want.size());
        assertThat(schedule.size()).isEqualTo(ref.size());
      }
    }
    schedule.deliverUpTo(Instant.MAX, into(got));
    ref.deliverUpTo(Instant.MAX, want);
    assertThat(got).as("seed %d", seed).isEqualTo(want);
    assertThat(schedule.size()).isZero();
  }

  @Test
  void add_instant_isDeliveredWithoutHints() {
    LabelSchedule schedule = new LabelSchedule();
    Instant t = Instant.parse("2024-03-04T12:00:00.5Z");
    schedule.add("a", Label.FRAUD, t);
    List<String> got = new ArrayList<>();
    schedule.deliverUpTo(t.minusNanos(1), into(got));
    assertThat(got).isEmpty();
    schedule.deliverUpTo(t, into(got));
    assertThat(got).containsExactly("a FRAUD " + t + " -1 0");
  }
}
