package dev.fraudengine.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class EmbedderTest {

  @Test
  void standardising_value_centresScalesAndWeights() {
    Embedder e = Embedder.standardising(new float[] {10, 0}, new float[] {2, 4}, new float[] {1, 0.5f});

    assertThat(e.embed(new float[] {14, 8})).containsExactly(2f, 1f);
  }

  @Test
  void standardising_nanFeature_becomesZero() {
    Embedder e = Embedder.standardising(new float[] {10, 0}, new float[] {2, 4}, null);

    assertThat(e.embed(new float[] {Float.NaN, 4})).containsExactly(0f, 1f);
  }

  @Test
  void standardising_zeroStd_centresOnly() {
    Embedder e = Embedder.standardising(new float[] {3}, new float[] {0}, null);

    assertThat(e.embed(new float[] {5})).containsExactly(2f);
  }

  @Test
  void fit_rows_learnsMeanAndStdSkippingNaN() {
    Embedder e = Embedder.fit(List.of(new float[] {1, 5}, new float[] {3, Float.NaN}, new float[] {5, 5}), null);

    float[] v = e.embed(new float[] {3, 5});
    assertThat(v[0]).isCloseTo(0f, within(1e-6f));
    assertThat(v[1]).isCloseTo(0f, within(1e-6f));
    assertThat(e.embed(new float[] {5, 5})[0]).isCloseTo((float) (2 / Math.sqrt(8 / 3.0)), within(1e-5f));
  }

  @Test
  void fit_noRows_rejects() {
    assertThatThrownBy(() -> Embedder.fit(List.of(), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows");
  }

  @Test
  void fit_raggedRows_rejectsNamingRow() {
    assertThatThrownBy(() -> Embedder.fit(List.of(new float[] {1, 2}, new float[] {1}), null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows[1]")
        .hasMessageContaining("dimension 2");
  }

  @Test
  void standardising_negativeStd_rejectsNamingIndex() {
    assertThatThrownBy(() -> Embedder.standardising(new float[] {0, 0}, new float[] {1, -1}, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("std[1]").hasMessageContaining("-1");
  }

  @Test
  void standardising_weightsOfWrongLength_rejects() {
    assertThatThrownBy(() -> Embedder.standardising(new float[] {0, 0}, new float[] {1, 1}, new float[] {1}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weights must have dimension 2");
  }

  @Test
  void embed_wrongDimension_rejects() {
    Embedder e = Embedder.identity(3);

    assertThatThrownBy(() -> e.embed(new float[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension 3")
        .hasMessageContaining("had 2");
  }

  @Test
  void embed_infiniteFeature_rejectsNamingIndex() {
    assertThatThrownBy(() -> Embedder.identity(2).embed(new float[] {1, Float.NEGATIVE_INFINITY}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("features[1]");
  }

  @Test
  void identity_zeroDimension_rejects() {
    assertThatThrownBy(() -> Embedder.identity(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dimension must be positive, but was 0");
  }
}
