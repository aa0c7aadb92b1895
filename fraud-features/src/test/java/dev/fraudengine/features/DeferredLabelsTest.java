package dev.fraudengine.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replay into an in-memory pipeline parks its labels (DeferredLabels) and finds them in the label index from a
 * hint; these tests hold it to what a replay did before: every label written through the public {@code feedback}
 * the moment it is due. Same vectors, same counters at every moment they are read, same state in snapshots.
 */
class DeferredLabelsTest {
  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration WEEK = Duration.ofDays(7);

  @TempDir
  Path dir;

  /** Replay's label timing with labels written at once through the public feedback: the behaviour to keep. */
  private static final class Reference {
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

    void deliverUpTo(Instant t, OnlineFeaturePipeline p) {
      while (!inOrder.isEmpty() && !inOrder.peekFirst().at().isAfter(t)) {
        Item i = inOrder.pollFirst();
        p.feedback(i.id(), i.label(), i.at());
      }
      List<Item> due = new ArrayList<>();
      while (!outOfOrder.isEmpty() && !outOfOrder.peek().at().isAfter(t)) {
        due.add(outOfOrder.poll());
      }
      for (Item i : due) {
        p.feedback(i.id(), i.label(), i.at());
      }
    }
  }

  /** What a run is checked on: the vectors, and the counters read every so often from inside the sink. */
  private record Run(List<float[]> vectors, List<OnlineFeaturePipeline.Stats> stats) {}

  /** Something the sink does on some rows, the same in both runs: extra public feedback, a snapshot. */
  @FunctionalInterface
  private interface Hook {
    void after(OnlineFeaturePipeline p, int row, Transaction tx);
  }

  private static Run reference(OnlineFeaturePipeline p, List<Replay.Labelled> rows, Duration delay, Hook hook) {
    Reference pending = new Reference();
    List<float[]> vectors = new ArrayList<>();
    List<OnlineFeaturePipeline.Stats> stats = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Replay.Labelled row = rows.get(i);
      Transaction tx = row.transaction();
      pending.deliverUpTo(tx.eventTime(), p);
      float[] f = p.process(tx);
      if (row.label() != null) {
        pending.add(tx.id(), row.label(), row.labelTime() != null ? row.labelTime() : tx.eventTime().plus(delay));
      }
      vectors.add(f);
      if (i % 397 == 0) {
        stats.add(p.stats());
      }
      hook.after(p, i, tx);
    }
    pending.deliverUpTo(Instant.MAX, p);
    stats.add(p.stats());
    return new Run(vectors, stats);
  }

  private static Run replay(OnlineFeaturePipeline p, List<Replay.Labelled> rows, Duration delay, Hook hook) {
    List<float[]> vectors = new ArrayList<>();
    List<OnlineFeaturePipeline.Stats> stats = new ArrayList<>();
    int[] i = {0};
    Replay.of(p).labelDelay(delay).run(rows.stream(), (tx, f, label) -> {
      vectors.add(f);
      if (i[0] % 397 == 0) {
        stats.add(p.stats());
      }
      hook.after(p, i[0]++, tx);
    });
    stats.add(p.stats());
    return new Run(vectors, stats);
  }

  private static void assertSame(Run got, Run want, long seed) {
    assertThat(got.vectors()).hasSameSizeAs(want.vectors());
    for (int i = 0; i < want.vectors().size(); i++) {
      assertThat(got.vectors().get(i)).as("seed %d, row %d", seed, i).containsExactly(want.vectors().get(i));
    }
    assertThat(got.stats()).as("seed %d", seed).isEqualTo(want.stats());
  }

  /**
   * Cards and terminals coming back at random, labels of both kinds or none, some with their own label time (a few
   * of them before the delay would put them, so out of order), some transaction ids repeated (two labels may then
   * land on one event), event times up to {@code lateMillis} out of order.
   */
  private static List<Replay.Labelled> history(SplittableRandom r, int n, int cards, int terminals, int lateMillis) {
    List<Replay.Labelled> rows = new ArrayList<>();
    long clock = 0;
    for (int i = 0; i < n; i++) {
      clock += 1 + r.nextInt(40 * 60_000);
      Instant t = Txs.T0.plusMillis(clock - (lateMillis == 0 ? 0 : r.nextInt(lateMillis)));
      String id = r.nextInt(50) == 0 && i > 0 ? "t" + r.nextInt(i) : "t" + i;
      Transaction tx = Txs.tx(id, t, "c" + r.nextInt(cards), "m" + r.nextInt(terminals), 1 + r.nextInt(10_000) / 100.0);
      int kind = r.nextInt(10);
      Label label = kind < 3 ? Label.FRAUD : kind < 8 ? Label.LEGITIMATE : null;
      Instant labelTime = label != null && r.nextInt(8) == 0 ? t.plus(Duration.ofMinutes(r.nextInt(14 * 24 * 60)))
          : null;
      rows.add(new Replay.Labelled(tx, label, labelTime));
    }
    return rows;
  }

  /** Both entities keep labels (a label of two states), with and without a delay, and windows that read them. */
  private static OnlineFeaturePipeline.Builder twoLabelGroups() {
    return OnlineFeaturePipelines.builder().add(
        Feature.delayedRisk(Entity.CARD, Duration.ofDays(30), WEEK),
        Feature.delayedRisk(Entity.TERMINAL, Duration.ofDays(30), WEEK).orElse(0),
        Feature.delayedRisk(Entity.TERMINAL, DAY, Duration.ZERO),
        Feature.delayedCount(Entity.TERMINAL, WEEK, WEEK),
        Feature.count(Entity.CARD, DAY),
        Feature.amountMean(Entity.CARD, WEEK));
  }

  /** Now and then, a public feedback from inside the sink for an earlier transaction, maybe one whose label waits. */
  private static Hook extraFeedback(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    return (p, row, tx) -> {
      if (r.nextInt(50) == 0) {
        p.feedback("t" + r.nextInt(row + 1), r.nextBoolean() ? Label.FRAUD : Label.LEGITIMATE, tx.eventTime());
      }
    };
  }

  private static void sameAsReference(Supplier<OnlineFeaturePipeline> make, int n, int cards, int terminals,
      Duration delay) {
    sameAsReference(make, n, cards, terminals, delay, 30 * 60_000);
  }

  private static void sameAsReference(Supplier<OnlineFeaturePipeline> make, int n, int cards, int terminals,
      Duration delay, int lateMillis) {
    long seed = System.nanoTime();
    System.out.println("DeferredLabelsTest seed " + seed);
    List<Replay.Labelled> rows = history(new SplittableRandom(seed), n, cards, terminals, lateMillis);
    Run want = reference(make.get(), rows, delay, extraFeedback(seed));
    Run got = replay(make.get(), rows, delay, extraFeedback(seed));
    assertSame(got, want, seed);
  }

  @Test
  void replay_randomHistory_sameVectorsAndCountersAsLabelsWrittenWhenDue() {
    sameAsReference(() -> twoLabelGroups().build(), 20_000, 300, 60, WEEK);
    sameAsReference(() -> twoLabelGroups().build(), 5_000, 30, 8, Duration.ofHours(5));
    sameAsReference(FeaturePipelines::handbook, 20_000, 300, 60, WEEK);
  }

  @Test
  void replay_tightBounds_sameVectorsAndCountersAsLabelsWrittenWhenDue() {
    // entities forgotten when idle (labels then land on states no longer in the map), dropped events (labels that
    // find no event), index entries dropped for size (labels that find no entry)
    sameAsReference(() -> twoLabelGroups().maxEventsPerEntity(6).maxIndexedTransactions(500)
        .idleTimeout(Duration.ofDays(3)).build(), 20_000, 300, 60, WEEK);
    // evictions for size: at most 8 entities, which the compact map evicts in exact LRU order as long as no two
    // were last accessed at the same watermark (so no late events here); a larger map samples at random, a tie is
    // broken at random: two pipelines would not evict alike
    sameAsReference(() -> twoLabelGroups().maxEntities(8).build(), 10_000, 30, 12, WEEK, 0);
    sameAsReference(() -> twoLabelGroups().entityMap(OnlineFeaturePipeline.EntityMapKind.CAFFEINE).build(), 10_000,
        300, 60, WEEK);
  }

  @Test
  void replay_snapshotWhileLabelsWait_holdsThemAsWritten() {
    long seed = System.nanoTime();
    System.out.println("DeferredLabelsTest seed " + seed);
    List<Replay.Labelled> rows = history(new SplittableRandom(seed), 8_000, 200, 40, 30 * 60_000);
    Path a = dir.resolve("reference.snap");
    Path b = dir.resolve("replay.snap");
    int at = 5_000;
    reference(twoLabelGroups().build(), rows, WEEK, (p, row, tx) -> {
      if (row == at) {
        p.snapshot(a);
      }
    });
    replay(twoLabelGroups().build(), rows, WEEK, (p, row, tx) -> {
      if (row == at) {
        p.snapshot(b);
      }
    });
    OnlineFeaturePipeline fromA = twoLabelGroups().build();
    fromA.restore(a);
    OnlineFeaturePipeline fromB = twoLabelGroups().build();
    fromB.restore(b);
    // the rest of the history, labels written when due, from each restored state
    List<Replay.Labelled> rest = rows.subList(at + 1, rows.size());
    Run want = reference(fromA, rest, WEEK, (p, row, tx) -> { });
    Run got = reference(fromB, rest, WEEK, (p, row, tx) -> { });
    assertSame(got, want, seed);
  }

  @Test
  void replay_moreLabelsWaitingThanTheTableHolds_writesThemAllWithTheSameCounts() {
    // every transaction on a terminal and a card of its own, labels due at once: nothing reads those states again
    // until the end, so the labels pile up beyond DeferredLabels.MAX_RECORDS (two records each) and are written
    // whole; a last transaction on the first terminal reads its label.
    List<Replay.Labelled> rows = new ArrayList<>();
    int n = DeferredLabels.MAX_RECORDS / 2 + 1_000;
    for (int i = 0; i < n; i++) {
      rows.add(Replay.Labelled.of(Txs.tx("t" + i, Txs.T0.plusSeconds(i), "c" + i, "m" + i, 10),
          i % 3 == 0 ? Label.FRAUD : Label.LEGITIMATE));
    }
    rows.add(Replay.Labelled.of(Txs.tx("last", Txs.T0.plusSeconds(n), "c0", "m0", 10), null));
    Run want = reference(twoLabelGroups().build(), rows, Duration.ZERO, (p, row, tx) -> { });
    Run got = replay(twoLabelGroups().build(), rows, Duration.ZERO, (p, row, tx) -> { });
    assertSame(got, want, 0);
    assertThat(got.vectors().get(n)[2]).isEqualTo(1f);
    assertThat(got.stats().get(got.stats().size() - 1).labelsApplied()).isEqualTo(n);
  }

  private static final Windows NO_WINDOWS = new Windows(new long[0], new long[0], new byte[0], new int[0], new int[0]);

  /** A labelled state with one event at each of the given times, its id hash 100 + its time. */
  private static EntityState state(long... times) {
    EntityState s = new EntityState(true, 0, false, 4);
    for (long t : times) {
      s.record(t, 1.0, (int) (100 + t), new int[0], new int[0], Double.NaN, Double.NaN, 1_000_000, 1_000, NO_WINDOWS);
    }
    return s;
  }

  /** The label and label time of each event of a state, as "label@time". */
  private static List<String> labels(EntityState s) {
    List<String> out = new ArrayList<>();
    for (int i = s.head; i < s.head + s.size; i++) {
      out.add(s.label(i) + "@" + s.labelTime(i));
    }
    return out;
  }

  private static void park(DeferredLabels d, EntityState s, long t, byte label, long at) {
    assertThat(d.add(new EntityState[] {s}, 1, t, (int) (100 + t), label, at)).isTrue();
  }

  @Test
  void drain_twoStatesInterleaved_writesOnlyItsOwnLabelsInDeliveryOrder() {
    java.util.concurrent.atomic.LongAdder applied = new java.util.concurrent.atomic.LongAdder();
    java.util.concurrent.atomic.LongAdder unmatched = new java.util.concurrent.atomic.LongAdder();
    DeferredLabels d = new DeferredLabels(new Windows[] {NO_WINDOWS}, applied, unmatched);
    EntityState a = state(1, 2, 3);
    EntityState b = state(1, 2, 3);
    park(d, a, 1, EntityState.FRAUD, 10);
    park(d, b, 2, EntityState.LEGITIMATE, 11);
    park(d, a, 1, EntityState.LEGITIMATE, 12);
    park(d, b, 3, EntityState.FRAUD, 13);
    park(d, a, 9, EntityState.FRAUD, 14);
    assertThat(d.size()).isEqualTo(5);
    assertThat(d.used()).isTrue();
    synchronized (a) {
      d.drain(a);
    }
    assertThat(labels(a)).containsExactly("2@12", "0@0", "0@0");
    assertThat(a.maxFraudLabelTime).isEqualTo(10);
    assertThat(labels(b)).containsExactly("0@0", "0@0", "0@0");
    assertThat(applied.sum()).isEqualTo(2);
    assertThat(unmatched.sum()).isEqualTo(1);
    assertThat(d.size()).isEqualTo(2);
    // a's link is cleared, b's still leads to its two records; draining a again finds nothing
    assertThat(a.parked).isEqualTo(-1);
    assertThat(b.parked).isNotNegative();
    synchronized (a) {
      d.drain(a);
    }
    assertThat(labels(a)).containsExactly("2@12", "0@0", "0@0");
    synchronized (b) {
      d.drain(b);
      d.drain(b);
    }
    assertThat(labels(b)).containsExactly("0@0", "2@11", "1@13");
    assertThat(applied.sum()).isEqualTo(4);
    assertThat(d.size()).isZero();
  }

  @Test
  void add_labelOfTwoStates_isCountedOnceWhenItsLastStateIsWritten() {
    java.util.concurrent.atomic.LongAdder applied = new java.util.concurrent.atomic.LongAdder();
    java.util.concurrent.atomic.LongAdder unmatched = new java.util.concurrent.atomic.LongAdder();
    DeferredLabels d = new DeferredLabels(new Windows[] {NO_WINDOWS, NO_WINDOWS}, applied, unmatched);
    EntityState card = state(5);
    EntityState terminal = state(6);
    EntityState[] both = {card, terminal};
    // the card holds the event at 5, the terminal does not: applied, once
    assertThat(d.add(both, 2, 5, 105, EntityState.FRAUD, 20)).isTrue();
    // neither holds an event at 7: unmatched, once
    assertThat(d.add(both, 2, 7, 107, EntityState.FRAUD, 21)).isTrue();
    // no state at all: unmatched at once
    assertThat(d.add(new EntityState[2], 2, 5, 105, EntityState.FRAUD, 22)).isTrue();
    assertThat(unmatched.sum()).isEqualTo(1);
    synchronized (terminal) {
      d.drain(terminal);
    }
    assertThat(applied.sum() + unmatched.sum()).isEqualTo(1);
    d.drainAll();
    assertThat(applied.sum()).isEqualTo(1);
    assertThat(unmatched.sum()).isEqualTo(2);
    assertThat(labels(card)).containsExactly("1@20");
    assertThat(labels(terminal)).containsExactly("0@0");
  }

  @Test
  void drain_randomParkingAndDraining_writesWhatImmediateWritingWrites() {
    long seed = System.nanoTime();
    System.out.println("DeferredLabelsTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    java.util.concurrent.atomic.LongAdder applied = new java.util.concurrent.atomic.LongAdder();
    java.util.concurrent.atomic.LongAdder unmatched = new java.util.concurrent.atomic.LongAdder();
    DeferredLabels d = new DeferredLabels(new Windows[] {NO_WINDOWS}, applied, unmatched);
    int n = 300;
    EntityState[] parked = new EntityState[n];
    EntityState[] direct = new EntityState[n];
    for (int i = 0; i < n; i++) {
      parked[i] = state(1, 2, 3, 4);
      direct[i] = state(1, 2, 3, 4);
    }
    long directApplied = 0;
    for (int step = 0; step < 20_000; step++) {
      int i = r.nextInt(n);
      if (r.nextInt(3) == 0) {
        synchronized (parked[i]) {
          d.drain(parked[i]);
        }
        assertThat(labels(parked[i])).as("seed %d, step %d", seed, step).isEqualTo(labels(direct[i]));
      } else {
        long t = 1 + r.nextInt(5);
        byte label = r.nextBoolean() ? EntityState.FRAUD : EntityState.LEGITIMATE;
        park(d, parked[i], t, label, step);
        directApplied += direct[i].applyLabel(t, (int) (100 + t), label, step, NO_WINDOWS) ? 1 : 0;
      }
    }
    d.drainAll();
    assertThat(d.size()).isZero();
    for (int i = 0; i < n; i++) {
      assertThat(labels(parked[i])).as("seed %d, state %d", seed, i).isEqualTo(labels(direct[i]));
      assertThat(parked[i].maxFraudLabelTime).isEqualTo(direct[i].maxFraudLabelTime);
    }
    assertThat(applied.sum()).isEqualTo(directApplied);
  }

  @Test
  void constructor_moreLabelGroupsThanARecordNames_rejected() {
    java.util.concurrent.atomic.LongAdder counter = new java.util.concurrent.atomic.LongAdder();
    Windows[] many = new Windows[256];
    java.util.Arrays.fill(many, NO_WINDOWS);
    assertThatThrownBy(() -> new DeferredLabels(many, counter, counter))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("255");
    assertThat(new DeferredLabels(java.util.Arrays.copyOf(many, 255), counter, counter).size()).isZero();
  }

  @Test
  void epochMilli_anyInstant_isToEpochMilli() {
    SplittableRandom r = new SplittableRandom(7);
    for (int i = 0; i < 100_000; i++) {
      long second = r.nextInt(4) == 0 ? r.nextLong(-10, 10) : r.nextLong(-1L << 40, 1L << 40);
      int nano = r.nextInt(3) == 0 ? 0 : r.nextInt(1_000_000_000);
      assertThat(OnlineFeaturePipeline.epochMilli(second, nano))
          .isEqualTo(Instant.ofEpochSecond(second, nano).toEpochMilli());
    }
    for (Instant far : new Instant[] {Instant.MAX, Instant.MIN}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(far::toEpochMilli).isInstanceOf(ArithmeticException.class);
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> OnlineFeaturePipeline.epochMilli(far.getEpochSecond(), far.getNano()))
          .isInstanceOf(ArithmeticException.class);
    }
  }
}
