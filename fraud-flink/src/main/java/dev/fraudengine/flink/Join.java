package dev.fraudengine.flink;

import dev.fraudengine.flink.internal.Enriched;
import dev.fraudengine.flink.internal.EnrichedSerializer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/*
 * Keyed by transaction id: gathers the parts of a transaction's vector that the entity stages computed side by
 * side, and emits the whole vector once every stage has answered. State: the parts gathered so far, for
 * transactions in flight only (cleared on completion; the state TTL bounds what a lost part could leave).
 */
final class Join extends KeyedProcessFunction<String, Enriched, Enriched> {
  private static final long serialVersionUID = 1L;

  private final Spec spec;
  private transient ValueState<Enriched> partial;
  private transient long all;

  Join(Spec spec) {
    this.spec = spec;
  }

  @Override
  public void open(OpenContext context) {
    all = (1L << spec.layout().stages.size()) - 1;
    ValueStateDescriptor<Enriched> descriptor = new ValueStateDescriptor<>("partial", EnrichedSerializer.INSTANCE);
    descriptor.enableTimeToLive(StateTtlConfig.newBuilder(spec.stateTtl).build());
    partial = getRuntimeContext().getState(descriptor);
  }

  @Override
  public void processElement(Enriched part, Context ctx, Collector<Enriched> out) throws Exception {
    Enriched so = partial.value();
    Enriched merged = so == null ? part : merge(so, part);
    if (merged.stages() == all) {
      partial.clear();
      out.collect(merged);
    } else {
      partial.update(merged);
    }
  }

  private Enriched merge(Enriched a, Enriched b) {
    float[] features = a.features().clone();
    for (Spec.Stage stage : spec.layout().stages) {
      if ((b.stages() & (1L << stage.index())) != 0) {
        for (int position : stage.positions()) {
          features[position] = b.features()[position];
        }
      }
    }
    return new Enriched(a.transaction(), features, a.stages() | b.stages(), a.failure() != null ? a.failure()
        : b.failure());
  }
}
