package dev.fraudengine.rag;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The reads that start a row's cache misses before the walk scores it. */
class FrozenGraphTest {

  @Test
  void touchRow_anyWidth_readsValuesAtMost64BytesApartAndTheLast() {
    float[] f = new float[80];
    for (int i = 0; i < f.length; i++) {
      f[i] = i;
    }
    // 37 floats from 3 (148 bytes, up to four lines): values 3, 19, 35 and the last, 39
    assertThat(FrozenGraph.touchRow(f, 3, 37)).isEqualTo(3 + 19 + 35 + 39);
    // 32 floats: the first, the 17th and the last, as before session 8
    assertThat(FrozenGraph.touchRow(f, 0, 32)).isEqualTo(0 + 16 + 31);
    assertThat(FrozenGraph.touchRow(f, 5, 1)).isEqualTo(5);
  }
}
