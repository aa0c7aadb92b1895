package dev.fraudengine.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

// A corrupt probe sequence loops rather than throws: a test that broke it would hang without this bound.
@Timeout(120)
class LabelIndexTest {
  private static final EntityState STATE = new EntityState(true, 0, false, 1);
  /** Per key of the tests, its own state: an entry's state tells which key it was put with. */
  private static final Map<String, EntityState> STATES = new HashMap<>();

  private static synchronized EntityState stateOf(String key) {
    return key.equals("k") ? STATE : STATES.computeIfAbsent(key, k -> new EntityState(true, 0, false, 1));
  }

  /** The index's contract, as the LinkedHashMap it replaced kept it. */
  private static final class Reference {
    final LinkedHashMap<String, long[]> entries = new LinkedHashMap<>();
    long evicted;

    void put(String id, long time, long hash, long watermark, long retention, long max) {
      entries.put(id, new long[] {time, hash});
      Iterator<long[]> it = entries.values().iterator();
      while (it.hasNext()) {
        long[] oldest = it.next();
        if (oldest[0] <= watermark - retention) {
          it.remove();
        } else if (entries.size() > max) {
          it.remove();
          evicted++;
        } else {
          break;
        }
      }
    }
  }

  /** 256 ids per suffix share one String hash: each is 8 blocks of "Aa" or "BB" (equal hashes), then the suffix. */
  private static String colliding(long n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      b.append((n >>> i & 1) == 0 ? "Aa" : "BB");
    }
    return b.append('#').append(n >>> 8).toString();
  }

  private static long put(LabelIndex index, String id, long time, int hash, String key, long watermark) {
    return index.put(index.fingerprint(id), time, hash, new EntityState[] {stateOf(key)}, watermark);
  }

  /** The fingerprints of {@code ids} under {@code index}'s seed: what its entries() hold in their place. */
  private static List<Long> fingerprints(LabelIndex index, Collection<String> ids) {
    return ids.stream().map(index::fingerprint).toList();
  }

  private static List<Long> fingerprints(List<LabelIndex.Entry> entries) {
    return entries.stream().map(LabelIndex.Entry::fingerprint).toList();
  }

  /** Which of {@code ids} each entry holds, by fingerprint. */
  private static Map<Long, String> idsByFingerprint(LabelIndex index, Collection<String> ids) {
    Map<Long, String> m = new HashMap<>();
    for (String id : ids) {
      m.put(index.fingerprint(id), id);
    }
    return m;
  }

  /**
   * Random puts (some repeating an id), probes, expiry and the size bound, checked step by step against the
   * reference; the order of entries() and a restore into an index of another seed are checked too. Each probe is
   * also read with hints: the sequence number the put of the id returned, another entry's (or a removed one's), and
   * none: a hint only speeds the lookup, never changes what is found.
   */
  private static void randomRun(long seed, int steps, long retention, long max, int pageBits, long firstSeq,
      LongFunction<String> ids) {
    System.out.println("LabelIndexTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    LabelIndex index = new LabelIndex(new int[] {0}, retention, max, pageBits, firstSeq, seed);
    Reference ref = new Reference();
    Map<String, Long> seqs = new HashMap<>();
    Map<String, EntityState> stateFor = new HashMap<>();
    long[] row = new long[2];
    EntityState[] states = new EntityState[1];
    long clock = 0;
    for (int step = 0; step < steps; step++) {
      clock += r.nextInt(step < steps / 2 ? 3 : 1);
      if (r.nextInt(steps / 10 + 1) == 0) {
        clock += retention / 2;
      }
      long time = clock - r.nextInt(50);
      String id = ids.apply(r.nextInt(10) == 0 ? r.nextInt(step + 1) : step);
      int hash = r.nextInt();
      String key = "k" + step % 64;
      seqs.put(id, put(index, id, time, hash, key, clock));
      stateFor.put(id, stateOf(key));
      ref.put(id, time, hash, clock, retention, max);
      String probe = ids.apply(r.nextInt(step + 1));
      LabelIndex.Entry e = index.get(probe);
      long[] want = ref.entries.get(probe);
      assertThat(e == null).as("seed %d, step %d, %s", seed, step, probe).isEqualTo(want == null);
      if (e != null) {
        assertThat(e.time()).isEqualTo(want[0]);
        assertThat(e.txHash()).isEqualTo((int) want[1]);
        assertThat(e.states()).containsExactly(stateFor.get(probe));
      }
      long[] hints = {seqs.getOrDefault(probe, -1L), firstSeq + r.nextInt(step + 1), -1, Long.MAX_VALUE};
      for (long hint : hints) {
        states[0] = null;
        assertThat(index.get(probe, hint, row, states)).as("seed %d, step %d, hint %d", seed, step, hint)
            .isEqualTo(want != null);
        if (want != null) {
          assertThat(row[0]).isEqualTo(want[0]);
          assertThat((int) row[1]).isEqualTo((int) want[1]);
          assertThat(states[0]).isSameAs(stateFor.get(probe));
        }
      }
      assertThat(index.size()).as("seed %d, step %d", seed, step).isEqualTo(ref.entries.size());
      assertThat(index.evicted()).isEqualTo(ref.evicted);
      if (step % 4_999 == 0) {
        assertThat(fingerprints(index.entries())).as("seed %d, step %d", seed, step)
            .isEqualTo(fingerprints(index, ref.entries.keySet()));
      }
    }
    List<LabelIndex.Entry> entries = index.entries();
    List<Long> order = fingerprints(index, ref.entries.keySet());
    assertThat(fingerprints(entries)).isEqualTo(order);
    assertThat(entries.stream().map(LabelIndex.Entry::time).toList())
        .isEqualTo(ref.entries.values().stream().map(v -> v[0]).toList());
    Map<Long, String> idOf = idsByFingerprint(index, ref.entries.keySet());
    LabelIndex copy = new LabelIndex(new int[] {0}, retention, max, pageBits, firstSeq, ~seed);
    copy.restore(index.seed(), entries);
    assertThat(fingerprints(copy.entries())).isEqualTo(order);
    assertThat(copy.entries())
        .allSatisfy(e -> assertThat(e.states()).containsExactly(stateFor.get(idOf.get(e.fingerprint()))));
    assertThat(entries)
        .allSatisfy(e -> assertThat(e.states()).containsExactly(stateFor.get(idOf.get(e.fingerprint()))));
    for (String id : ref.entries.keySet()) {
      assertThat(copy.get(id)).as("seed %d, %s restored", seed, id).isNotNull()
          .returns(ref.entries.get(id)[0], LabelIndex.Entry::time);
    }
  }

  @Test
  void labelIndex_randomPutsWithDuplicatesExpiryAndBound_behaveAsAnInsertionOrderedMap() {
    randomRun(System.nanoTime(), 100_000, 5_000, 3_000, LabelIndex.PAGE_BITS, 0, n -> "t" + n);
  }

  @Test
  void labelIndex_smallPagesGrowingWhileEvicting_behaveAsAnInsertionOrderedMap() {
    for (int pageBits : new int[] {0, 1, 3, 5}) {
      randomRun(System.nanoTime(), 60_000, 5_000, 3_000, pageBits, 0, n -> "t" + n);
    }
  }

  @Test
  void labelIndex_manyPageAndSubTableGrowthsWithoutRemoval_behaveAsAnInsertionOrderedMap() {
    randomRun(System.nanoTime(), 150_000, Long.MAX_VALUE / 4, Long.MAX_VALUE, 4, 0, n -> "t" + n);
  }

  @Test
  void labelIndex_sequenceWrapsTheTableLowBits_behaveAsAnInsertionOrderedMap() {
    randomRun(System.nanoTime(), 60_000, 5_000, 3_000, 3, (1L << 31) - 20_000, n -> "t" + n);
    randomRun(System.nanoTime(), 60_000, 5_000, 3_000, 3, (1L << 32) - 30_001, n -> "t" + n);
  }

  @Test
  void labelIndex_idsWithEqualStringHashes_behaveAsAnInsertionOrderedMap() {
    assertThat(colliding(0).hashCode()).isEqualTo(colliding(255).hashCode());
    randomRun(System.nanoTime(), 40_000, 5_000, 3_000, 2, 0, LabelIndexTest::colliding);
  }

  @Test
  void grow_headMidPage_splitsTheSharedPageAndKeepsOrder() {
    int pageBits = 3;
    for (int cut = 0; cut < 1 << pageBits; cut++) {
      LabelIndex index = new LabelIndex(new int[] {0}, 100, Long.MAX_VALUE, pageBits, 0, cut);
      for (int i = 0; i < cut; i++) {
        put(index, "old" + i, 0, i, "o", 0);
      }
      List<String> want = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        String id = "t" + i;
        put(index, id, 1_000, i, "k" + i, 1_000);
        want.add(id);
        assertThat(fingerprints(index.entries())).as("cut %d, after %d", cut, i)
            .containsExactlyElementsOf(fingerprints(index, want));
        for (int j = 0; j <= i; j++) {
          LabelIndex.Entry e = index.get("t" + j);
          assertThat(e).as("cut %d, t%d after %d", cut, j, i).isNotNull();
          assertThat(e.txHash()).isEqualTo(j);
        }
        assertThat(index.get("old0")).isNull();
      }
      Map<Long, String> idOf = idsByFingerprint(index, want);
      assertThat(index.entries()).allSatisfy(e -> assertThat(e.states())
          .containsExactly(stateOf("k" + idOf.get(e.fingerprint()).substring(1))));
    }
  }

  @Test
  void get_afterManyPuts_findsEveryRetainedIdAndNoOther() {
    LabelIndex index = new LabelIndex(new int[] {0}, 150_000, Long.MAX_VALUE, LabelIndex.PAGE_BITS, 0, 42);
    for (int i = 0; i < 300_000; i++) {
      put(index, "tx-" + i, i, i * 31, "k", i);
    }
    assertThat(index.size()).isEqualTo(150_000);
    long[] row = new long[2];
    EntityState[] states = new EntityState[1];
    for (int i = 0; i < 300_000; i++) {
      boolean retained = i >= 150_000;
      states[0] = null;
      assertThat(index.get("tx-" + i, -1, row, states)).as("tx-%d", i).isEqualTo(retained);
      if (retained) {
        assertThat(row).containsExactly(i, i * 31);
        assertThat(states[0]).isSameAs(STATE);
      }
      assertThat(index.get("absent-" + i)).isNull();
      assertThat(index.get("tx-" + i + " ")).isNull();
    }
  }

  @Test
  void put_manyEntriesExpiring_sweepsTheirCellsAndKeepsTheTableSmall() {
    // 1,000,000 puts, about 100 live at a time: the cells of dropped entries must be swept, not only left dead
    // (left, they would fill every sub-table, doubling it to over 16 MB in all)
    LabelIndex index = new LabelIndex(new int[] {0}, 100, Long.MAX_VALUE, 4, 0, 11);
    for (int i = 0; i < 1_000_000; i++) {
      put(index, "tx-" + i, i, i, "k", i);
    }
    assertThat(index.size()).isEqualTo(100);
    assertThat(index.bytes()).isLessThan(64 * 1024);
    for (int i = 999_800; i < 1_000_000; i++) {
      assertThat(index.get("tx-" + i) != null).as("tx-%d", i).isEqualTo(i >= 999_900);
    }
    put(index, "tx-999800", 1_000_000, 5, "k", 1_000_000);
    assertThat(index.get("tx-999800")).isNotNull().returns(5, LabelIndex.Entry::txHash);
    assertThat(index.size()).isEqualTo(100);
  }

  @Test
  void fingerprint_otherSeed_differsAndRestoreAdoptsTheSeed() {
    LabelIndex a = new LabelIndex(new int[] {0}, 100, Long.MAX_VALUE, 3, 0, 1);
    LabelIndex b = new LabelIndex(new int[] {0}, 100, Long.MAX_VALUE, 3, 0, 2);
    assertThat(a.fingerprint("tx-1")).isNotEqualTo(b.fingerprint("tx-1")).isEqualTo(a.fingerprint("tx-1"));
    for (int i = 0; i < 50; i++) {
      put(a, "tx-" + i, 10, i, "k", 10);
    }
    put(b, "only-in-b", 10, 99, "k", 10);
    b.restore(a.seed(), a.entries());
    assertThat(b.seed()).isEqualTo(1);
    assertThat(b.get("only-in-b")).isNull();
    for (int i = 0; i < 50; i++) {
      assertThat(b.get("tx-" + i)).as("tx-%d", i).isNotNull().returns(i, LabelIndex.Entry::txHash);
    }
    put(b, "tx-7", 20, 700, "k", 20);
    assertThat(b.size()).isEqualTo(50);
    assertThat(b.get("tx-7").txHash()).isEqualTo(700);
  }

  @Test
  void put_existingIdAfterGrowth_updatesInPlace() {
    LabelIndex index = new LabelIndex(new int[] {0}, 100, Long.MAX_VALUE, 2, 0, 7);
    put(index, "z", 0, 0, "k", 0);
    put(index, "old", 0, 0, "k", 0);
    for (int i = 0; i < 100; i++) {
      put(index, "t" + i, 10, i, "k", 10);
    }
    put(index, "old", 20, 7, "k", 20);
    assertThat(fingerprints(index.entries())).startsWith(index.fingerprint("z"), index.fingerprint("old"),
        index.fingerprint("t0"));
    assertThat(index.get("old").txHash()).isEqualTo(7);
    assertThat(index.size()).isEqualTo(102);
  }

  @Test
  void clear_afterGrowth_emptiesAndAcceptsNewEntries() {
    LabelIndex index = new LabelIndex(new int[] {0}, 100, Long.MAX_VALUE, 2, 0, 7);
    for (int i = 0; i < 1_000; i++) {
      put(index, "t" + i, 0, i, "k", 0);
    }
    long grown = index.bytes();
    index.clear();
    assertThat(index.size()).isZero();
    assertThat(index.get("t1")).isNull();
    assertThat(index.bytes()).isLessThan(grown);
    put(index, "t1", 0, 5, "k", 0);
    assertThat(index.get("t1").txHash()).isEqualTo(5);
    assertThat(fingerprints(index.entries())).containsExactly(index.fingerprint("t1"));
  }

  @Test
  void constructor_badPageBitsOrSequence_rejected() {
    assertThatThrownBy(() -> new LabelIndex(new int[0], 1, 1, 21, 0, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pageBits");
    assertThatThrownBy(() -> new LabelIndex(new int[0], 1, 1, 2, -1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("firstSeq");
  }

  @Test
  void touch_racingPutsGrowthEvictionAndClear_neverThrows() throws InterruptedException {
    long seed = System.nanoTime();
    System.out.println("LabelIndexTest seed " + seed);
    LabelIndex index = new LabelIndex(new int[] {0}, 2_000, 50_000, 1, (1L << 31) - 100_000, seed);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    long[] sink = new long[1];
    Thread toucher = new Thread(() -> {
      SplittableRandom r = new SplittableRandom(seed + 1);
      try {
        while (!done.get()) {
          sink[0] += index.touch(index.fingerprint("t" + r.nextInt(300_000)));
        }
      } catch (Throwable t) {
        failure.set(t);
      }
    });
    toucher.start();
    SplittableRandom r = new SplittableRandom(seed);
    long clock = 0;
    for (int step = 0; step < 300_000; step++) {
      clock += r.nextInt(3);
      if (r.nextInt(20_000) == 0) {
        clock += 1_500;
      }
      if (r.nextInt(100_000) == 0) {
        index.clear();
      }
      put(index, "t" + step, clock, step, "k", clock);
    }
    done.set(true);
    toucher.join();
    assertThat(failure.get()).as("seed %d", seed).isNull();
    System.out.println("LabelIndexTest touch sink " + sink[0]);
  }
}
