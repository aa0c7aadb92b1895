package dev.fraudengine.models.training;

import dev.fraudengine.core.FeatureSchema;
import java.util.Objects;

/**
 * A labelled feature matrix for training: one row per transaction, in any order, as the feature pipeline's
 * point-in-time replay produces it.
 *
 * <p>The outer arrays are copied; the rows are not (a training matrix can be large): do not change them while a
 * trainer reads them.
 *
 * @param schema the schema of every row
 * @param features the rows, each of the schema's width; {@code NaN} marks a missing value
 * @param labels {@code true} for a confirmed fraud, one per row
 * @param eventTimes each row's event time in milliseconds since the epoch, one per row; the trainer validates on
 *     the latest rows
 */
public record TrainingData(FeatureSchema schema, float[][] features, boolean[] labels, long[] eventTimes) {

  /*
   * Creates training data and copies the outer arrays.
   *
   * @throws NullPointerException if a component or a row is null
   * @throws IllegalArgumentException if the lengths differ or a row is not of the schema's width
   */
  public TrainingData {
    Objects.requireNonNull(schema, "schema");
    features = Objects.requireNonNull(features, "features").clone();
    labels = Objects.requireNonNull(labels, "labels").clone();
    eventTimes = Objects.requireNonNull(eventTimes, "eventTimes").clone();
    if (labels.length != features.length || eventTimes.length != features.length) {
      throw new IllegalArgumentException("features, labels and eventTimes must have the same length, but had "
          + features.length + ", " + labels.length + " and " + eventTimes.length);
    }
    for (int i = 0; i < features.length; i++) {
      Objects.requireNonNull(features[i], "features[" + i + "]");
      if (features[i].length != schema.size()) {
        throw new IllegalArgumentException("features[" + i + "] must have " + schema.size() + " values (schema "
            + schema.name() + "@" + schema.version() + "), but had " + features[i].length);
      }
    }
  }

  /**
   * Returns the number of rows.
   *
   * @return the row count
   */
  public int rows() {
    return features.length;
  }

  /**
   * Returns the rows.
   *
   * @return a copy of the outer array; the rows themselves are shared, do not change them
   */
  @Override
  public float[][] features() {
    return features.clone();
  }

  /**
   * Returns the labels, {@code true} for fraud.
   *
   * @return a copy
   */
  @Override
  public boolean[] labels() {
    return labels.clone();
  }

  /**
   * Returns the rows' event times, epoch milliseconds.
   *
   * @return a copy
   */
  @Override
  public long[] eventTimes() {
    return eventTimes.clone();
  }

  float[] row(int i) {
    return features[i];
  }

  boolean label(int i) {
    return labels[i];
  }

  long eventTime(int i) {
    return eventTimes[i];
  }
}
