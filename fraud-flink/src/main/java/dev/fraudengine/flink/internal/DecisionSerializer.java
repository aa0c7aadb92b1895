package dev.fraudengine.flink.internal;

import dev.fraudengine.core.Decision;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializes {@link Decision}. */
public final class DecisionSerializer extends RecordSerializer<Decision> {
  /** The serializer; it holds no state. */
  public static final DecisionSerializer INSTANCE = new DecisionSerializer();
  private static final long serialVersionUID = 1L;

  private DecisionSerializer() {}

  @Override
  public void serialize(Decision value, DataOutputView target) throws IOException {
    Codec.writeDecision(value, target);
  }

  @Override
  public Decision deserialize(DataInputView source) throws IOException {
    return Codec.readDecision(source);
  }

  @Override
  public TypeSerializerSnapshot<Decision> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores the serializer from a checkpoint or savepoint. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Decision> {
    /** Creates the snapshot; Flink calls it by reflection. */
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
