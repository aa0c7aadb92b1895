package dev.fraudengine.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one decision knows while its rules run: the {@link RuleContext} the rules read, which records every value
 * a rule reads so that a fired rule can show them. One per decision, used by one thread.
 */
final class Evaluation implements RuleContext {
  private final Transaction tx;
  private final float[] features;
  private final Map<String, Integer> featureIndex;
  private final List<ModelSlot> models;
  private final double[] modelScores;
  private final double combined;
  private final CaseSignals cases;
  private ArrayList<Object> reads;

  Evaluation(Transaction tx, float[] features, Map<String, Integer> featureIndex, List<ModelSlot> models,
      double[] modelScores, double combined, CaseSignals cases) {
    this.tx = tx;
    this.features = features;
    this.featureIndex = featureIndex;
    this.models = models;
    this.modelScores = modelScores;
    this.combined = combined;
    this.cases = cases;
  }

  /** Forgets the values read so far: called before each rule. */
  void startRule() {
    if (reads != null) {
      reads.clear();
    }
  }

  /** Returns a new map of the values the current rule read, by name, in reading order. */
  Map<String, Object> readValues() {
    if (reads == null || reads.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < reads.size(); i += 2) {
      values.put((String) reads.get(i), reads.get(i + 1));
    }
    return values;
  }

  private double read(String name, double value) {
    if (reads == null) {
      reads = new ArrayList<>(8);
    }
    reads.add(name);
    reads.add(value);
    return value;
  }

  @Override
  public Transaction transaction() {
    return tx;
  }

  @Override
  public double feature(String name) {
    Integer i = featureIndex.get(name);
    if (i == null) {
      throw new IllegalArgumentException("unknown feature '" + name + "'; the schema has " + featureIndex.keySet());
    }
    return read(name, features[i]);
  }

  @Override
  public double modelScore(String modelId) {
    for (int i = 0; i < models.size(); i++) {
      if (models.get(i).id.equals(modelId)) {
        return read("model." + modelId, modelScores[i]);
      }
    }
    return read("model." + modelId, Double.NaN);
  }

  @Override
  public double modelScore() {
    return read("model", combined);
  }

  @Override
  public double nearestFraudSimilarity() {
    return read("cases.nearest_fraud_similarity", cases.nearestFraudSimilarity());
  }

  @Override
  public double fraudShare() {
    return read("cases.fraud_share", cases.fraudShare());
  }
}
