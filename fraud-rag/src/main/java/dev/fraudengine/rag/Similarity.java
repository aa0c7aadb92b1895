package dev.fraudengine.rag;

/**
 * How a store compares search vectors, and how it maps the comparison to a similarity in [0, 1].
 *
 * <p>Both backends (exact and approximate) rank by the same measure and report the same similarity for the same
 * case: the approximate backend only chooses <em>which</em> cases are returned; their similarities are recomputed
 * exactly from the stored vectors.
 */
public enum Similarity {
  /**
   * Cosine similarity, mapped to {@code (1 + cos) / 2}: 1 for the same direction, 0.5 for orthogonal vectors, 0
   * for opposite ones. A zero vector has no direction: its cosine with any vector counts as 0 (similarity 0.5).
   */
  COSINE,
  /**
   * Euclidean (L2) distance {@code d}, mapped to {@code 1 / (1 + d)}: 1 for identical vectors, falling towards 0
   * with distance; 0.5 at distance 1. Suits standardised embeddings, where a distance of 1 is one standard
   * deviation along one feature.
   */
  L2
}
