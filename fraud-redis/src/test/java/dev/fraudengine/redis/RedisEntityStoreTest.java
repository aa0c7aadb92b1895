package dev.fraudengine.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.features.Entity;
import dev.fraudengine.features.EntityStore;
import dev.fraudengine.features.Feature;
import dev.fraudengine.features.FeaturePipelines;
import dev.fraudengine.features.OnlineFeaturePipeline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The Redis store against a throw-away local server: semantics equal to the in-memory state, atomicity, labels. */
class RedisEntityStoreTest {
  private static final Instant T0 = Instant.parse("2024-03-04T12:00:00Z");
  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static RedisServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = RedisServer.start();
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static RedisEntityStore store() {
    return RedisEntityStore.builder().uri(server.uri()).timeout(Duration.ofSeconds(2))
        .keyPrefix("test" + PREFIXES.incrementAndGet() + ":").build();
  }

  private static OnlineFeaturePipeline.Builder standard(int maxEvents) {
    return FeaturePipelines.builder().schema("standard", "1").addAll(FeaturePipelines.standardFeatures())
        .maxEventsPerEntity(maxEvents);
  }

  @Test
  void builder_badUri_rejectsNamingUri() {
    assertThatThrownBy(() -> RedisEntityStore.builder().uri("http://nowhere"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("uri");
  }

  @Test
  void builder_badTimeout_rejectsNamingTimeout() {
    assertThatThrownBy(() -> RedisEntityStore.builder().timeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> RedisEntityStore.builder().timeout(Duration.ofMinutes(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timeout");
    assertThatThrownBy(() -> RedisEntityStore.builder().connectTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
    assertThatThrownBy(() -> RedisEntityStore.builder().connectTimeout(Duration.ofMinutes(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectTimeout");
  }

  @Test
  void builder_blankPrefixOrZeroTtl_rejects() {
    assertThatThrownBy(() -> RedisEntityStore.builder().keyPrefix(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keyPrefix");
    assertThatThrownBy(() -> RedisEntityStore.builder().ttl(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
    assertThatThrownBy(() -> RedisEntityStore.builder().uri(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("uri");
  }

  @Test
  void build_noServerListening_throwsFeatureStateFailed() throws Exception {
    int port = RedisServer.freePort();
    assertThatThrownBy(() -> RedisEntityStore.builder().uri("redis://127.0.0.1:" + port)
        .timeout(Duration.ofMillis(200)).build())
        .isInstanceOf(FraudEngineException.class)
        .satisfies(e -> assertThat(((FraudEngineException) e).code()).isEqualTo(ErrorCode.FEATURE_STATE_FAILED));
  }

  @Test
  void snapshot_pipelineWithStore_isRefused() {
    try (OnlineFeaturePipeline p = standard(100).store(store(), EntityStore.FailurePolicy.FAIL_CLOSED).build()) {
      assertThatThrownBy(() -> p.snapshot(java.nio.file.Path.of("unused.snap")))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("EntityStore");
    }
  }

  /**
   * Every feature of the standard pipeline (windows, delayed-label risk, distinct counts, new pairs, first seen,
   * geo), with out-of-order events, same-time ties, missing keys and the event bound, equals the in-memory one.
   */
  @Test
  void standardPipeline_randomStreamWithLabels_equalsInMemoryOnEveryFeature() {
    long seed = 20240304L;
    System.out.println("standardPipeline_randomStreamWithLabels seed=" + seed);
    Random r = new Random(seed);
    List<Transaction> txs = new ArrayList<>();
    long t = T0.toEpochMilli();
    for (int i = 0; i < 2500; i++) {
      t += r.nextInt(40) == 0 ? 0 : r.nextInt(1_800_000);
      long at = r.nextInt(10) == 0 ? t - r.nextInt(1_800_000) : t;
      Transaction.Builder b = Transaction.builder().id("tx" + i).eventTime(Instant.ofEpochMilli(at))
          .amount(1 + r.nextInt(50_000) / 100.0, "EUR").card("card" + r.nextInt(25))
          .terminal("term" + r.nextInt(12));
      if (r.nextInt(4) != 0) {
        b.device("dev" + r.nextInt(15));
      }
      if (r.nextInt(3) != 0) {
        b.ip("10.0.0." + r.nextInt(20));
      }
      if (r.nextBoolean()) {
        b.location(40 + r.nextDouble() * 10, -5 + r.nextDouble() * 15);
      }
      txs.add(b.build());
    }
    RedisEntityStore store = store();
    try (OnlineFeaturePipeline memory = standard(40).build();
        OnlineFeaturePipeline redis = standard(40).store(store, EntityStore.FailurePolicy.FAIL_CLOSED).build()) {
      List<String> mismatches = new ArrayList<>();
      for (Transaction tx : txs) {
        float[] want = memory.process(tx);
        float[] got = redis.process(tx);
        if (!Arrays.equals(want, got)) {
          mismatches.add(tx.id() + ": want " + Arrays.toString(want) + " got " + Arrays.toString(got));
        }
        if (r.nextInt(8) == 0) {
          Label label = r.nextInt(3) == 0 ? Label.FRAUD : Label.LEGITIMATE;
          Instant labelTime = tx.eventTime().plus(Duration.ofDays(r.nextInt(10)));
          memory.feedback(tx.id(), label, labelTime);
          redis.feedback(tx.id(), label, labelTime);
        }
      }
      redis.feedback("never-seen", Label.FRAUD, T0);
      memory.feedback("never-seen", Label.FRAUD, T0);
      assertThat(mismatches).as("first mismatches: %s", mismatches.subList(0, Math.min(3, mismatches.size())))
          .isEmpty();
      OnlineFeaturePipeline.Stats m = memory.stats();
      OnlineFeaturePipeline.Stats s = redis.stats();
      assertThat(m.droppedEvents()).isPositive();
      assertThat(s.droppedEvents()).isEqualTo(m.droppedEvents());
      assertThat(s.labelsApplied()).isEqualTo(m.labelsApplied()).isPositive();
      assertThat(s.labelsUnmatched()).isEqualTo(m.labelsUnmatched());
      assertThat(store.stats().recordFailures()).isZero();
      assertThat(store.stats().recorded()).isEqualTo(txs.size());
    }
  }

  /**
   * Two "service instances" (pipelines with their own connection) and eight threads score the same five cards at
   * the same instant: each card's counts, over every transaction, are exactly 1..n, so no update was lost and no two
   * transactions saw the same state.
   */
  @Test
  void twoInstances_concurrentSameCards_noLostUpdate() throws Exception {
    String prefix = "concurrent" + PREFIXES.incrementAndGet() + ":";
    Feature count = Feature.count(Entity.CARD, Duration.ofDays(1));
    OnlineFeaturePipeline[] instances = new OnlineFeaturePipeline[2];
    for (int i = 0; i < 2; i++) {
      instances[i] = FeaturePipelines.builder().schema("velocity", "1").add(count)
          .store(RedisEntityStore.builder().uri(server.uri()).timeout(Duration.ofSeconds(5)).keyPrefix(prefix)
              .build(), EntityStore.FailurePolicy.FAIL_CLOSED)
          .build();
    }
    int threads = 8;
    int perThread = 250;
    int cards = 5;
    Map<String, ConcurrentLinkedQueue<Integer>> seen = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int th = 0; th < threads; th++) {
        OnlineFeaturePipeline p = instances[th % 2];
        int thread = th;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            String card = "card" + (i % cards);
            Transaction tx = Transaction.builder().id("t" + thread + "-" + i).eventTime(T0).amount(10, "EUR")
                .card(card).build();
            seen.computeIfAbsent(card, c -> new ConcurrentLinkedQueue<>()).add((int) p.process(tx)[0]);
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    int n = threads * perThread / cards;
    Set<Integer> expected = new TreeSet<>();
    for (int i = 1; i <= n; i++) {
      expected.add(i);
    }
    for (int c = 0; c < cards; c++) {
      List<Integer> counts = new ArrayList<>(seen.get("card" + c));
      assertThat(counts).hasSize(n);
      assertThat(new TreeSet<>(counts)).isEqualTo(expected);
      Transaction probe = Transaction.builder().id("probe" + c).eventTime(T0.plusSeconds(1)).amount(1, "EUR")
          .card("card" + c).build();
      assertThat(instances[c % 2].process(probe)[0]).isEqualTo(n + 1f);
    }
    for (OnlineFeaturePipeline p : instances) {
      p.close();
    }
  }

  /** A label given to one instance reaches the delayed-label risk another instance computes. */
  @Test
  void feedback_onOtherInstance_reachesDelayedRisk() {
    String prefix = "labels" + PREFIXES.incrementAndGet() + ":";
    Map<String, OnlineFeaturePipeline> instances = new HashMap<>();
    for (String name : List.of("a", "b")) {
      instances.put(name, FeaturePipelines.builder().schema("handbook", "1")
          .addAll(FeaturePipelines.handbookFeatures())
          .store(RedisEntityStore.builder().uri(server.uri()).timeout(Duration.ofSeconds(2)).keyPrefix(prefix)
              .build(), EntityStore.FailurePolicy.FAIL_CLOSED)
          .build());
    }
    OnlineFeaturePipeline a = instances.get("a");
    OnlineFeaturePipeline b = instances.get("b");
    a.process(Transaction.builder().id("x1").eventTime(T0).amount(100, "EUR").card("c1").terminal("T").build());
    a.process(Transaction.builder().id("x2").eventTime(T0.plusSeconds(60)).amount(50, "EUR").card("c2")
        .terminal("T").build());
    b.feedback("x1", Label.FRAUD, T0.plus(Duration.ofDays(7)));
    float[] f = b.process(Transaction.builder().id("x3").eventTime(T0.plus(Duration.ofDays(7)).plusSeconds(3600))
        .amount(10, "EUR").card("c3").terminal("T").build());
    int count1d = b.schema().features().indexOf("terminal.txn_count_1d_delay7d");
    int risk1d = b.schema().features().indexOf("terminal.risk_1d_delay7d");
    assertThat(f[count1d]).isEqualTo(2f);
    assertThat(f[risk1d]).isEqualTo(0.5f);
    assertThat(b.stats().labelsApplied()).isEqualTo(1);
    instances.values().forEach(OnlineFeaturePipeline::close);
  }
}
