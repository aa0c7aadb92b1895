package dev.fraudengine.core;

import java.time.Instant;

/**
 * Extension point: turns a transaction into its feature vector, using and then updating what it remembers of
 * each entity (card, terminal, device, IP...).
 *
 * <p><b>Contract.</b> {@link #process} reads each entity's state <em>as of the transaction's event time</em>,
 * computes the vector described by {@link #schema()} (missing values are {@code NaN}), and then records the
 * transaction in that state, in that order, so that a transaction never sees itself unless a feature's
 * definition says it counts. It never reads the wall clock. The engine calls it only with transactions that
 * passed validation, once per decision.
 *
 * <p><b>Threading.</b> Implementations must be thread-safe: the engine calls {@code process} and
 * {@code feedback} from many threads at once. Updates of one entity must not be lost when two threads process
 * transactions of the same card at the same time.
 *
 * <p><b>Faults.</b> If {@code process} throws, the engine decides without features (rules only) and marks the
 * decision degraded; the exception does not reach the caller. A pipeline that computed part of the vector throws
 * {@link PartialFeaturesException} with it: the engine then decides with the partial vector, still degraded.
 */
public interface FeaturePipeline extends AutoCloseable {

  /**
   * Returns the schema of the vectors this pipeline makes. Must return the same value every time.
   *
   * @return the schema
   */
  FeatureSchema schema();

  /**
   * Computes the features of a transaction as of its event time, then records the transaction.
   *
   * @param tx a validated transaction
   * @return a new vector of {@code schema().size()} values, owned by the caller
   */
  float[] process(Transaction tx);

  /**
   * Receives the confirmed label of an earlier transaction, for label-delayed features. A label may arrive
   * days after the transaction, and for a transaction the pipeline no longer remembers; both are fine.
   *
   * @param transactionId the id of the labelled transaction
   * @param label the confirmed label
   * @param labelTime when the label became known; label-delayed features use it, never the wall clock
   */
  default void feedback(String transactionId, Label label, Instant labelTime) {}

  /** Releases what the pipeline holds. Never throws; faults are logged. */
  @Override
  default void close() {}

  /**
   * Returns a pipeline that computes no features: for engines that decide with rules on the transaction's
   * own fields only.
   *
   * @return a stateless pipeline with an empty schema named {@code "none"}
   */
  static FeaturePipeline none() {
    return NoFeatures.INSTANCE;
  }
}

/** The pipeline of {@link FeaturePipeline#none()}. */
final class NoFeatures implements FeaturePipeline {
  static final NoFeatures INSTANCE = new NoFeatures();
  private static final FeatureSchema SCHEMA = FeatureSchema.of("none", "1");
  private static final float[] EMPTY = new float[0];

  private NoFeatures() {}

  @Override
  public FeatureSchema schema() {
    return SCHEMA;
  }

  @Override
  public float[] process(Transaction tx) {
    return EMPTY;
  }
}
