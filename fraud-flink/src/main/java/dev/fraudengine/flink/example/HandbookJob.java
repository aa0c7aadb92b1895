package dev.fraudengine.flink.example;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FeaturePipeline;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.RuleCompiler;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.features.FeaturePipelines;
import dev.fraudengine.features.Replay;
import dev.fraudengine.flink.Feedback;
import dev.fraudengine.flink.FraudStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.PrintSink;

/**
 * Scores the Fraud Detection Handbook's transactions in Flink: the handbook's 15 features (card velocity in keyed
 * state per card, 7-day-delayed terminal risk in keyed state per terminal), three rules, and each label fed back on
 * a second stream, known 7 days after its transaction as the handbook assumes. Prints every alert.
 *
 * <pre>
 * flink run -c dev.fraudengine.flink.example.HandbookJob fraud-flink-0.1.0-SNAPSHOT-job.jar \
 *     transactions-2018-04-to-08.csv.gz 100000
 * </pre>
 *
 * <p>The input is read on the client and shipped in the job graph, which suits a demonstration of up to a few
 * hundred thousand transactions; a production job reads Kafka (or another connector) with
 * {@link FraudStream#transactionType()} as the produced type. Checkpointing, the state backend and the restart
 * strategy come from the cluster's configuration (see the module's README).
 */
public final class HandbookJob {
  /** The rules, over the handbook features. */
  static final String RULES = """
      busy_card: review if card.txn_count_1d > 6
      risky_terminal: hold if terminal.risk_7d_delay7d > 0.5 and terminal.txn_count_7d_delay7d >= 5
      large_for_card: review if tx.amount > 5 * card.amount_mean_30d and card.txn_count_30d > 5
      """;

  private HandbookJob() {}

  /**
   * Runs the job.
   *
   * @param args the handbook transactions file (CSV, optionally gzipped), and optionally how many to score
   * @throws Exception if the job fails
   * @throws IllegalArgumentException if the arguments are missing or the limit is not a positive number
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 1 || args.length > 2) {
      throw new IllegalArgumentException("usage: HandbookJob <transactions.csv[.gz]> [limit], but got "
          + args.length + " arguments");
    }
    long limit = args.length == 2 ? Long.parseLong(args[1]) : Long.MAX_VALUE;
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, but was " + limit);
    }
    List<Transaction> transactions = new ArrayList<>();
    List<Feedback> labels = new ArrayList<>();
    try (Stream<Replay.Labelled> rows = Replay.readFdh(Path.of(args[0])).limit(limit)) {
      rows.forEach(row -> {
        transactions.add(row.transaction());
        if (row.label() != null) {
          labels.add(new Feedback(row.transaction().id(), row.label(), row.labelTime() != null ? row.labelTime()
              : row.transaction().eventTime().plus(Duration.ofDays(7))));
        }
      });
    }

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    DataStream<Transaction> txs = env.fromData(transactions, FraudStream.transactionType()).name("transactions");
    DataStream<Feedback> feedback = env.fromData(labels, FraudStream.feedbackType()).name("labels");

    FraudStream fraud = FraudStream.builder()
        .features("handbook", "1", FeaturePipelines::handbookFeatures)
        .engine(HandbookJob::engine)
        .build();
    FraudStream.Result result = fraud.apply(txs, feedback);
    result.decisions()
        .filter(Decision::isAlert).name("alerts")
        .map(d -> d.verdict() + " " + d.transactionId() + " score=" + d.score100() + " "
            + d.ruleHits().stream().map(h -> h.ruleId()).toList())
        .returns(Types.STRING).name("format")
        .sinkTo(new PrintSink<>()).name("print");
    result.rejected().map(r -> "REJECTED " + r.transaction().id() + ": " + r.reason()).returns(Types.STRING)
        .sinkTo(new PrintSink<>(true)).name("print-rejected");
    env.execute("fraud-engine handbook");
  }

  /** Builds one task's engine: the job's features and the rules. */
  static FraudEngine engine(FeaturePipeline features) {
    return FraudEngine.builder()
        .features(features)
        .rules(RuleCompiler.builder().schema(features.schema()).build().compile("handbook-rules-1", RULES))
        .build();
  }
}
