package dev.fraudengine.flink;

import dev.fraudengine.flink.internal.Enriched;
import org.apache.flink.api.java.functions.KeySelector;

/* Keys a transaction for an entity stage: the entity's key, or a per-transaction key when it has none. */
final class StageKey implements KeySelector<Enriched, String> {
  private static final long serialVersionUID = 1L;

  private final Spec spec;
  private final int stage;

  StageKey(Spec spec, int stage) {
    this.spec = spec;
    this.stage = stage;
  }

  @Override
  public String getKey(Enriched record) {
    return spec.layout().stages.get(stage).keyOf(record.transaction());
  }
}
