package dev.fraudengine.flink;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.InvalidTransactionException;
import dev.fraudengine.flink.internal.Enriched;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/*
 * The last stage: one engine per task, built once in open() by the user's factory (models and rules loaded once),
 * decides each transaction with the features the keyed stages carried. Stateless in Flink terms.
 */
final class Decide extends ProcessFunction<Enriched, Decision> {
  private static final long serialVersionUID = 1L;

  private final Spec spec;
  private transient CarriedFeatures carried;
  private transient FraudEngine engine;

  Decide(Spec spec) {
    this.spec = spec;
  }

  @Override
  public void open(OpenContext context) {
    carried = new CarriedFeatures(spec.layout().schema);
    engine = spec.engine.create(carried);
    if (engine == null) {
      throw new IllegalStateException("the engine factory returned null");
    }
    if (!engine.featureSchema().equals(carried.schema())) {
      engine.close();
      throw new FraudEngineException(ErrorCode.FEATURE_SCHEMA_MISMATCH, "the engine's feature schema "
          + engine.featureSchema() + " is not the job's " + carried.schema()
          + "; build the engine with the pipeline the factory is given");
    }
  }

  @Override
  public void processElement(Enriched record, Context ctx, Collector<Decision> out) {
    carried.carry(record);
    try {
      out.collect(engine.score(record.transaction()));
    } catch (InvalidTransactionException e) {
      ctx.output(FraudStream.REJECTED, new Rejection(record.transaction(), e.getMessage()));
    } finally {
      carried.carry(null);
    }
  }

  @Override
  public void close() {
    if (engine != null) {
      engine.close();
    }
  }
}
