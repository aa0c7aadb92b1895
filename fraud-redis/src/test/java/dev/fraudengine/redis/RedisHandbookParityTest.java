package dev.fraudengine.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudengine.core.testing.HandbookData;
import dev.fraudengine.features.EntityStore;
import dev.fraudengine.features.FeaturePipelines;
import dev.fraudengine.features.OnlineFeaturePipeline;
import dev.fraudengine.features.Replay;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Replays the first {@value #DAYS} days of the handbook's transactions (past the longest span, 30 days behind a
 * 7-day delay), with every label fed back 7 days after its transaction, through the in-memory and the Redis-backed
 * {@link FeaturePipelines#handbook()} pipelines, and compares every feature of every row. To keep it fast, only the
 * transactions of one card in {@value #CARD_SHARE} are replayed (the same rows for both pipelines). Skips without
 * the data or a {@code redis-server}.
 */
class RedisHandbookParityTest {
  private static final String RAW = "transactions-2018-04-to-08.csv.gz";
  private static final int DAYS = 40;
  private static final int CARD_SHARE = 10;

  private static Stream<Replay.Labelled> slice(Path file) {
    Instant end = Instant.parse("2018-04-01T00:00:00Z").plus(Duration.ofDays(DAYS));
    return Replay.readFdh(file)
        .takeWhile(r -> r.transaction().eventTime().isBefore(end))
        .filter(r -> Integer.parseInt(r.transaction().cardId()) % CARD_SHARE == 0);
  }

  @Test
  void handbook_sliceOfHandbookData_redisEqualsInMemoryOnEveryFeature() throws Exception {
    Path file = HandbookData.require(RAW).resolve(RAW);
    try (RedisServer server = RedisServer.start()) {
      Map<String, float[]> expected = new HashMap<>();
      OnlineFeaturePipeline memory = FeaturePipelines.handbook();
      try (Stream<Replay.Labelled> rows = slice(file)) {
        Replay.of(memory).run(rows, (tx, features, label) -> expected.put(tx.id(), features));
      }
      RedisEntityStore store = RedisEntityStore.builder().uri(server.uri()).timeout(Duration.ofSeconds(2)).build();
      OnlineFeaturePipeline redis = FeaturePipelines.builder().schema("handbook", "1")
          .addAll(FeaturePipelines.handbookFeatures()).store(store, EntityStore.FailurePolicy.FAIL_CLOSED).build();
      List<String> names = redis.schema().features();
      List<String> mismatches = new ArrayList<>();
      int[] compared = {0};
      long start = System.nanoTime();
      long n;
      try (Stream<Replay.Labelled> rows = slice(file)) {
        n = Replay.of(redis).run(rows, (tx, features, label) -> {
          compared[0]++;
          float[] want = expected.get(tx.id());
          if (!Arrays.equals(want, features) && mismatches.size() < 20) {
            for (int i = 0; i < names.size(); i++) {
              if (Float.compare(want[i], features[i]) != 0) {
                mismatches.add(tx.id() + " " + names.get(i) + ": in-memory " + want[i] + ", redis " + features[i]);
              }
            }
          }
        });
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("redis handbook parity: %,d transactions over %d days (1 card in %d) in %.1f s through "
          + "Redis (%,.0f tx/s incl. CSV parsing, one thread); %s; in-memory %s; redis %s%n", n, DAYS, CARD_SHARE,
          seconds, n / seconds, store.stats(), memory.stats(), redis.stats());
      assertThat(compared[0]).isEqualTo(expected.size()).isGreaterThan(30_000);
      assertThat(mismatches).isEmpty();
      assertThat(redis.stats().labelsApplied()).isEqualTo(memory.stats().labelsApplied()).isPositive();
      assertThat(store.stats().recordFailures()).isZero();
      redis.close();
    }
  }
}
