package dev.fraudengine.flink;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.features.OnlineFeaturePipeline;
import dev.fraudengine.flink.internal.Enriched;
import dev.fraudengine.flink.internal.EntityRecord;
import dev.fraudengine.flink.internal.EntityRecordSerializer;
import dev.fraudengine.flink.internal.LabelUpdate;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/*
 * What one entity stage does, shared by its two function shapes (with and without a label input): it runs the
 * stage's OnlineFeaturePipeline, whose store is the current key's Flink state, and writes the stage's features into
 * the transaction's vector. A transaction without this entity's key gets the features' missing values and touches
 * no state (its stage key is per transaction). The state expires after the state TTL without access (processing
 * time), which bounds the number of entities as the embedded pipeline's idle timeout does.
 */
final class EntityFeatures {
  private final Spec spec;
  private final Spec.Stage stage;
  private final OnlineFeaturePipeline pipeline;
  private final KeyedHistoryStore store;
  private final long bit;

  EntityFeatures(Spec spec, int stageIndex, RuntimeContext context) {
    this.spec = spec;
    this.stage = spec.layout().stages.get(stageIndex);
    this.bit = 1L << stageIndex;
    ValueStateDescriptor<EntityRecord> descriptor =
        new ValueStateDescriptor<>("entity", EntityRecordSerializer.INSTANCE);
    descriptor.enableTimeToLive(StateTtlConfig.newBuilder(spec.stateTtl).build());
    this.store = new KeyedHistoryStore(context.getState(descriptor), spec.allowedLateness, Spec.NO_LATENESS_LIMIT);
    this.pipeline = spec.layout().stagePipeline(spec, stage, store);
  }

  Enriched process(String stageKey, Enriched record) {
    if (record.failure() != null) {
      return new Enriched(record.transaction(), record.features(), bit, record.failure());
    }
    store.expect(Spec.Stage.isEntityKey(stageKey) ? stageKey.substring(1) : null);
    float[] own;
    try {
      own = pipeline.process(record.transaction());
    } catch (FraudEngineException e) {
      if (e.getCause() instanceof FraudEngineException cause && cause.code() == ErrorCode.LATE_EVENT) {
        return new Enriched(record.transaction(), record.features(), bit, cause.getMessage());
      }
      throw e;
    }
    float[] features = record.features().clone();
    int[] positions = stage.positions();
    for (int i = 0; i < own.length; i++) {
      features[positions[i]] = own[i];
    }
    return new Enriched(record.transaction(), features, bit, null);
  }

  void label(String stageKey, LabelUpdate update) {
    store.expect(stageKey.substring(1));
    store.apply(update);
  }

  String name() {
    return spec.schemaName + "." + stage.entity().name();
  }

  void close() {
    pipeline.close();
  }
}
