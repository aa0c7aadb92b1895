package dev.fraudengine.flink.internal;


import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializes {@link LabelUpdate}. */
public final class LabelUpdateSerializer extends RecordSerializer<LabelUpdate> {
  /** The serializer; it holds no state. */
  public static final LabelUpdateSerializer INSTANCE = new LabelUpdateSerializer();
  private static final long serialVersionUID = 1L;

  private LabelUpdateSerializer() {}

  @Override
  public void serialize(LabelUpdate value, DataOutputView target) throws IOException {
    Codec.writeLabelUpdate(value, target);
  }

  @Override
  public LabelUpdate deserialize(DataInputView source) throws IOException {
    return Codec.readLabelUpdate(source);
  }

  @Override
  public TypeSerializerSnapshot<LabelUpdate> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores the serializer from a checkpoint or savepoint. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<LabelUpdate> {
    /** Creates the snapshot; Flink calls it by reflection. */
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
