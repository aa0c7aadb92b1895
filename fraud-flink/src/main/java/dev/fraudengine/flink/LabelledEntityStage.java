package dev.fraudengine.flink;

import dev.fraudengine.flink.internal.Enriched;
import dev.fraudengine.flink.internal.LabelUpdate;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/* An entity stage whose features read labels: transactions and routed labels, both keyed by the entity. */
final class LabelledEntityStage extends KeyedCoProcessFunction<String, Enriched, LabelUpdate, Enriched> {
  private static final long serialVersionUID = 1L;

  private final Spec spec;
  private final int stage;
  private transient EntityFeatures features;

  LabelledEntityStage(Spec spec, int stage) {
    this.spec = spec;
    this.stage = stage;
  }

  @Override
  public void open(OpenContext context) {
    features = new EntityFeatures(spec, stage, getRuntimeContext());
  }

  @Override
  public void processElement1(Enriched record, Context ctx, Collector<Enriched> out) {
    out.collect(features.process(ctx.getCurrentKey(), record));
  }

  @Override
  public void processElement2(LabelUpdate update, Context ctx, Collector<Enriched> out) {
    features.label(ctx.getCurrentKey(), update);
  }

  @Override
  public void close() {
    if (features != null) {
      features.close();
    }
  }
}
