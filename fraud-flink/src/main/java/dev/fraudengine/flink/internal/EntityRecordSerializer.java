package dev.fraudengine.flink.internal;

import dev.fraudengine.features.EntityStore;
import java.util.ArrayList;
import java.util.List;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializes {@link EntityRecord}, the value of an entity in keyed state. */
public final class EntityRecordSerializer extends RecordSerializer<EntityRecord> {
  /** The serializer; it holds no state. */
  public static final EntityRecordSerializer INSTANCE = new EntityRecordSerializer();
  private static final long serialVersionUID = 1L;

  private EntityRecordSerializer() {}

  @Override
  public void serialize(EntityRecord value, DataOutputView target) throws IOException {
    Codec.writeHistory(value.history(), target);
    target.writeInt(value.pending().size());
    for (LabelUpdate u : value.pending()) {
      Codec.writeLabelUpdate(u, target);
    }
  }

  @Override
  public EntityRecord deserialize(DataInputView source) throws IOException {
    EntityStore.History history = Codec.readHistory(source);
    int n = source.readInt();
    List<LabelUpdate> pending = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      pending.add(Codec.readLabelUpdate(source));
    }
    return new EntityRecord(history, pending);
  }

  @Override
  public TypeSerializerSnapshot<EntityRecord> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores the serializer from a checkpoint or savepoint. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<EntityRecord> {
    /** Creates the snapshot; Flink calls it by reflection. */
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
