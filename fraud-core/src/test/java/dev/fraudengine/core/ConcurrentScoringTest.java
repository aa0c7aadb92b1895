package dev.fraudengine.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudengine.core.testing.CountingPipeline;
import dev.fraudengine.core.testing.TestModels;
import dev.fraudengine.core.testing.Transactions;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConcurrentScoringTest {
  private static final int THREADS = 8;
  private static final int PER_THREAD = 10_000;

  @Test
  void score_eightThreads_everyDecisionCountedExactlyOnce() throws Exception {
    CountingPipeline pipeline = new CountingPipeline();
    AtomicLong listened = new AtomicLong();
    FraudEngine engine = FraudEngine.builder()
        .clock(Clock.fixed(Transactions.NOW, ZoneOffset.UTC))
        .features(pipeline)
        .model(TestModels.of("amount", f -> Math.min(1, f[0] / 1000.0)))
        .rules(RuleSet.of("v1", Rule.block("huge", ctx -> ctx.feature("amount") > 950)))
        .listenerQueueCapacity(THREADS * PER_THREAD)
        .listener((tx, d) -> listened.incrementAndGet())
        .build();
    try {
      List<List<Transaction>> work = new ArrayList<>();
      Map<Verdict, Long> expected = new EnumMap<>(Verdict.class);
      for (int t = 0; t < THREADS; t++) {
        List<Transaction> txs = new ArrayList<>(PER_THREAD);
        for (int i = 0; i < PER_THREAD; i++) {
          double amount = 1 + (t * 7919L + i * 104_729L) % 1000;
          txs.add(Transactions.valid().id("t" + t + "-" + i).card("card-" + (i % 50)).amount(amount, "EUR").build());
          expected.merge(expectedVerdict(amount), 1L, Long::sum);
        }
        work.add(txs);
      }

      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      List<Future<Integer>> results = new ArrayList<>();
      for (List<Transaction> txs : work) {
        Callable<Integer> task = () -> {
          int n = 0;
          for (Transaction tx : txs) {
            engine.score(tx);
            n++;
          }
          return n;
        };
        results.add(pool.submit(task));
      }
      int scored = 0;
      for (Future<Integer> f : results) {
        scored += f.get();
      }
      pool.shutdown();

      EngineMetrics m = engine.metrics();
      assertThat(scored).isEqualTo(THREADS * PER_THREAD);
      assertThat(m.decisions()).isEqualTo(THREADS * PER_THREAD);
      assertThat(m.latency().count()).isEqualTo(THREADS * PER_THREAD);
      for (Verdict v : Verdict.values()) {
        assertThat(m.decisions(v)).as("decisions with %s", v).isEqualTo(expected.getOrDefault(v, 0L));
      }
      assertThat(m.rejected()).isZero();
      assertThat(m.degraded()).isZero();
      assertThat(pipeline.state().values().stream().mapToInt(Integer::intValue).sum())
          .isEqualTo(THREADS * PER_THREAD);
    } finally {
      engine.close();
    }
    assertThat(listened.get() + engine.metrics().listenerDropped()).isEqualTo(THREADS * PER_THREAD);
  }

  private static Verdict expectedVerdict(double amount) {
    if (amount > 950) {
      return Verdict.BLOCK;
    }
    return VerdictPolicy.defaults().verdict(VerdictPolicy.defaults().riskLevel(Math.min(1, (float) amount / 1000.0)));
  }
}
