package dev.fraudengine.flink;

import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.InputProblem;
import dev.fraudengine.core.InvalidTransactionException;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.core.TransactionValidator;
import dev.fraudengine.features.OnlineFeaturePipeline;
import dev.fraudengine.flink.internal.Enriched;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/*
 * The first stage: refuses bad transactions before any state sees them (as the embedded engine does), and computes
 * the features of the transaction alone, which need no state. Stateless.
 */
final class Validate extends ProcessFunction<Transaction, Enriched> {
  private static final long serialVersionUID = 1L;

  private final Spec spec;
  private transient TransactionValidator validator;
  private transient OnlineFeaturePipeline txPipeline;
  private transient Spec.Layout layout;

  Validate(Spec spec) {
    this.spec = spec;
  }

  @Override
  public void open(OpenContext context) {
    layout = spec.layout();
    validator = spec.validator.get();
    txPipeline = layout.txPipeline(spec);
  }

  @Override
  public void processElement(Transaction tx, Context ctx, Collector<Enriched> out) {
    List<InputProblem> problems = validator.problems(tx);
    if (!problems.isEmpty()) {
      ctx.output(FraudStream.REJECTED, new Rejection(tx, new InvalidTransactionException(tx.id(), problems).getMessage()));
      return;
    }
    float[] features = new float[layout.schema.size()];
    String failure = null;
    if (txPipeline != null) {
      try {
        float[] own = txPipeline.process(tx);
        for (int i = 0; i < own.length; i++) {
          features[layout.txPositions[i]] = own[i];
        }
      } catch (FraudEngineException e) {
        failure = e.getMessage();
      }
    }
    out.collect(new Enriched(tx, features, 0, failure));
  }

  @Override
  public void close() {
    if (txPipeline != null) {
      txPipeline.close();
    }
  }
}
