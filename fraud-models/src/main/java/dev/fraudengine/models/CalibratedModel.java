package dev.fraudengine.models;

import dev.fraudengine.core.FeatureContribution;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudModel;
import java.util.List;
import java.util.Objects;

/**
 * A model whose scores pass through a {@link Calibrator}: the engine sees calibrated probabilities. The id is the
 * wrapped model's; the version adds {@code "+calibrated"}. Schema checks, explanations (in the wrapped model's
 * units) and {@code close} go to the wrapped model.
 *
 * <p>Thread-safe if the wrapped model is (calibrators are).
 */
public final class CalibratedModel implements FraudModel {
  private final FraudModel model;
  private final Calibrator calibrator;

  private CalibratedModel(FraudModel model, Calibrator calibrator) {
    this.model = model;
    this.calibrator = calibrator;
  }

  /**
   * Wraps a model with a calibrator fitted on its held-out scores.
   *
   * @param model the model
   * @param calibrator its calibrator
   * @return the calibrated model
   * @throws NullPointerException if an argument is {@code null}
   */
  public static CalibratedModel of(FraudModel model, Calibrator calibrator) {
    return new CalibratedModel(Objects.requireNonNull(model, "model"), Objects.requireNonNull(calibrator, "calibrator"));
  }

  /**
   * Returns the wrapped model.
   *
   * @return the model whose scores are calibrated
   */
  public FraudModel model() {
    return model;
  }

  @Override
  public String id() {
    return model.id();
  }

  @Override
  public String version() {
    return model.version() + "+calibrated";
  }

  @Override
  public void checkSchema(FeatureSchema schema) {
    model.checkSchema(schema);
  }

  /**
   * Returns the calibrated probability of the wrapped model's score.
   *
   * @param features the vector
   * @return the calibrated probability in [0, 1]
   */
  @Override
  public double score(float[] features) {
    return calibrator.calibrate(model.score(features));
  }

  @Override
  public List<FeatureContribution> explain(float[] features, int limit) {
    return model.explain(features, limit);
  }

  @Override
  public void close() {
    model.close();
  }

  @Override
  public String toString() {
    return "CalibratedModel[" + model + ", " + calibrator + "]";
  }
}
