package dev.fraudengine.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/*
 * Reads a model that XGBoost saved in its JSON format (Booster.saveModel("x.json"), XGBoost 1.0 and later) and
 * validates every part the evaluator relies on, so that a bad file fails here, once, and never while scoring.
 *
 * The parts read: learner.objective.name; learner.learner_model_param.base_score (a string, "5E-1" or, in newer
 * versions, "[5E-1]"; for the logistic objectives it is a probability and the margin starts at its logit);
 * learner.learner_model_param.num_feature; learner.feature_names (optional); learner.gradient_booster.name (gbtree
 * only); learner.gradient_booster.model.trees[], each with left_children, right_children, split_indices,
 * split_conditions (a leaf's value for a leaf), default_left, sum_hessian (the node cover) and split_type
 * (numerical splits only).
 */
final class XGBoostJsonReader {
  private static final Set<String> OBJECTIVES = Set.of("binary:logistic", "reg:logistic");
  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /** Why a file is not a valid model; turned into MODEL_LOAD_FAILED with the file's name. */
  private static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  private XGBoostJsonReader() {}

  /** The result: the evaluator and the objective it was saved with. */
  record Result(TreeEnsemble ensemble, String objective) {}

  static Result read(Path file, FeatureSchema schema) {
    JsonNode root;
    try {
      root = MAPPER.readTree(Files.readAllBytes(file));
    } catch (JsonProcessingException e) {
      throw failed(file, "not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw failed(file, "cannot read it: " + e, e);
    }
    try {
      return parse(root, schema);
    } catch (Invalid e) {
      throw failed(file, e.getMessage(), null);
    }
  }

  private static FraudEngineException failed(Path file, String problem, Throwable cause) {
    String message = "XGBoost model " + file + " is not a valid model: " + problem;
    return cause == null
        ? new FraudEngineException(ErrorCode.MODEL_LOAD_FAILED, message)
        : new FraudEngineException(ErrorCode.MODEL_LOAD_FAILED, message, cause);
  }

  private static Result parse(JsonNode root, FeatureSchema schema) throws Invalid {
    if (root == null || !root.isObject()) {
      throw new Invalid("the file holds no JSON object");
    }
    JsonNode learner = object(root, "learner", "learner");
    String objective = text(object(learner, "objective", "learner.objective"), "name", "learner.objective.name");
    if (!OBJECTIVES.contains(objective)) {
      throw new Invalid("objective '" + objective + "' is not supported, only " + OBJECTIVES);
    }
    JsonNode param = object(learner, "learner_model_param", "learner.learner_model_param");
    int numClass = param.has("num_class") ? (int) number(param, "num_class") : 0;
    if (numClass > 1) {
      throw new Invalid("num_class is " + numClass + "; only single-output models are supported");
    }
    int numFeature = (int) number(param, "num_feature");
    if (numFeature != schema.size()) {
      throw new Invalid(
          "it was trained on " + numFeature + " features, but schema " + schema + " has " + schema.size());
    }
    checkFeatureNames(learner, schema);
    double baseScore = number(param, "base_score");
    if (!(baseScore > 0 && baseScore < 1)) {
      throw new Invalid("base_score must be in (0, 1) for " + objective + ", but was " + baseScore);
    }
    float p = (float) baseScore;
    double baseMargin = -Math.log(1.0 / p - 1.0);
    JsonNode booster = object(learner, "gradient_booster", "learner.gradient_booster");
    String boosterName = text(booster, "name", "learner.gradient_booster.name");
    if (!boosterName.equals("gbtree")) {
      throw new Invalid("booster '" + boosterName + "' is not supported, only gbtree");
    }
    JsonNode model = object(booster, "model", "learner.gradient_booster.model");
    JsonNode trees = model.get("trees");
    if (trees == null || !trees.isArray()) {
      throw new Invalid("learner.gradient_booster.model.trees is missing or not an array");
    }
    JsonNode treeInfo = model.get("tree_info");
    if (treeInfo != null) {
      for (JsonNode group : treeInfo) {
        if (group.asInt() != 0) {
          throw new Invalid("tree_info names output group " + group.asInt() + "; only one output is supported");
        }
      }
    }
    List<TreeEnsemble.Tree> parsed = new ArrayList<>(trees.size());
    for (int t = 0; t < trees.size(); t++) {
      parsed.add(tree(trees.get(t), t, schema.size()));
    }
    return new Result(new TreeEnsemble(schema.size(), baseMargin, parsed), objective);
  }

  private static void checkFeatureNames(JsonNode learner, FeatureSchema schema) throws Invalid {
    JsonNode names = learner.get("feature_names");
    if (names == null || !names.isArray() || names.isEmpty()) {
      return;
    }
    List<String> saved = new ArrayList<>(names.size());
    names.forEach(n -> saved.add(n.asText()));
    if (!saved.equals(schema.features())) {
      throw new Invalid("its feature names " + saved + " differ from schema " + schema);
    }
  }

  private static TreeEnsemble.Tree tree(JsonNode tree, int t, int width) throws Invalid {
    String where = "trees[" + t + "]";
    if (tree == null || !tree.isObject()) {
      throw new Invalid(where + " is not an object");
    }
    int[] left = ints(tree, "left_children", where);
    int n = left.length;
    if (n == 0) {
      throw new Invalid(where + " has no nodes");
    }
    int[] right = ints(tree, "right_children", where);
    int[] feature = ints(tree, "split_indices", where);
    double[] condition = doubles(tree, "split_conditions", where);
    double[] cover = doubles(tree, "sum_hessian", where);
    boolean[] defaultLeft = booleans(tree, "default_left", where);
    sameLength(where, n, "right_children", right.length);
    sameLength(where, n, "split_indices", feature.length);
    sameLength(where, n, "split_conditions", condition.length);
    sameLength(where, n, "sum_hessian", cover.length);
    sameLength(where, n, "default_left", defaultLeft.length);
    if (tree.has("split_type")) {
      int[] splitType = ints(tree, "split_type", where);
      sameLength(where, n, "split_type", splitType.length);
      for (int i = 0; i < n; i++) {
        if (splitType[i] != 0 && left[i] >= 0) {
          throw new Invalid(where + " node " + i + " is a categorical split; only numerical splits are supported");
        }
      }
    }
    float[] threshold = new float[n];
    float[] leafValue = new float[n];
    boolean[] reached = new boolean[n];
    reached[0] = true;
    for (int i = 0; i < n; i++) {
      if (!(cover[i] >= 0) || Double.isInfinite(cover[i])) {
        throw new Invalid(where + " node " + i + " has sum_hessian " + cover[i] + ", not a finite cover >= 0");
      }
      if (left[i] < 0 || right[i] < 0) {
        if (left[i] != -1 || right[i] != -1) {
          throw new Invalid(where + " node " + i + " has one child only: left " + left[i] + ", right " + right[i]);
        }
        if (!Double.isFinite(condition[i])) {
          throw new Invalid(where + " leaf " + i + " has value " + condition[i]);
        }
        leafValue[i] = (float) condition[i];
        continue;
      }
      for (int child : new int[] {left[i], right[i]}) {
        if (child <= 0 || child >= n) {
          throw new Invalid(where + " node " + i + " has child " + child + ", outside [1, " + n + ")");
        }
        if (reached[child]) {
          throw new Invalid(where + " node " + child + " has more than one parent");
        }
        reached[child] = true;
      }
      if (feature[i] < 0 || feature[i] >= width) {
        throw new Invalid(
            where + " node " + i + " splits on feature " + feature[i] + ", beyond the schema's " + width
                + " features");
      }
      if (Double.isNaN(condition[i])) {
        throw new Invalid(where + " node " + i + " has split condition NaN");
      }
      threshold[i] = (float) condition[i];
    }
    for (int i = 0; i < n; i++) {
      if (!reached[i]) {
        throw new Invalid(where + " node " + i + " is not reachable from the root");
      }
    }
    return new TreeEnsemble.Tree(left, right, feature, threshold, defaultLeft, leafValue, cover);
  }

  private static void sameLength(String where, int n, String field, int length) throws Invalid {
    if (length != n) {
      throw new Invalid(where + "." + field + " has " + length + " entries, but left_children has " + n);
    }
  }

  private static JsonNode object(JsonNode parent, String field, String path) throws Invalid {
    JsonNode node = parent.get(field);
    if (node == null || !node.isObject()) {
      throw new Invalid(path + " is missing or not an object");
    }
    return node;
  }

  private static String text(JsonNode parent, String field, String path) throws Invalid {
    JsonNode node = parent.get(field);
    if (node == null || !node.isTextual()) {
      throw new Invalid(path + " is missing or not a string");
    }
    return node.asText();
  }

  /** A number written as a JSON number or as a string ("5E-1"), possibly in brackets ("[5E-1]"). */
  private static double number(JsonNode parent, String field) throws Invalid {
    JsonNode node = parent.get(field);
    if (node == null) {
      throw new Invalid(field + " is missing");
    }
    if (node.isNumber()) {
      return node.doubleValue();
    }
    String s = node.asText().trim();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1).trim();
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      throw new Invalid(field + " is not a number: '" + node.asText() + "'");
    }
  }

  private static JsonNode array(JsonNode tree, String field, String where) throws Invalid {
    JsonNode node = tree.get(field);
    if (node == null || !node.isArray()) {
      throw new Invalid(where + "." + field + " is missing or not an array");
    }
    return node;
  }

  private static int[] ints(JsonNode tree, String field, String where) throws Invalid {
    JsonNode a = array(tree, field, where);
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = a.get(i);
      if (!v.isIntegralNumber() || !v.canConvertToInt()) {
        throw new Invalid(where + "." + field + "[" + i + "] is not an integer: " + v);
      }
      out[i] = v.intValue();
    }
    return out;
  }

  private static double[] doubles(JsonNode tree, String field, String where) throws Invalid {
    JsonNode a = array(tree, field, where);
    double[] out = new double[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = a.get(i);
      if (!v.isNumber()) {
        throw new Invalid(where + "." + field + "[" + i + "] is not a number: " + v);
      }
      out[i] = v.doubleValue();
    }
    return out;
  }

  private static boolean[] booleans(JsonNode tree, String field, String where) throws Invalid {
    JsonNode a = array(tree, field, where);
    boolean[] out = new boolean[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = a.get(i);
      if (v.isBoolean()) {
        out[i] = v.booleanValue();
      } else if (v.isIntegralNumber() && (v.intValue() == 0 || v.intValue() == 1)) {
        out[i] = v.intValue() == 1;
      } else {
        throw new Invalid(where + "." + field + "[" + i + "] is not a boolean or 0/1: " + v);
      }
    }
    return out;
  }
}
