package dev.fraudengine.flink;

import dev.fraudengine.flink.internal.Enriched;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/* An entity stage whose features read no labels: keyed by the entity, transactions only. */
final class EntityStage extends KeyedProcessFunction<String, Enriched, Enriched> {
  private static final long serialVersionUID = 1L;

  private final Spec spec;
  private final int stage;
  private transient EntityFeatures features;

  EntityStage(Spec spec, int stage) {
    this.spec = spec;
    this.stage = stage;
  }

  @Override
  public void open(OpenContext context) {
    features = new EntityFeatures(spec, stage, getRuntimeContext());
  }

  @Override
  public void processElement(Enriched record, Context ctx, Collector<Enriched> out) {
    out.collect(features.process(ctx.getCurrentKey(), record));
  }

  @Override
  public void close() {
    if (features != null) {
      features.close();
    }
  }
}
