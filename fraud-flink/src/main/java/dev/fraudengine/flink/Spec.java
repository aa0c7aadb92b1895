package dev.fraudengine.flink;

import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.features.Entity;
import dev.fraudengine.features.EntityStore;
import dev.fraudengine.features.Feature;
import dev.fraudengine.features.FeaturePipelines;
import dev.fraudengine.features.OnlineFeaturePipeline;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/*
 * The job's configuration as it is shipped to every task (serializable: factories and numbers), and the layout
 * derived from it on each side: the full schema, and one stage per entity with that entity's features and their
 * positions in the full vector. Transaction-only features (amount, hour...) are computed by the validation stage.
 * The layout is derived from the feature definitions in their declared order, so the client and every task agree.
 */
final class Spec implements Serializable {
  private static final long serialVersionUID = 1L;
  /**
   * The largest lateness a pipeline accepts: the pipelines of the job never reject by their own (per task)
   * watermark; the stage stores judge lateness per entity.
   */
  static final Duration NO_LATENESS_LIMIT = Duration.ofDays(366);

  final String schemaName;
  final String schemaVersion;
  final FraudStream.Factory<List<Feature>> features;
  final FraudStream.EngineFactory engine;
  final FraudStream.Factory<dev.fraudengine.core.TransactionValidator> validator;
  final int maxEventsPerEntity;
  final Duration allowedLateness;
  final Duration stateTtl;
  final Duration labelTtl;
  private transient Layout layout;

  Spec(String schemaName, String schemaVersion, FraudStream.Factory<List<Feature>> features,
      FraudStream.EngineFactory engine, FraudStream.Factory<dev.fraudengine.core.TransactionValidator> validator,
      int maxEventsPerEntity, Duration allowedLateness, Duration stateTtl, Duration labelTtl) {
    this.schemaName = schemaName;
    this.schemaVersion = schemaVersion;
    this.features = features;
    this.engine = engine;
    this.validator = validator;
    this.maxEventsPerEntity = maxEventsPerEntity;
    this.allowedLateness = allowedLateness;
    this.stateTtl = stateTtl;
    this.labelTtl = labelTtl;
  }

  Layout layout() {
    if (layout == null) {
      layout = new Layout(this);
    }
    return layout;
  }

  /** One keyed feature stage: an entity, its features and their positions in the full vector. */
  record Stage(int index, Entity entity, List<Feature> features, int[] positions, boolean readsLabels) {
    /** Returns the stage key of a transaction: the entity's key, or a per-transaction key when it has none. */
    String keyOf(Transaction tx) {
      String key = entity.keyOf(tx);
      return key != null ? "=" + key : "~" + tx.id();
    }

    /** Tells whether a stage key holds an entity (and so entity state). */
    static boolean isEntityKey(String stageKey) {
      return stageKey.startsWith("=");
    }
  }

  static final class Layout {
    final FeatureSchema schema;
    final List<Feature> txFeatures;
    final int[] txPositions;
    final List<Stage> stages;

    private Layout(Spec spec) {
      List<Feature> all = List.copyOf(spec.features.get());
      this.schema = FeaturePipelines.builder().schema(spec.schemaName, spec.schemaVersion).addAll(all).build().schema();
      List<Feature> tx = new ArrayList<>();
      List<Integer> txPos = new ArrayList<>();
      Map<Entity, List<Integer>> byEntity = new LinkedHashMap<>();
      for (int i = 0; i < all.size(); i++) {
        Feature f = all.get(i);
        if (f.entity() == null) {
          tx.add(f);
          txPos.add(i);
        } else {
          byEntity.computeIfAbsent(f.entity(), e -> new ArrayList<>()).add(i);
        }
      }
      this.txFeatures = List.copyOf(tx);
      this.txPositions = txPos.stream().mapToInt(Integer::intValue).toArray();
      List<Stage> st = new ArrayList<>();
      for (Map.Entry<Entity, List<Integer>> e : byEntity.entrySet()) {
        List<Feature> fs = new ArrayList<>();
        boolean labels = false;
        for (int i : e.getValue()) {
          fs.add(all.get(i));
          labels |= all.get(i).readsLabels();
        }
        st.add(new Stage(st.size(), e.getKey(), List.copyOf(fs),
            e.getValue().stream().mapToInt(Integer::intValue).toArray(), labels));
      }
      this.stages = List.copyOf(st);
    }

    boolean readsLabels() {
      return stages.stream().anyMatch(Stage::readsLabels);
    }

    /** The pipeline of the transaction-only features, or {@code null} if there are none. */
    OnlineFeaturePipeline txPipeline(Spec spec) {
      if (txFeatures.isEmpty()) {
        return null;
      }
      return FeaturePipelines.builder().schema(spec.schemaName + ".tx", spec.schemaVersion).addAll(txFeatures)
          .allowedLateness(NO_LATENESS_LIMIT).build();
    }

    /** The pipeline of one stage's features over a store of the current key's state. */
    OnlineFeaturePipeline stagePipeline(Spec spec, Stage stage, EntityStore store) {
      return FeaturePipelines.builder().schema(spec.schemaName + "." + stage.entity().name(), spec.schemaVersion)
          .addAll(stage.features()).maxEventsPerEntity(spec.maxEventsPerEntity).allowedLateness(NO_LATENESS_LIMIT)
          .store(store, EntityStore.FailurePolicy.FAIL_CLOSED).build();
    }
  }
}
