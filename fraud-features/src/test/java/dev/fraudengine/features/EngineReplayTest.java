package dev.fraudengine.features;

import static dev.fraudengine.features.Txs.days;
import static dev.fraudengine.features.Txs.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FeaturePipeline;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.InvalidTransactionException;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EngineReplayTest {
  private static final Duration WEEK = Duration.ofDays(7);

  /** Records every call, in order, to compare the label schedule of two replays. */
  private static final class RecordingPipeline implements FeaturePipeline {
    final List<String> calls = new ArrayList<>();

    @Override
    public FeatureSchema schema() {
      return FeatureSchema.of("recording", "1", "x");
    }

    @Override
    public float[] process(Transaction tx) {
      calls.add("process " + tx.id());
      return new float[] {1};
    }

    @Override
    public void feedback(String transactionId, Label label, Instant labelTime) {
      calls.add("feedback " + transactionId + " " + label + " " + labelTime);
    }
  }

  private static List<Replay.Labelled> history() {
    return List.of(
        Replay.Labelled.of(tx("f", days(0), "c1", "t1", 10), Label.FRAUD),
        Replay.Labelled.of(tx("a", days(3), "c2", "t1", 10), Label.LEGITIMATE),
        new Replay.Labelled(tx("o", days(4), "c2", "t1", 10), Label.FRAUD, Txs.at(days(5))),
        Replay.Labelled.of(tx("b", days(6.9), "c3", "t1", 10), null),
        Replay.Labelled.of(tx("c", days(7), "c4", "t1", 10), Label.LEGITIMATE),
        Replay.Labelled.of(tx("d", days(12), "c4", "t1", 10), Label.LEGITIMATE));
  }

  @Test
  void run_sameStream_deliversLabelsExactlyAsFeatureReplay() {
    RecordingPipeline direct = new RecordingPipeline();
    Replay.of(direct).labelDelay(WEEK).run(history().stream(), (tx, f, l) -> { });
    RecordingPipeline inEngine = new RecordingPipeline();
    List<String> decided = new ArrayList<>();
    try (FraudEngine engine = FraudEngine.builder().features(inEngine).build()) {
      long n = EngineReplay.of(engine).labelDelay(WEEK).run(history().stream(),
          (row, d) -> decided.add(d.transactionId()));
      assertThat(n).isEqualTo(6);
    }
    assertThat(inEngine.calls).isEqualTo(direct.calls);
    assertThat(inEngine.calls).containsSubsequence("process o", "feedback o FRAUD " + Txs.at(days(5)), "process b",
        "feedback f FRAUD " + Txs.at(days(7)), "process c", "process d");
    assertThat(decided).containsExactly("f", "a", "o", "b", "c", "d");
  }

  @Test
  void run_refusedTransaction_goesToSinkAndItsLabelIsNeverDelivered() {
    RecordingPipeline p = new RecordingPipeline();
    Transaction bad = Transaction.builder().id("bad").eventTime(Txs.at(days(1))).amount(-5, "EUR").card("c9")
        .build();
    List<Replay.Labelled> rows = List.of(
        Replay.Labelled.of(tx("f", days(0), "c1", "t1", 10), Label.FRAUD),
        Replay.Labelled.of(bad, Label.FRAUD),
        Replay.Labelled.of(tx("g", days(9), "c1", "t1", 10), null));
    List<String> rejected = new ArrayList<>();
    try (FraudEngine engine = FraudEngine.builder().features(p).build()) {
      long n = EngineReplay.of(engine).run(rows.stream(), new EngineReplay.Sink() {
        @Override
        public void decided(Replay.Labelled row, Decision decision) {}

        @Override
        public void rejected(Replay.Labelled row, InvalidTransactionException problems) {
          rejected.add(row.transaction().id() + ": " + problems.problems().get(0).field());
        }
      });
      assertThat(n).isEqualTo(2);
    }
    assertThat(rejected).containsExactly("bad: amount");
    assertThat(p.calls).noneMatch(c -> c.contains("bad"));
    assertThat(p.calls).contains("feedback f FRAUD " + Txs.at(days(7)));
  }

  @Test
  void run_refusedTransactionWithDefaultSink_throwsListingTheProblem() {
    Transaction bad = Transaction.builder().id("bad").eventTime(Txs.at(days(1))).amount(-5, "EUR").card("c9")
        .build();
    try (FraudEngine engine = FraudEngine.builder().build()) {
      EngineReplay replay = EngineReplay.of(engine);
      assertThatThrownBy(() -> replay.run(List.of(Replay.Labelled.of(bad, null)).stream(), (row, d) -> { }))
          .isInstanceOf(InvalidTransactionException.class)
          .hasMessageContaining("amount");
    }
  }

  @Test
  void labelDelay_negative_isRefused() {
    try (FraudEngine engine = FraudEngine.builder().build()) {
      EngineReplay replay = EngineReplay.of(engine);
      assertThatThrownBy(() -> replay.labelDelay(Duration.ofDays(-1)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("labelDelay must not be negative");
    }
  }
}
