package dev.fraudengine.rag;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The order in which the walk on the vectors reads a row's values. */
class FrozenGraphTest {

  @Test
  void order_linkedNodes_dimensionsByTheirSpreadLargestFirstTiesByIndex() {
    // four nodes in a ring; dimension 2 differs most between linked nodes, then 0; 1 and 3 never differ
    float[] vectors = {
        0, 5, 0, 7,
        1, 5, 4, 7,
        0, 5, 8, 7,
        1, 5, 12, 7};
    int[] offsets = {0, 2, 4, 6, 8};
    int[] edges = {1, 3, 0, 2, 1, 3, 2, 0};

    assertThat(FrozenGraph.order(4, 4, vectors, offsets, edges)).containsExactly(2, 0, 1, 3);
  }

  @Test
  void search_valuesReordered_findsTheExactNearestOfASmallGraph() {
    // a path 0-1-2-3-4 whose nodes differ along dimension 1 only: the walk reorders the values (1 first) and must
    // still score the query's own values against them
    float[] vectors = new float[5 * 3];
    for (int o = 0; o < 5; o++) {
      vectors[o * 3] = 2;
      vectors[o * 3 + 1] = 10 * o;
      vectors[o * 3 + 2] = -1;
    }
    int[] offsets = {0, 1, 3, 5, 7, 8};
    int[] edges = {1, 0, 2, 1, 3, 2, 4, 3};
    FrozenGraph g = new FrozenGraph(5, 3, true, vectors, offsets, edges, 0, 0, null, new int[0][], new int[0][],
        null, null);
    NeighbourIndex.Visibility all = new NeighbourIndex.Visibility(null, 5, Long.MAX_VALUE, true);
    int[] out = new int[2];

    assertThat(g.search(new float[] {2, 31, -1}, all, vectors, 5, 4, 4, false, new FrozenGraph.Scratch(), out))
        .isEqualTo(2);
    assertThat(out).containsExactly(3, 4);
  }
}
