package dev.fraudengine.flink.internal;


import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializes {@link Route}. */
public final class RouteSerializer extends RecordSerializer<Route> {
  /** The serializer; it holds no state. */
  public static final RouteSerializer INSTANCE = new RouteSerializer();
  private static final long serialVersionUID = 1L;

  private RouteSerializer() {}

  @Override
  public void serialize(Route value, DataOutputView target) throws IOException {
    target.writeLong(value.time());
    target.writeInt(value.txHash());
    String[] keys = value.keys();
    target.writeInt(keys.length);
    for (String key : keys) {
      Codec.writeString(key, target);
    }
  }

  @Override
  public Route deserialize(DataInputView source) throws IOException {
    long time = source.readLong();
    int txHash = source.readInt();
    String[] keys = new String[source.readInt()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = Codec.readString(source);
    }
    return new Route(time, txHash, keys);
  }

  @Override
  public TypeSerializerSnapshot<Route> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores the serializer from a checkpoint or savepoint. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Route> {
    /** Creates the snapshot; Flink calls it by reflection. */
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
