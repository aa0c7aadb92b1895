package dev.fraudengine.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LabelIndexTest {
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

  @Test
  void labelIndex_randomPutsWithDuplicatesExpiryAndBound_behaveAsAnInsertionOrderedMap() {
    long seed = System.nanoTime();
    System.out.println("LabelIndexTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    long retention = 5_000;
    long max = 3_000;
    LabelIndex index = new LabelIndex(new int[] {1}, new int[] {0}, retention, max);
    Reference ref = new Reference();
    long clock = 0;
    EntityState state = new EntityState(true, 0, false, 1);
    for (int step = 0; step < 100_000; step++) {
      clock += r.nextInt(step < 50_000 ? 3 : 1);
      long time = clock - r.nextInt(50);
      String id = "t" + (r.nextInt(10) == 0 ? r.nextInt(step + 1) : step);
      int hash = r.nextInt();
      index.put(id, time, hash, new String[] {"card", "k" + step}, new EntityState[] {state}, clock);
      ref.put(id, time, hash, clock, retention, max);
      String probe = "t" + r.nextInt(step + 1);
      LabelIndex.Entry e = index.get(probe);
      long[] want = ref.entries.get(probe);
      assertThat(e == null).as("seed %d, step %d, %s", seed, step, probe).isEqualTo(want == null);
      if (e != null) {
        assertThat(e.time()).isEqualTo(want[0]);
        assertThat(e.txHash()).isEqualTo((int) want[1]);
        assertThat(e.states()).containsExactly(state);
      }
      assertThat(index.size()).as("seed %d, step %d", seed, step).isEqualTo(ref.entries.size());
      assertThat(index.evicted()).isEqualTo(ref.evicted);
    }
    List<Map.Entry<String, LabelIndex.Entry>> entries = index.entries();
    assertThat(entries).extracting(Map.Entry::getKey).containsExactlyElementsOf(ref.entries.keySet());
    LabelIndex copy = new LabelIndex(new int[] {1}, new int[] {0}, retention, max);
    copy.putAll(entries);
    assertThat(copy.entries()).extracting(Map.Entry::getKey).containsExactlyElementsOf(ref.entries.keySet());
    assertThat(copy.entries().get(0).getValue().keys()).containsExactly(entries.get(0).getValue().keys());
    assertThat(entries).allSatisfy(e -> assertThat(e.getValue().keys()).singleElement().asString().startsWith("k"));
  }
}
