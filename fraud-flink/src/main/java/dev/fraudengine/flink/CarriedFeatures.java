package dev.fraudengine.flink;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FeaturePipeline;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.flink.internal.Enriched;

/*
 * The feature pipeline the deciding stage gives the engine: it hands over the vector the keyed stages computed for
 * the transaction being decided (set just before engine.score on the same task thread), or fails as the embedded
 * pipeline would have, so that the engine decides without features and marks the decision degraded.
 */
final class CarriedFeatures implements FeaturePipeline {
  private final FeatureSchema schema;
  private Enriched current;

  CarriedFeatures(FeatureSchema schema) {
    this.schema = schema;
  }

  void carry(Enriched record) {
    this.current = record;
  }

  @Override
  public FeatureSchema schema() {
    return schema;
  }

  @Override
  public float[] process(Transaction tx) {
    Enriched r = current;
    if (r == null || !r.transaction().id().equals(tx.id())) {
      throw new IllegalStateException("no features carried for transaction '" + tx.id() + "'");
    }
    if (r.failure() != null) {
      throw new FraudEngineException(ErrorCode.LATE_EVENT, r.failure());
    }
    return r.features().clone();
  }
}
