package dev.fraudengine.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.Label;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaseTest {
  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void constructor_validCase_copiesVectorAndMetadata() {
    float[] v = {1, 2};
    Map<String, String> meta = new HashMap<>(Map.of("note", "chargeback"));
    Case c = new Case("c1", v, Label.FRAUD, "card_testing", T, T.plusSeconds(5), meta);
    v[0] = 9;
    meta.put("other", "x");

    assertThat(c.vector()).containsExactly(1, 2);
    assertThat(c.metadata()).containsOnlyKeys("note");
    assertThat(c.vector()).isNotSameAs(c.vector());
    assertThat(c).isEqualTo(new Case("c1", new float[] {1, 2}, Label.FRAUD, "card_testing", T, T.plusSeconds(5),
        Map.of("note", "chargeback")));
  }

  @Test
  void constructor_nanInVector_rejectsNamingIndex() {
    assertThatThrownBy(() -> Case.of("c1", new float[] {1, Float.NaN}, Label.FRAUD, T, T))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vector[1]").hasMessageContaining("NaN");
  }

  @Test
  void constructor_infiniteInVector_rejectsNamingIndex() {
    assertThatThrownBy(() -> Case.of("c1", new float[] {Float.POSITIVE_INFINITY}, Label.FRAUD, T, T))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vector[0]")
        .hasMessageContaining("Infinity");
  }

  @Test
  void constructor_emptyVector_rejects() {
    assertThatThrownBy(() -> Case.of("c1", new float[0], Label.FRAUD, T, T))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vector must have dimension");
  }

  @Test
  void constructor_blankId_rejects() {
    assertThatThrownBy(() -> Case.of(" ", new float[] {1}, Label.FRAUD, T, T))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
  }

  @Test
  void constructor_labelBeforeEvent_rejects() {
    assertThatThrownBy(() -> Case.of("c1", new float[] {1}, Label.FRAUD, T, T.minusSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labelTime")
        .hasMessageContaining("2025-12-31T23:59:59Z");
  }

  @Test
  void constructor_fraudTypeOnLegitimate_rejects() {
    assertThatThrownBy(() -> new Case("c1", new float[] {1}, Label.LEGITIMATE, "ato", T, T, Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fraudType")
        .hasMessageContaining("ato");
  }

  @Test
  void constructor_tooMuchMetadata_rejects() {
    Map<String, String> meta = new HashMap<>();
    for (int i = 0; i <= Case.MAX_METADATA; i++) {
      meta.put("k" + i, "v");
    }
    assertThatThrownBy(() -> new Case("c1", new float[] {1}, Label.FRAUD, null, T, T, meta))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("metadata")
        .hasMessageContaining(String.valueOf(Case.MAX_METADATA + 1));
  }

  @Test
  void constructor_nullLabel_throwsNamingIt() {
    assertThatThrownBy(() -> Case.of("c1", new float[] {1}, null, T, T))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("label");
  }
}
