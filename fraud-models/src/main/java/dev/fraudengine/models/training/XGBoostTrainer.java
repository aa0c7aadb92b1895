package dev.fraudengine.models.training;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.models.GradientBoostedTrees;
import dev.fraudengine.models.Metrics;
import dev.fraudengine.models.ModelMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * Trains a {@code binary:logistic} gradient-boosted tree model with XGBoost4J and writes a model directory that
 * {@link GradientBoostedTrees#loadDirectory} reads: {@code model.json} (XGBoost JSON) and {@code metadata.json}
 * ({@link ModelMetadata}).
 *
 * <p><b>Fraud defaults</b>, each overridable on the builder: the rows are ordered by event time and the latest
 * 20 % are the validation split (never a random split: it would leak the future into training); {@code
 * scale_pos_weight} is the training split's negatives / positives; up to 1,000 rounds with early stopping after
 * 50 rounds without improvement of {@code aucpr} on the validation split, and the model keeps the best round's
 * trees only; {@code max_depth} 6, {@code eta} 0.1, {@code min_child_weight} 1, {@code subsample} 0.8, {@code
 * colsample_bytree} 0.8, {@code tree_method} hist, seed 0, one thread per available processor.
 *
 * <p>Needs XGBoost4J ({@code ml.dmlc:xgboost4j_2.12}, an optional dependency of this module) and its native
 * library (libgomp on Linux). Instances are immutable and thread-safe; training calls may run in parallel.
 */
public final class XGBoostTrainer {
  private final Map<String, Object> parameters;
  private final int rounds;
  private final int earlyStoppingRounds;
  private final double validationFraction;
  private final Double scalePosWeight;
  private final String version;

  private XGBoostTrainer(Builder b) {
    this.parameters = Map.copyOf(b.parameters);
    this.rounds = b.rounds;
    this.earlyStoppingRounds = b.earlyStoppingRounds;
    this.validationFraction = b.validationFraction;
    this.scalePosWeight = b.scalePosWeight;
    this.version = b.version;
  }

  /**
   * Returns a builder with the fraud defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Trains a model and writes its directory (created if absent; {@code model.json} and {@code metadata.json} are
   * replaced).
   *
   * @param data the labelled rows; both splits must hold fraud and legitimate rows
   * @param directory the model directory to write
   * @return the metadata written
   * @throws IllegalArgumentException if a split lacks fraud or legitimate rows, or there are too few rows
   * @throws FraudEngineException with {@link ErrorCode#MODEL_TRAINING_FAILED}, the directory and the XGBoost error as
   *     cause, if XGBoost4J fails (bad parameters, native failure)
   * @throws UncheckedIOException if the directory cannot be written
   */
  public ModelMetadata train(TrainingData data, Path directory) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(directory, "directory");
    int n = data.rows();
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingLong(data::eventTime));
    int validationRows = (int) Math.round(n * validationFraction);
    int trainingRows = n - validationRows;
    if (trainingRows < 2 || validationRows < 2) {
      throw new IllegalArgumentException("data must give at least 2 training and 2 validation rows, but had "
          + n + " rows with validationFraction " + validationFraction);
    }
    Split train = new Split(data, order, 0, trainingRows);
    Split valid = new Split(data, order, trainingRows, n);
    train.requireBothClasses("training");
    valid.requireBothClasses("validation");
    Map<String, Object> params = new LinkedHashMap<>(parameters);
    params.put("objective", "binary:logistic");
    params.putIfAbsent("eval_metric", "aucpr");
    params.put("scale_pos_weight",
        scalePosWeight != null ? scalePosWeight : (double) (train.size() - train.positives) / train.positives);
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create model directory " + directory, e);
    }
    Path modelFile = directory.resolve(GradientBoostedTrees.MODEL_FILE);
    int trees;
    DMatrix trainMatrix = null;
    DMatrix validMatrix = null;
    Booster booster = null;
    try {
      trainMatrix = train.matrix();
      validMatrix = valid.matrix();
      booster = XGBoost.train(trainMatrix, params, 0, Map.of(), null, null);
      trees = boost(booster, trainMatrix, validMatrix, String.valueOf(params.get("eval_metric")));
      if (trees < booster.getNumBoostedRound()) {
        booster.dispose();
        booster = XGBoost.train(trainMatrix, params, trees, Map.of(), null, null);
      }
      Path tmp = directory.resolve(GradientBoostedTrees.MODEL_FILE + ".tmp.json");
      booster.saveModel(tmp.toString());
      Files.move(tmp, modelFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (XGBoostError e) {
      throw new FraudEngineException(ErrorCode.MODEL_TRAINING_FAILED,
          "XGBoost4J could not train model " + modelFile + ": " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write model " + modelFile, e);
    } finally {
      dispose(booster, trainMatrix, validMatrix);
    }
    GradientBoostedTrees model = GradientBoostedTrees.load(modelFile, data.schema(), "validation", "candidate");
    double[] scores = new double[valid.size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = model.score(data.row(valid.index(i)));
    }
    Map<String, String> recorded = new LinkedHashMap<>();
    params.forEach((k, v) -> recorded.put(k, String.valueOf(v)));
    recorded.put("num_boost_round", String.valueOf(rounds));
    recorded.put("best_round_count", String.valueOf(trees));
    recorded.put("early_stopping_rounds", String.valueOf(earlyStoppingRounds));
    recorded.put("validation_fraction", String.valueOf(validationFraction));
    Instant trainedTo = Instant.ofEpochMilli(train.lastTime());
    ModelMetadata metadata = new ModelMetadata(
        version != null ? version : "xgb-" + trainedTo,
        data.schema(),
        Instant.ofEpochMilli(train.firstTime()), trainedTo, train.size(), train.positives,
        Instant.ofEpochMilli(valid.firstTime()), Instant.ofEpochMilli(valid.lastTime()), valid.size(),
        valid.positives,
        Metrics.rocAuc(scores, valid.labels()), Metrics.averagePrecision(scores, valid.labels()),
        model.treeCount(), recorded, "xgboost4j " + xgboostVersion());
    metadata.write(directory.resolve(ModelMetadata.FILE_NAME));
    return metadata;
  }

  private static void dispose(Booster booster, DMatrix... matrices) {
    if (booster != null) {
      booster.dispose();
    }
    for (DMatrix m : matrices) {
      if (m != null) {
        m.dispose();
      }
    }
  }

  /** The version XGBoost4J's jar declares, or "unknown". */
  static String xgboostVersion() {
    try (InputStream in = XGBoost.class.getResourceAsStream("/xgboost4j-version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Rows [from, to) of the time order. */
  private static final class Split {
    private final TrainingData data;
    private final Integer[] order;
    private final int from;
    private final int to;
    final long positives;

    Split(TrainingData data, Integer[] order, int from, int to) {
      this.data = data;
      this.order = order;
      this.from = from;
      this.to = to;
      long p = 0;
      for (int i = from; i < to; i++) {
        p += data.label(order[i]) ? 1 : 0;
      }
      this.positives = p;
    }

    int size() {
      return to - from;
    }

    int index(int i) {
      return order[from + i];
    }

    long firstTime() {
      return data.eventTime(order[from]);
    }

    long lastTime() {
      return data.eventTime(order[to - 1]);
    }

    boolean[] labels() {
      boolean[] out = new boolean[size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = data.label(index(i));
      }
      return out;
    }

    void requireBothClasses(String name) {
      if (positives == 0 || positives == size()) {
        throw new IllegalArgumentException("the " + name + " split must hold fraud and legitimate rows, but held "
            + positives + " frauds of " + size());
      }
    }

    DMatrix matrix() throws XGBoostError {
      int width = data.schema().size();
      float[] flat = new float[size() * width];
      float[] labels = new float[size()];
      for (int i = 0; i < size(); i++) {
        System.arraycopy(data.row(index(i)), 0, flat, i * width, width);
        labels[i] = data.label(index(i)) ? 1 : 0;
      }
      DMatrix m = new DMatrix(flat, size(), width, Float.NaN);
      m.setLabel(labels);
      return m;
    }
  }

  /**
   * Boosts round by round up to {@code rounds}, evaluating the validation split after each round, and stops after
   * {@code earlyStoppingRounds} rounds without improvement. The evaluation goes through {@link Booster#evalSet},
   * which returns the figure, rather than through the watches of {@code XGBoost.train}, whose native code prints a
   * line per round on standard output.
   *
   * @return the number of trees of the best round
   */
  private int boost(Booster booster, DMatrix train, DMatrix valid, String metric) throws XGBoostError {
    DMatrix[] sets = {valid};
    String[] names = {"validation"};
    boolean maximize = metric.startsWith("auc") || metric.startsWith("map") || metric.startsWith("ndcg")
        || metric.startsWith("pre");
    double best = Double.NaN;
    int bestRound = 0;
    for (int round = 0; round < rounds; round++) {
      booster.update(train, round);
      String line = booster.evalSet(sets, names, round);
      double value = Double.parseDouble(line.substring(line.lastIndexOf(':') + 1).trim());
      if (Double.isNaN(best) || (maximize ? value > best : value < best)) {
        best = value;
        bestRound = round;
      } else if (round - bestRound >= earlyStoppingRounds) {
        break;
      }
    }
    return bestRound + 1;
  }

  /**
   * Builds an {@link XGBoostTrainer}. Setters validate at once; not thread-safe.
   */
  public static final class Builder {
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private int rounds = 1_000;
    private int earlyStoppingRounds = 50;
    private double validationFraction = 0.2;
    private Double scalePosWeight;
    private String version;

    private Builder() {
      parameters.put("max_depth", 6);
      parameters.put("eta", 0.1);
      parameters.put("min_child_weight", 1.0);
      parameters.put("subsample", 0.8);
      parameters.put("colsample_bytree", 0.8);
      parameters.put("tree_method", "hist");
      parameters.put("seed", 0);
      parameters.put("nthread", Runtime.getRuntime().availableProcessors());
    }

    /**
     * Sets the most boosting rounds (trees) to train.
     *
     * @param rounds positive; default 1,000
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder rounds(int rounds) {
      if (rounds <= 0) {
        throw new IllegalArgumentException("rounds must be positive, but was " + rounds);
      }
      this.rounds = rounds;
      return this;
    }

    /**
     * Sets how many rounds without improvement on the validation split stop training.
     *
     * @param rounds positive; default 50
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder earlyStoppingRounds(int rounds) {
      if (rounds <= 0) {
        throw new IllegalArgumentException("earlyStoppingRounds must be positive, but was " + rounds);
      }
      this.earlyStoppingRounds = rounds;
      return this;
    }

    /**
     * Sets the share of the latest rows (by event time) held out for validation and early stopping.
     *
     * @param fraction in (0, 1); default 0.2
     * @return this builder
     * @throws IllegalArgumentException if outside (0, 1)
     */
    public Builder validationFraction(double fraction) {
      if (!(fraction > 0 && fraction < 1)) {
        throw new IllegalArgumentException("validationFraction must be in (0, 1), but was " + fraction);
      }
      this.validationFraction = fraction;
      return this;
    }

    /**
     * Sets {@code scale_pos_weight} instead of the training split's negatives / positives.
     *
     * @param weight positive and finite
     * @return this builder
     * @throws IllegalArgumentException if not positive and finite
     */
    public Builder scalePosWeight(double weight) {
      if (!(weight > 0 && Double.isFinite(weight))) {
        throw new IllegalArgumentException("scalePosWeight must be positive and finite, but was " + weight);
      }
      this.scalePosWeight = weight;
      return this;
    }

    /**
     * Sets any XGBoost parameter, e.g. {@code max_depth}, {@code eta}, {@code nthread}, {@code eval_metric},
     * replacing the default. {@code objective} is always {@code binary:logistic}; use {@link #scalePosWeight} for
     * {@code scale_pos_weight}.
     *
     * @param name the parameter's XGBoost name
     * @param value its value
     * @return this builder
     * @throws IllegalArgumentException if {@code name} is {@code objective} or {@code scale_pos_weight}, or blank
     */
    public Builder parameter(String name, Object value) {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isBlank() || name.equals("objective") || name.equals("scale_pos_weight")) {
        throw new IllegalArgumentException("parameter name must not be blank, objective or scale_pos_weight, but was '"
            + name + "'");
      }
      parameters.put(name, value);
      return this;
    }

    /**
     * Sets the version recorded in the metadata, instead of {@code "xgb-" + the latest training event time}.
     *
     * @param version not blank
     * @return this builder
     * @throws IllegalArgumentException if blank
     */
    public Builder version(String version) {
      Objects.requireNonNull(version, "version");
      if (version.isBlank()) {
        throw new IllegalArgumentException("version must not be blank");
      }
      this.version = version;
      return this;
    }

    /**
     * Builds the trainer.
     *
     * @return an immutable trainer
     */
    public XGBoostTrainer build() {
      return new XGBoostTrainer(this);
    }
  }

  /**
   * Returns the schema-independent XGBoost parameters this trainer starts from (without {@code objective} and
   * {@code scale_pos_weight}, which are set per training).
   *
   * @return an unmodifiable copy
   */
  public Map<String, Object> parameters() {
    return parameters;
  }

  @Override
  public String toString() {
    return "XGBoostTrainer" + parameters + ", rounds " + rounds + ", early stopping " + earlyStoppingRounds
        + ", validation " + validationFraction;
  }
}
