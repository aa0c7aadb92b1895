package dev.fraudengine.models;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.ExplainedScore;
import dev.fraudengine.core.FeatureContribution;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.FraudModel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A gradient-boosted tree model saved by XGBoost in its JSON format, scored in pure Java: no native code and no
 * XGBoost4J at run time.
 *
 * <p><b>Models.</b> Objectives {@code binary:logistic} and {@code reg:logistic} of the {@code gbtree} booster with
 * numerical splits; the score is the logistic function of the margin, which starts at the logit of the model's
 * {@code base_score} and adds one leaf value per tree. A split sends a value below its threshold left, and a
 * missing value ({@code NaN}) to the split's default side, as XGBoost does. Scores agree with XGBoost4J's
 * {@code predict} within 1e-6.
 *
 * <p><b>Explanations.</b> {@link #explain} gives path attributions (Saabas): cheap enough for every decision, in
 * log-odds. {@link #shapValues} gives exact TreeSHAP values for one row on demand, equal to XGBoost's
 * {@code pred_contribs}.
 *
 * <p><b>Loading.</b> {@link #load} reads one JSON model file with the schema it was trained on; {@link
 * #loadDirectory} reads a model directory written by the trainer ({@code model.json} and {@code metadata.json}).
 * Every fault of a file is found at load and reported with {@link ErrorCode#MODEL_LOAD_FAILED}, the file and the
 * problem.
 *
 * <p><b>Threading.</b> Immutable and thread-safe (the SHAP tables are built once, under a lock, by the first
 * {@link #shapValues} call). {@link #score} and {@link #margin} allocate nothing once a thread has called them
 * once (each thread keeps a small working array per model).
 */
public final class GradientBoostedTrees implements FraudModel {
  /** The name of the XGBoost JSON model file in a model directory. */
  public static final String MODEL_FILE = "model.json";

  private final String id;
  private final String version;
  private final FeatureSchema schema;
  private final String objective;
  private final TreeEnsemble trees;

  private GradientBoostedTrees(
      String id, String version, FeatureSchema schema, String objective, TreeEnsemble trees) {
    this.id = id;
    this.version = version;
    this.schema = schema;
    this.objective = objective;
    this.trees = trees;
  }

  /**
   * Loads a model file that XGBoost saved as JSON ({@code Booster.saveModel("model.json")}).
   *
   * @param file the JSON model file
   * @param schema the feature schema the model was trained on: its width must be the model's feature count, and
   *     the model's feature names, if it has any, must be the schema's
   * @param id the model's id in the engine
   * @param version the model's version, recorded in each decision
   * @return the model
   * @throws FraudEngineException with {@link ErrorCode#MODEL_LOAD_FAILED}, naming the file and the problem, if the
   *     file cannot be read or is not a valid model: not JSON or truncated, an unsupported objective or booster, a
   *     split on a feature beyond the schema, arrays of different lengths, children out of range
   * @throws IllegalArgumentException if {@code id} or {@code version} is blank
   * @throws NullPointerException if an argument is {@code null}
   */
  public static GradientBoostedTrees load(Path file, FeatureSchema schema, String id, String version) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(schema, "schema");
    requireNonBlank(id, "id");
    requireNonBlank(version, "version");
    XGBoostJsonReader.Result read = XGBoostJsonReader.read(file, schema);
    return new GradientBoostedTrees(id, version, schema, read.objective(), read.ensemble());
  }

  /**
   * Loads a model directory written by {@code XGBoostTrainer}: {@code model.json} (XGBoost JSON) and {@code
   * metadata.json} ({@link ModelMetadata}), whose schema and version the model takes. The pipeline's schema must
   * be the one the model was trained on.
   *
   * @param directory the model directory
   * @param pipeline the schema of the feature pipeline that will feed the model
   * @param id the model's id in the engine
   * @return the model
   * @throws FraudEngineException with {@link ErrorCode#FEATURE_SCHEMA_MISMATCH} and both schemas in the message
   *     if the pipeline's schema is not the model's; with {@link ErrorCode#MODEL_LOAD_FAILED}, naming the file and
   *     the problem, if a file is missing or invalid
   * @throws IllegalArgumentException if {@code id} is blank
   * @throws NullPointerException if an argument is {@code null}
   */
  public static GradientBoostedTrees loadDirectory(Path directory, FeatureSchema pipeline, String id) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(pipeline, "pipeline");
    requireNonBlank(id, "id");
    ModelMetadata metadata = ModelMetadata.read(directory.resolve(ModelMetadata.FILE_NAME));
    if (!pipeline.compatibleWith(metadata.schema())) {
      throw new FraudEngineException(
          ErrorCode.FEATURE_SCHEMA_MISMATCH,
          "model directory " + directory + " was trained on schema " + metadata.schema()
              + ", but the pipeline produces " + pipeline);
    }
    return load(directory.resolve(MODEL_FILE), metadata.schema(), id, metadata.version());
  }

  private static void requireNonBlank(String value, String name) {
    Objects.requireNonNull(value, name);
    if (value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String version() {
    return version;
  }

  /**
   * Returns the feature schema the model was trained on.
   *
   * @return the schema given at load
   */
  public FeatureSchema schema() {
    return schema;
  }

  /**
   * Returns the XGBoost objective the model was trained with.
   *
   * @return {@code binary:logistic} or {@code reg:logistic}
   */
  public String objective() {
    return objective;
  }

  /**
   * Returns the number of trees.
   *
   * @return the tree count
   */
  public int treeCount() {
    return trees.treeCount();
  }

  /**
   * Returns the depth of the deepest tree (a tree of one leaf has depth 0).
   *
   * @return the maximum depth
   */
  public int maxDepth() {
    return trees.maxDepth();
  }

  /**
   * Returns the margin every row starts from: the logit of the model's {@code base_score}.
   *
   * @return the base margin, in log-odds
   */
  public double baseMargin() {
    return trees.baseMargin();
  }

  /**
   * Checks that the pipeline's schema is the one this model was trained on.
   *
   * @param pipeline the schema of the engine's feature pipeline
   * @throws FraudEngineException with {@link ErrorCode#FEATURE_SCHEMA_MISMATCH} and both schemas in the message,
   *     if they differ
   */
  @Override
  public void checkSchema(FeatureSchema pipeline) {
    Objects.requireNonNull(pipeline, "pipeline");
    if (!pipeline.compatibleWith(schema)) {
      throw new FraudEngineException(
          ErrorCode.FEATURE_SCHEMA_MISMATCH,
          "model '" + id + "' was trained on schema " + schema + ", but the pipeline produces " + pipeline);
    }
  }

  /**
   * Returns the fraud probability of a feature vector: the logistic function of {@link #margin}. Allocates
   * nothing after the calling thread's first call.
   *
   * @param features the vector, in the model's schema; {@code NaN} marks a missing value
   * @return the probability in [0, 1]
   * @throws IllegalArgumentException if the vector's length is not the schema's width
   */
  @Override
  public double score(float[] features) {
    return 1.0 / (1.0 + Math.exp(-margin(features)));
  }

  /**
   * Returns the model's raw output for a feature vector: the base margin plus one leaf value per tree, in
   * log-odds. Allocates nothing after the calling thread's first call, which creates the thread's working arrays
   * (a few hundred bytes per model; with a new thread per call, as with virtual threads, every call pays it).
   *
   * @param features the vector, in the model's schema; {@code NaN} marks a missing value
   * @return the margin
   * @throws IllegalArgumentException if the vector's length is not the schema's width
   */
  public double margin(float[] features) {
    checkWidth(features);
    return trees.margin(features);
  }

  private void checkWidth(float[] features) {
    if (features.length != trees.width()) {
      throw new IllegalArgumentException(
          "features must have " + trees.width() + " values (schema " + schema.name() + "@" + schema.version()
              + "), but had " + features.length);
    }
  }

  /**
   * Returns the features that moved this vector's margin most, by path attribution (Saabas): for each tree, each
   * step of the row's path from a node to its child adds the change of the expected value (cover-weighted mean
   * of the leaves below) to the node's split feature. Contributions are in log-odds; together with the model's
   * expected margin they sum to {@link #margin}. Features whose contribution is exactly zero are left out. Costs
   * one walk of the trees (the change of expected value of every step is precomputed at load); allocates only the
   * returned list and its contributions.
   *
   * @param features the vector, in the model's schema
   * @param limit the most contributions to return, positive
   * @return up to {@code limit} contributions, largest absolute value first; unmodifiable
   * @throws IllegalArgumentException if {@code limit} is not positive or the vector's width is wrong
   */
  @Override
  public List<FeatureContribution> explain(float[] features, int limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive, but was " + limit);
    }
    checkWidth(features);
    return top(trees.pathContributions(features), features, limit);
  }

  /**
   * Scores a vector and explains the score from one walk of the trees: path attribution telescopes (each tree's
   * root expected value plus the changes along the row's path is the row's leaf value), so the expected margin
   * plus the contributions is the margin, and the score is its logistic function. Equals {@link #score} within
   * rounding (1e-12); costs what {@link #explain} costs, not a walk more. Allocates only the result.
   *
   * @param features the vector, in the model's schema
   * @param limit the most contributions to return, at least 0
   * @return the probability and up to {@code limit} contributions, largest absolute value first
   * @throws IllegalArgumentException if {@code limit} is negative or the vector's width is wrong
   */
  @Override
  public ExplainedScore scoreExplained(float[] features, int limit) {
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be at least 0, but was " + limit);
    }
    if (limit == 0) {
      return new ExplainedScore(score(features), List.of());
    }
    checkWidth(features);
    double[] phi = trees.pathContributions(features);
    double margin = trees.expectedMargin();
    for (double v : phi) {
      margin += v;
    }
    return new ExplainedScore(1.0 / (1.0 + Math.exp(-margin)), top(phi, features, limit));
  }

  /**
   * The {@code limit} largest contributions by absolute value; zeroes the chosen ones in {@code phi}. The list is
   * made by the fixed-arity {@code List.of} up to three elements, so that it holds the only array it needs and
   * {@link ExplainedScore}'s copy keeps it as it is.
   */
  private List<FeatureContribution> top(double[] phi, float[] features, int limit) {
    FeatureContribution[] out = new FeatureContribution[Math.min(limit, phi.length)];
    List<String> names = schema.features();
    int n = 0;
    while (n < out.length) {
      int best = -1;
      double bestAbs = 0;
      for (int f = 0; f < phi.length; f++) {
        double a = Math.abs(phi[f]);
        if (a > bestAbs) {
          bestAbs = a;
          best = f;
        }
      }
      if (best < 0) {
        break;
      }
      out[n++] = new FeatureContribution(names.get(best), features[best], phi[best]);
      phi[best] = 0;
    }
    return switch (n) {
      case 0 -> List.of();
      case 1 -> List.of(out[0]);
      case 2 -> List.of(out[0], out[1]);
      case 3 -> List.of(out[0], out[1], out[2]);
      default -> List.of(n == out.length ? out : Arrays.copyOf(out, n));
    };
  }

  /**
   * Returns exact SHAP values of one vector by TreeSHAP (Lundberg et al., 2018), with node covers as the
   * background distribution, as XGBoost's {@code predictContrib} computes them. The array has the schema's
   * width plus one: one value per feature in schema order, then the bias (the expected margin) last; it sums to
   * {@link #margin}. For explanations on demand, not for every decision. The first call builds per-leaf tables
   * (for each leaf, 2^k values for the k distinct features on its path: 32 KB for a full tree of depth 6, kept
   * for the model's lifetime); a tree whose tables would exceed 8,192 values is computed by Lundberg's Algorithm 2
   * instead. A call then costs, per leaf, O(k) and allocates only the result.
   *
   * @param features the vector, in the model's schema
   * @return a new array of {@code width + 1} values, in log-odds
   * @throws IllegalArgumentException if the vector's width is wrong
   */
  public double[] shapValues(float[] features) {
    checkWidth(features);
    return trees.shap(features);
  }

  @Override
  public String toString() {
    return "GradientBoostedTrees[" + id + "@" + version + ", " + objective + ", " + trees.treeCount()
        + " trees, schema " + schema.name() + "@" + schema.version() + "]";
  }
}
