package dev.fraudengine.rag;

/**
 * Which nearest-neighbour backend an {@link InMemoryCaseStore} searches with.
 */
public enum SearchMode {
  /**
   * Exact search: a linear scan of all vectors, stored by groups of 8 dimensions, that abandons a case once it is
   * farther than the k-th best so far (L2). Always correct; cost grows linearly with the number of cases (well under
   * 1 ms at 100,000 cases of 32 dimensions on one core).
   */
  EXACT,
  /**
   * Approximate search over a proximity graph (DiskANN-style, with an HNSW-style hierarchy) built by JVector and
   * searched by the store's own beam search over a flat copy: cost grows about logarithmically with the number of
   * cases; recall@10 is measured at 0.95 or better on the project's benchmark data, but is not guaranteed for every
   * query.
   */
  APPROXIMATE,
  /**
   * Both indexes are kept; searches use {@link #EXACT} while the store holds fewer cases than the store's
   * approximate threshold, and {@link #APPROXIMATE} from then on. Costs the memory of both.
   */
  AUTO
}
