package dev.fraudengine.rag;

/**
 * A nearest-neighbour backend of {@link InMemoryCaseStore}: {@link ExactIndex} or {@link JVectorIndex}.
 *
 * <p>Cases are known by ordinal: a dense, increasing int the store assigns and never reuses. The store calls
 * {@link #add} and {@link #remove} under its write lock and {@link #search} under its read lock; {@link #link}, the
 * slow part of adding to a graph, is called without the store's lock, serialised with other {@code link} and
 * {@code remove} calls by the store, while searches run.
 */
interface NeighbourIndex {

  /** Stores the vector of a new ordinal, the next one after the last added. */
  void add(int ordinal, float[] vector);

  /** Makes added ordinals in {@code [from, to)} findable; a no-op where {@link #add} already did. */
  default void link(int from, int to) {}

  /** Forgets an ordinal; searches filter removed ordinals out through the visibility anyway. */
  void remove(int ordinal);

  /**
   * Finds up to {@code out.length} visible ordinals nearest to the query, best first.
   *
   * @return how many were written to {@code out}
   */
  int search(float[] query, Visibility visibility, int[] out);

  /** Releases what the index holds; never throws. */
  void close();

  /**
   * Which ordinals a search may return: those added, not removed, and labelled no later than its instant. When
   * the caller knows that every added ordinal is visible (nothing removed, every label at or before the instant,
   * the usual case when scoring live traffic), the test reads no per-ordinal state.
   */
  final class Visibility {
    private final long[] visibleFrom;
    private final int size;
    private final long asOf;
    private final boolean all;

    /**
     * @param visibleFrom per ordinal, the label time in epoch nanoseconds, {@code Long.MAX_VALUE} once removed
     * @param size the number of ordinals added
     * @param asOf the search's instant in epoch nanoseconds
     */
    Visibility(long[] visibleFrom, int size, long asOf) {
      this(visibleFrom, size, asOf, false);
    }

    /**
     * @param all whether every ordinal below size is known to be visible at asOf
     */
    Visibility(long[] visibleFrom, int size, long asOf, boolean all) {
      this.visibleFrom = visibleFrom;
      this.size = size;
      this.asOf = asOf;
      this.all = all;
    }

    boolean test(int ordinal) {
      return ordinal >= 0 && ordinal < size && (all || visibleFrom[ordinal] <= asOf);
    }

    int size() {
      return size;
    }

    /** Whether every ordinal below {@link #size()} is visible: a search need not test any of them. */
    boolean all() {
      return all;
    }
  }
}
