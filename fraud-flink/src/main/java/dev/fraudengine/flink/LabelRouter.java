package dev.fraudengine.flink;

import dev.fraudengine.flink.internal.Enriched;
import dev.fraudengine.flink.internal.FeedbackSerializer;
import dev.fraudengine.flink.internal.LabelUpdate;
import dev.fraudengine.flink.internal.Route;
import dev.fraudengine.flink.internal.RouteSerializer;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/*
 * Keyed by transaction id: joins each label with its transaction, whichever comes first, and sends it to the entity
 * stages that read labels, keyed as those stages are. State per transaction: where its label must go (its event
 * time, id hash and entity keys), and a label that came before the transaction; both expire after the label TTL
 * (processing time), the span during which labels are expected.
 */
final class LabelRouter extends KeyedCoProcessFunction<String, Enriched, Feedback, LabelUpdate> {
  private static final long serialVersionUID = 1L;

  private final Spec spec;
  private transient List<Spec.Stage> stages;
  private transient ValueState<Route> route;
  private transient ValueState<Feedback> waiting;

  LabelRouter(Spec spec) {
    this.spec = spec;
  }

  @Override
  public void open(OpenContext context) {
    stages = spec.layout().stages;
    StateTtlConfig ttl = StateTtlConfig.newBuilder(spec.labelTtl).build();
    ValueStateDescriptor<Route> routes = new ValueStateDescriptor<>("route", RouteSerializer.INSTANCE);
    routes.enableTimeToLive(ttl);
    route = getRuntimeContext().getState(routes);
    ValueStateDescriptor<Feedback> early = new ValueStateDescriptor<>("early-label", FeedbackSerializer.INSTANCE);
    early.enableTimeToLive(ttl);
    waiting = getRuntimeContext().getState(early);
  }

  @Override
  public void processElement1(Enriched record, Context ctx, Collector<LabelUpdate> out) throws Exception {
    String[] keys = new String[stages.size()];
    boolean any = false;
    for (Spec.Stage stage : stages) {
      String key = stage.keyOf(record.transaction());
      if (stage.readsLabels() && Spec.Stage.isEntityKey(key)) {
        keys[stage.index()] = key;
        any = true;
      }
    }
    if (!any) {
      return;
    }
    Route r = new Route(record.transaction().eventTime().toEpochMilli(), record.transaction().id().hashCode(), keys);
    route.update(r);
    Feedback early = waiting.value();
    if (early != null) {
      waiting.clear();
      send(r, early, out);
    }
  }

  @Override
  public void processElement2(Feedback feedback, Context ctx, Collector<LabelUpdate> out) throws Exception {
    Route r = route.value();
    if (r == null) {
      waiting.update(feedback);
    } else {
      send(r, feedback, out);
    }
  }

  private static void send(Route r, Feedback feedback, Collector<LabelUpdate> out) {
    String[] keys = r.keys();
    for (int stage = 0; stage < keys.length; stage++) {
      if (keys[stage] != null) {
        out.collect(new LabelUpdate(stage, keys[stage], r.time(), r.txHash(), feedback.label(),
            feedback.labelTime().toEpochMilli()));
      }
    }
  }
}
