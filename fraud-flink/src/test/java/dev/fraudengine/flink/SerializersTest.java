package dev.fraudengine.flink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.ModelScore;
import dev.fraudengine.core.Reason;
import dev.fraudengine.core.RiskLevel;
import dev.fraudengine.core.RuleAction;
import dev.fraudengine.core.RuleHit;
import dev.fraudengine.core.SimilarCase;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.core.Verdict;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class SerializersTest {

  private static <T> T roundTrip(TypeInformation<T> type, T value) throws IOException {
    TypeSerializer<T> serializer = type.createSerializer(new SerializerConfigImpl());
    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(value, out);
    T read = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    assertThat(serializer.snapshotConfiguration().restoreSerializer()).isSameAs(serializer);
    return read;
  }

  @Test
  void transaction_everyField_survivesRoundTrip() throws IOException {
    Transaction tx = new Transaction("tx-1", Instant.parse("2024-01-02T03:04:05.678Z"), 12.5, "EUR", "c", "t", "p",
        "ecom", "5411", "d", "10.0.0.1", 48.85, 2.35, "FR", Map.of("k", "v"));
    Transaction sparse = new Transaction("tx-2", Instant.EPOCH, 1, "EUR", null, null, null, null, null, null, null,
        Double.NaN, Double.NaN, null, Map.of());

    assertThat(roundTrip(FraudStream.transactionType(), tx)).isEqualTo(tx);
    assertThat(roundTrip(FraudStream.transactionType(), sparse)).isEqualTo(sparse);
  }

  @Test
  void decision_nestedValues_surviveRoundTrip() throws IOException {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("s", "x");
    values.put("i", 3);
    values.put("l", 4L);
    values.put("d", 0.5);
    values.put("b", true);
    values.put("big", new BigDecimal("1.25"));
    values.put("enum", RiskLevel.HIGH);
    Decision d = new Decision("tx-1", Verdict.REVIEW, RiskLevel.HIGH, 0.7,
        List.of(new ModelScore("m", "1", 0.7, 1)), List.of(), 1,
        List.of(new RuleHit("r", RuleAction.REVIEW, 1, "review if x", values, false)),
        List.of(new SimilarCase("case-1", 0.9, Label.FRAUD, null, Instant.EPOCH)),
        List.of(new Reason("RULE_REVIEW", "r", 1, values)), false, "handbook@1", "v1", 1234);

    assertThat(roundTrip(FraudStream.decisionType(), d)).isEqualTo(d);
  }

  @Test
  void feedback_roundTrip_isEqual() throws IOException {
    Feedback f = new Feedback("tx-1", Label.FRAUD, Instant.parse("2024-01-09T00:00:00Z"));

    assertThat(roundTrip(FraudStream.feedbackType(), f)).isEqualTo(f);
  }

  @Test
  void decision_truncatedBytes_throwsIOException() throws IOException {
    TypeSerializer<Decision> serializer = FraudStream.decisionType().createSerializer(new SerializerConfigImpl());

    assertThatThrownBy(() -> serializer.deserialize(new DataInputDeserializer(new byte[] {0, 3, 'a'})))
        .isInstanceOf(IOException.class);
  }
}
