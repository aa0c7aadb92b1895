package dev.fraudengine.flink.internal;

import dev.fraudengine.core.Transaction;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializes {@link Transaction}. */
public final class TransactionSerializer extends RecordSerializer<Transaction> {
  /** The serializer; it holds no state. */
  public static final TransactionSerializer INSTANCE = new TransactionSerializer();
  private static final long serialVersionUID = 1L;

  private TransactionSerializer() {}

  @Override
  public void serialize(Transaction value, DataOutputView target) throws IOException {
    Codec.writeTransaction(value, target);
  }

  @Override
  public Transaction deserialize(DataInputView source) throws IOException {
    return Codec.readTransaction(source);
  }

  @Override
  public TypeSerializerSnapshot<Transaction> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores the serializer from a checkpoint or savepoint. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Transaction> {
    /** Creates the snapshot; Flink calls it by reflection. */
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
