package dev.fraudengine.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Parity: the compact and the Caffeine entity maps give the same features, hold the same entities and count the
 * same idle evictions.
 */
class EntityMapKindTest {

  private static OnlineFeaturePipeline standard(OnlineFeaturePipeline.EntityMapKind kind) {
    return FeaturePipelines.builder().addAll(FeaturePipelines.standardFeatures()).idleTimeout(Duration.ofDays(3))
        .entityMap(kind).build();
  }

  @Test
  void compactAndCaffeine_randomStreamWithIdleExpiry_giveSameFeaturesAndEvictions() {
    long seed = Long.getLong("seed", System.nanoTime());
    System.out.println("EntityMapKindTest seed " + seed);
    SplittableRandom r = new SplittableRandom(seed);
    OnlineFeaturePipeline compact = standard(OnlineFeaturePipeline.EntityMapKind.COMPACT);
    OnlineFeaturePipeline caffeine = standard(OnlineFeaturePipeline.EntityMapKind.CAFFEINE);
    long t = 0;
    for (int i = 0; i < 20_000; i++) {
      t += r.nextInt(120_000);
      Transaction.Builder b = Transaction.builder().id("tx" + i).eventTime(Txs.at(Duration.ofMillis(t)))
          .amount(1 + r.nextInt(50_000) / 100.0, "EUR").card("card" + r.nextInt(400))
          .terminal("term" + r.nextInt(100));
      if (r.nextBoolean()) {
        b.device("dev" + r.nextInt(300)).ip("10.0." + r.nextInt(4) + "." + r.nextInt(100));
      }
      if (r.nextInt(3) == 0) {
        b.location(40 + r.nextDouble() * 10, r.nextDouble() * 10);
      }
      Transaction tx = b.build();
      float[] a = compact.process(tx);
      float[] c = caffeine.process(tx);
      assertThat(Arrays.equals(a, c)).as("row %d (seed %d): %s vs %s", i, seed, Arrays.toString(a),
          Arrays.toString(c)).isTrue();
      if (r.nextInt(20) == 0) {
        Label label = r.nextBoolean() ? Label.FRAUD : Label.LEGITIMATE;
        compact.feedback(tx.id(), label, tx.eventTime().plus(Duration.ofDays(1)));
        caffeine.feedback(tx.id(), label, tx.eventTime().plus(Duration.ofDays(1)));
      }
      // stats() runs Caffeine's pending maintenance: an expired entry that a lookup replaces before maintenance
      // removed it is not counted by Caffeine's eviction listener, while the compact map counts every expiry
      assertThat(compact.stats().evictions()).as("evictions after row %d (seed %d)", i, seed)
          .isEqualTo(caffeine.stats().evictions());
    }
    OnlineFeaturePipeline.Stats a = compact.stats();
    OnlineFeaturePipeline.Stats c = caffeine.stats();
    assertThat(a.evictions()).as("seed %d", seed).isPositive().isEqualTo(c.evictions());
    assertThat(a).as("seed %d", seed).isEqualTo(c);
  }

  @Test
  void builder_nullEntityMapKind_isRejected() {
    assertThatThrownBy(() -> FeaturePipelines.builder().entityMap(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("kind");
  }
}
