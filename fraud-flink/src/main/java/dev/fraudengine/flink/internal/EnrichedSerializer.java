package dev.fraudengine.flink.internal;


import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializes {@link Enriched}. */
public final class EnrichedSerializer extends RecordSerializer<Enriched> {
  /** The serializer; it holds no state. */
  public static final EnrichedSerializer INSTANCE = new EnrichedSerializer();
  private static final long serialVersionUID = 1L;

  private EnrichedSerializer() {}

  @Override
  public void serialize(Enriched value, DataOutputView target) throws IOException {
    Codec.writeTransaction(value.transaction(), target);
    Codec.writeFloats(value.features(), target);
    target.writeLong(value.stages());
    Codec.writeString(value.failure(), target);
  }

  @Override
  public Enriched deserialize(DataInputView source) throws IOException {
    return new Enriched(Codec.readTransaction(source), Codec.readFloats(source), source.readLong(),
        Codec.readString(source));
  }

  @Override
  public TypeSerializerSnapshot<Enriched> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores the serializer from a checkpoint or savepoint. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Enriched> {
    /** Creates the snapshot; Flink calls it by reflection. */
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
