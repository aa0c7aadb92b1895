package dev.fraudengine.rag;

/**
 * Which nearest-neighbour backend an {@link InMemoryCaseStore} searches with.
 */
public enum SearchMode {
  /**
   * Exact search: a linear scan over a flat {@code float[]} of all vectors. Always correct; cost grows linearly
   * with the number of cases (about 0.3 ms at 100,000 cases of 32 dimensions on one core).
   */
  EXACT,
  /**
   * Approximate search over a JVector graph index (a DiskANN-style proximity graph with an HNSW-style hierarchy):
   * cost grows about logarithmically with the number of cases; recall@10 is measured at 0.95 or better on the
   * project's benchmark data, but is not guaranteed for every query.
   */
  APPROXIMATE,
  /**
   * Both indexes are kept; searches use {@link #EXACT} while the store holds fewer cases than the store's
   * approximate threshold, and {@link #APPROXIMATE} from then on. Costs the memory of both.
   */
  AUTO
}
