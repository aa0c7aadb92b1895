package dev.fraudengine.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.RuleHit;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.features.FeaturePipelines;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FraudStreamTest {
  private static final int PARALLELISM = 2;
  private static final int N = 5_000;

  @RegisterExtension
  static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
      .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(PARALLELISM).build());

  private static final AtomicBoolean FAILED = new AtomicBoolean();
  private static final AtomicInteger CHECKPOINTS = new AtomicInteger();

  private Map<String, Decision> expected;
  private Map<String, float[]> expectedFeatures;

  @BeforeEach
  void embeddedRun() {
    System.out.println("seed " + Streams.SEED);
    Streams.COMPUTED.clear();
    expected = new HashMap<>();
    try (FraudEngine engine = Streams.engine(FeaturePipelines.handbook())) {
      for (Transaction tx : Streams.transactions(N)) {
        expected.put(tx.id(), engine.score(tx));
        engine.feedback(tx.id(), Streams.label(tx), tx.eventTime().plus(Streams.LABEL_DELAY));
      }
    }
    expectedFeatures = new HashMap<>();
    Streams.COMPUTED.forEach((id, vectors) -> expectedFeatures.put(id, vectors.get(0)));
    Streams.COMPUTED.clear();
  }

  @Test
  void decisions_handbookStream_equalEmbeddedEngine() throws Exception {
    StreamExecutionEnvironment env = environment(false);
    List<Decision> decisions = run(env, sources(env, false));

    assertThat(expected.values()).anySatisfy(d -> assertThat(d.ruleHits()).isNotEmpty());
    assertThat(expectedFeatures.values()).anySatisfy(f -> assertThat(f[14]).isGreaterThan(0));
    assertParity(decisions);
  }

  @Test
  void decisions_restartFromCheckpoint_continueWithIdenticalFeatures() throws Exception {
    FAILED.set(false);
    CHECKPOINTS.set(0);
    StreamExecutionEnvironment env = environment(true);
    List<Decision> decisions = run(env, sources(env, true));

    assertThat(FAILED).as("the job failed once and restarted from a checkpoint (%s checkpoints)", CHECKPOINTS).isTrue();
    assertParity(decisions);
    assertThat(Streams.COMPUTED.values()).as("some transactions were computed again after the restart")
        .anySatisfy(v -> assertThat(v).hasSizeGreaterThan(1));
  }

  @Test
  void decisions_invalidTransaction_isRejectedBeforeState() throws Exception {
    StreamExecutionEnvironment env = environment(false);
    Transaction good = Streams.transaction(0);
    Transaction bad = good.toBuilder().id("bad-1").amount(-5, "??").build();
    FraudStream fraud = fraud();
    FraudStream.Result result = fraud.apply(env.fromData(List.of(bad, good), FraudStream.transactionType()));
    List<Rejection> rejected = result.rejected().executeAndCollect(10);

    assertThat(rejected).singleElement().satisfies(r -> {
      assertThat(r.transaction().id()).isEqualTo("bad-1");
      assertThat(r.reason()).contains("amount").contains("currency");
    });
  }

  @Test
  void build_missingParts_throwsIllegalState() {
    assertThatThrownBy(() -> FraudStream.builder().engine(Streams::engine).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("features");
    assertThatThrownBy(() -> FraudStream.builder().features("h", "1", FeaturePipelines::handbookFeatures).build())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("engine");
  }

  @Test
  void builder_badArguments_throwWithValue() {
    FraudStream.Builder b = FraudStream.builder();
    assertThatThrownBy(() -> b.maxEventsPerEntity(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEventsPerEntity").hasMessageContaining("0");
    assertThatThrownBy(() -> b.allowedLateness(Duration.ofHours(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("allowedLateness").hasMessageContaining("PT-1H");
    assertThatThrownBy(() -> b.stateTtl(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stateTtl").hasMessageContaining("PT0S");
    assertThatThrownBy(() -> b.labelTtl(Duration.ofDays(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("labelTtl");
    assertThatThrownBy(() -> b.features(" ", "1", FeaturePipelines::handbookFeatures))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
    assertThatThrownBy(() -> b.engine(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("engine");
    assertThatThrownBy(() -> new Feedback(" ", dev.fraudengine.core.Label.FRAUD, Instant.EPOCH))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("transactionId");
  }

  @Test
  void schema_handbookFeatures_equalsEmbeddedPipeline() {
    assertThat(fraud().schema()).isEqualTo(FeaturePipelines.handbook().schema());
  }

  private static FraudStream fraud() {
    return FraudStream.builder()
        .features("handbook", "1", FeaturePipelines::handbookFeatures)
        .engine(Streams::engine)
        .build();
  }

  private static StreamExecutionEnvironment environment(boolean restartable) {
    Configuration config = new Configuration();
    if (restartable) {
      config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
      config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(100));
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
    env.setParallelism(PARALLELISM);
    env.setBufferTimeout(0);
    if (restartable) {
      env.enableCheckpointing(100);
    }
    return env;
  }

  private record Sources(DataStream<Transaction> transactions, DataStream<Feedback> feedback) {}

  private static Sources sources(StreamExecutionEnvironment env, boolean failOnce) {
    DataStream<Transaction> txs = env.fromSource(new DataGeneratorSource<>(Streams::transaction, N,
            RateLimiterStrategy.perSecond(failOnce ? 2_500 : 20_000), FraudStream.transactionType()),
        WatermarkStrategy.noWatermarks(), "transactions").setParallelism(1);
    if (failOnce) {
      txs = txs.map(new FailOnce()).returns(FraudStream.transactionType()).setParallelism(1);
    }
    DataStream<Feedback> labels = env.fromSource(new DataGeneratorSource<>(Streams::feedback, N,
        FraudStream.feedbackType()), WatermarkStrategy.noWatermarks(), "labels").setParallelism(1);
    return new Sources(txs, labels);
  }

  private static List<Decision> run(StreamExecutionEnvironment env, Sources sources) throws Exception {
    FraudStream.Result result = fraud().apply(sources.transactions(), sources.feedback());
    return result.decisions().executeAndCollect(2 * N);
  }

  private void assertParity(List<Decision> decisions) {
    assertThat(decisions).hasSize(N);
    assertThat(decisions).extracting(Decision::transactionId).doesNotHaveDuplicates();
    for (Decision d : decisions) {
      Decision e = expected.get(d.transactionId());
      assertThat(d.score()).as("score of %s", d.transactionId()).isEqualTo(e.score());
      assertThat(d.verdict()).as("verdict of %s", d.transactionId()).isEqualTo(e.verdict());
      assertThat(d.riskLevel()).isEqualTo(e.riskLevel());
      assertThat(d.ruleHits()).extracting(RuleHit::ruleId).isEqualTo(e.ruleHits().stream().map(RuleHit::ruleId).toList());
      assertThat(d.degraded()).isEqualTo(e.degraded()).isFalse();
      assertThat(d.featureSchema()).isEqualTo(e.featureSchema());
    }
    assertThat(Streams.COMPUTED).hasSize(N);
    Streams.COMPUTED.forEach((id, vectors) -> {
      for (float[] v : vectors) {
        assertThat(v).as("features of %s", id).containsExactly(expectedFeatures.get(id));
      }
    });
  }

  /** Fails the job once, at the first transaction after a checkpoint completed. */
  private static final class FailOnce implements MapFunction<Transaction, Transaction>, CheckpointListener {
    private static final long serialVersionUID = 1L;

    @Override
    public Transaction map(Transaction tx) {
      if (CHECKPOINTS.get() >= 1 && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure at " + tx.id());
      }
      return tx;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      CHECKPOINTS.incrementAndGet();
    }
  }
}
