package dev.fraudengine.flink.internal;

import dev.fraudengine.core.Label;
import dev.fraudengine.flink.Feedback;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** Serializes {@link Feedback}. */
public final class FeedbackSerializer extends RecordSerializer<Feedback> {
  /** The serializer; it holds no state. */
  public static final FeedbackSerializer INSTANCE = new FeedbackSerializer();
  private static final long serialVersionUID = 1L;

  private FeedbackSerializer() {}

  @Override
  public void serialize(Feedback value, DataOutputView target) throws IOException {
    target.writeUTF(value.transactionId());
    target.writeUTF(value.label().name());
    Codec.writeInstant(value.labelTime(), target);
  }

  @Override
  public Feedback deserialize(DataInputView source) throws IOException {
    return new Feedback(source.readUTF(), Codec.enumValue(Label.class, source.readUTF()), Codec.readInstant(source));
  }

  @Override
  public TypeSerializerSnapshot<Feedback> snapshotConfiguration() {
    return new Snapshot();
  }

  /** Restores the serializer from a checkpoint or savepoint. */
  public static final class Snapshot extends SimpleTypeSerializerSnapshot<Feedback> {
    /** Creates the snapshot; Flink calls it by reflection. */
    public Snapshot() {
      super(() -> INSTANCE);
    }
  }
}
