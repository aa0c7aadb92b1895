package dev.fraudengine.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class IntCountsTest {
  @Test
  void intCounts_randomAddsAndRemoves_agreeWithAHashMapOfCounts() {
    long seed = System.nanoTime();
    System.out.println("IntCountsTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    IntCounts counts = new IntCounts(4);
    Map<Integer, Integer> reference = new HashMap<>();
    for (int step = 0; step < 200_000; step++) {
      // few distinct keys at first, then many, then few again: the table grows and shrinks
      int range = step < 50_000 ? 20 : step < 120_000 ? 5_000 : 50;
      int key = r.nextInt(-range, range + 1);
      if (key == 0) {
        continue;
      }
      if (reference.containsKey(key) && r.nextBoolean()) {
        counts.remove(key);
        reference.merge(key, -1, Integer::sum);
        reference.remove(key, 0);
      } else if (step < 160_000) {
        counts.add(key);
        reference.merge(key, 1, Integer::sum);
      }
      int probe = r.nextInt(-range, range + 1);
      if (probe != 0) {
        assertThat(counts.contains(probe)).as("seed %d, step %d, key %d", seed, step, probe)
            .isEqualTo(reference.containsKey(probe));
      }
      assertThat(counts.size()).as("seed %d, step %d", seed, step).isEqualTo(reference.size());
    }
  }

  @Test
  void remove_absentKey_throwsIllegalState() {
    IntCounts counts = new IntCounts(2);
    counts.add(7);
    assertThatThrownBy(() -> counts.remove(8)).isInstanceOf(IllegalStateException.class).hasMessageContaining("8");
  }
}
