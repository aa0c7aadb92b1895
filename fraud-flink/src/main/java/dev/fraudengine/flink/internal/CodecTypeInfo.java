package dev.fraudengine.flink.internal;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.flink.Feedback;
import dev.fraudengine.flink.Rejection;
import java.util.Objects;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The type information of a job type: an opaque type with its own serializer, so that Flink never falls back to
 * Kryo for it.
 *
 * @param <T> the type
 */
public final class CodecTypeInfo<T> extends TypeInformation<T> {
  /** Transactions. */
  public static final TypeInformation<Transaction> TRANSACTION =
      new CodecTypeInfo<>(Transaction.class, TransactionSerializer.INSTANCE);
  /** Decisions. */
  public static final TypeInformation<Decision> DECISION = new CodecTypeInfo<>(Decision.class, DecisionSerializer.INSTANCE);
  /** Labels as they come in. */
  public static final TypeInformation<Feedback> FEEDBACK = new CodecTypeInfo<>(Feedback.class, FeedbackSerializer.INSTANCE);
  /** Refused transactions. */
  public static final TypeInformation<Rejection> REJECTION =
      new CodecTypeInfo<>(Rejection.class, RejectionSerializer.INSTANCE);
  /** Transactions between feature stages. */
  public static final TypeInformation<Enriched> ENRICHED = new CodecTypeInfo<>(Enriched.class, EnrichedSerializer.INSTANCE);
  /** Labels routed to an entity. */
  public static final TypeInformation<LabelUpdate> LABEL_UPDATE =
      new CodecTypeInfo<>(LabelUpdate.class, LabelUpdateSerializer.INSTANCE);

  private static final long serialVersionUID = 1L;

  private final Class<T> type;
  private final TypeSerializer<T> serializer;

  private CodecTypeInfo(Class<T> type, TypeSerializer<T> serializer) {
    this.type = type;
    this.serializer = serializer;
  }

  @Override
  public boolean isBasicType() {
    return false;
  }

  @Override
  public boolean isTupleType() {
    return false;
  }

  @Override
  public int getArity() {
    return 1;
  }

  @Override
  public int getTotalFields() {
    return 1;
  }

  @Override
  public Class<T> getTypeClass() {
    return type;
  }

  @Override
  public boolean isKeyType() {
    return false;
  }

  @Override
  public TypeSerializer<T> createSerializer(SerializerConfig config) {
    return serializer;
  }

  /** Flink 1.x still declares this variant abstract; it is the same serializer. */
  @Override
  @SuppressWarnings("deprecation")
  public TypeSerializer<T> createSerializer(ExecutionConfig config) {
    return serializer;
  }

  @Override
  public String toString() {
    return "CodecTypeInfo<" + type.getName() + ">";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CodecTypeInfo<?> other && other.type.equals(type);
  }

  @Override
  public int hashCode() {
    return Objects.hash(CodecTypeInfo.class, type);
  }

  @Override
  public boolean canEqual(Object o) {
    return o instanceof CodecTypeInfo<?>;
  }
}
