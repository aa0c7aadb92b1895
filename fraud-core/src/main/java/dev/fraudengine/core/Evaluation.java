package dev.fraudengine.core;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What one decision knows while its rules run: the {@link RuleContext} the rules read, which records every value
 * a rule reads so that a fired rule can show them. Reads go to two parallel arrays, reused from rule to rule;
 * values are boxed only when a rule fires.
 *
 * <p>Used by one thread at a time. An engine keeps one per scoring thread and reuses it from decision to decision
 * ({@link #start} and {@link #finish} bracket each), so that a decision allocates none; {@link #inUse} tells a
 * decision started from inside a rule (on the same thread) to make its own.
 */
final class Evaluation implements RuleContext {
  private final Map<String, Integer> featureIndex;
  private final List<String> featureNames;
  private Transaction tx;
  private float[] features;
  private List<ModelSlot> models;
  private double[] modelScores;
  private double combined;
  private CaseSignals cases;
  private boolean inUse;
  private String[] readNames = new String[8];
  private double[] readNumbers = new double[8];
  private int reads;

  Evaluation(FeatureSchema schema, Map<String, Integer> featureIndex) {
    this.featureIndex = featureIndex;
    this.featureNames = schema.features();
  }

  /** Sets what the rules of a decision read; returns this. */
  Evaluation start(Transaction tx, float[] features, List<ModelSlot> models, double[] modelScores,
      double combined, CaseSignals cases) {
    this.tx = tx;
    this.features = features;
    this.models = models;
    this.modelScores = modelScores;
    this.combined = combined;
    this.cases = cases;
    this.reads = 0;
    this.inUse = true;
    return this;
  }

  /** Ends the decision: lets go of its transaction and values, so that an idle thread keeps none alive. */
  void finish() {
    tx = null;
    features = null;
    models = null;
    modelScores = null;
    cases = null;
    Arrays.fill(readNames, 0, reads, null);
    reads = 0;
    inUse = false;
  }

  /** Tells whether a decision between {@link #start} and {@link #finish} is using this evaluation. */
  boolean inUse() {
    return inUse;
  }

  /** Forgets the values read so far: called before each rule. */
  void startRule() {
    reads = 0;
  }

  /** Returns the values the current rule read, by name, in reading order; a name read twice shows once. */
  Map<String, Object> readValues() {
    if (reads == 0) {
      return Map.of();
    }
    Object[] kv = new Object[reads * 2];
    int n = 0;
    outer:
    for (int i = 0; i < reads; i++) {
      for (int j = 0; j < n; j += 2) {
        if (kv[j].equals(readNames[i])) {
          continue outer;
        }
      }
      kv[n++] = readNames[i];
      kv[n++] = readNumbers[i];
    }
    return Values.of(n == kv.length ? kv : Arrays.copyOf(kv, n));
  }

  private double read(String name, double value) {
    if (reads == readNames.length) {
      readNames = Arrays.copyOf(readNames, reads * 2);
      readNumbers = Arrays.copyOf(readNumbers, reads * 2);
    }
    readNames[reads] = name;
    readNumbers[reads] = value;
    reads++;
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
  public double feature(int index) {
    return read(featureNames.get(index), features[index]);
  }

  @Override
  public double modelScore(String modelId) {
    for (int i = 0; i < models.size(); i++) {
      if (models.get(i).id.equals(modelId)) {
        return read(models.get(i).ruleName, modelScores[i]);
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
