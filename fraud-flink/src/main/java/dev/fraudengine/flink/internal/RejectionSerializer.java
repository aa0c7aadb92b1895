package dev.fraudengine.flink.internal;

import dev.fraudengine.flink.Rejection;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializes {@link Rejection}. */
public final class RejectionSerializer extends RecordSerializer<Rejection> {
  /** The serializer; it holds no state. */
  public static final RejectionSerializer INSTANCE = new RejectionSerializer();
  private static final long serialVersionUID = 1L;

  private RejectionSerializer() {}

  @Override
  public void serialize(Rejection value, DataOutputView target) throws IOException {
    Codec.writeTransaction(value.transaction(), target);
    target.writeUTF(value.reason());
  }

  @Override
  public Rejection deserialize(DataInputView source) throws IOException {
    return new Rejection(Codec.readTransaction(source), source.readUTF());
  }

  @Override
  public TypeSerializerSnapshot<Rejection> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores the serializer from a checkpoint or savepoint. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Rejection> {
    /** Creates the snapshot; Flink calls it by reflection. */
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
