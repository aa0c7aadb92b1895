package dev.fraudengine.models.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngineException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/*
 * metadata.json of an autoencoder model directory: kind and format, version, feature schema, layer widths, the
 * 101 percentiles of the training rows' reconstruction errors, the training parameters, the ONNX input and output
 * names, and (since the network-only graph) the standardization, each feature's training mean and 1 / std, which
 * directories written before it lack (means and scales are then null). Written through a temporary file and an
 * atomic rename.
 */
record AutoencoderMetadata(String version, FeatureSchema schema, int[] layers, double[] errorPercentiles,
    Training training, float[] means, float[] scales) {

  static final String KIND = "autoencoder";
  private static final int FORMAT = 1;
  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /** How the network was trained. */
  record Training(int rows, int epochs, int batchSize, double learningRate, long seed, double finalLoss) {}

  void write(Path file) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("kind", KIND);
    root.put("format", FORMAT);
    root.put("version", version);
    ObjectNode s = root.putObject("schema");
    s.put("name", schema.name());
    s.put("version", schema.version());
    ArrayNode features = s.putArray("features");
    schema.features().forEach(features::add);
    root.put("input", Autoencoder.INPUT);
    root.put("output", Autoencoder.OUTPUT);
    ArrayNode l = root.putArray("layers");
    for (int width : layers) {
      l.add(width);
    }
    ArrayNode p = root.putArray("errorPercentiles");
    for (double q : errorPercentiles) {
      p.add(q);
    }
    ObjectNode standardization = root.putObject("standardization");
    addAll(standardization.putArray("means"), means);
    addAll(standardization.putArray("scales"), scales);
    ObjectNode t = root.putObject("training");
    t.put("rows", training.rows());
    t.put("epochs", training.epochs());
    t.put("batchSize", training.batchSize());
    t.put("learningRate", training.learningRate());
    t.put("seed", training.seed());
    t.put("finalLoss", training.finalLoss());
    root.put("library", "fraud-engine");
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, MAPPER.writeValueAsBytes(root));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write autoencoder metadata " + file, e);
    }
  }

  /**
   * Reads metadata written by {@link #write}.
   *
   * @throws FraudEngineException MODEL_LOAD_FAILED, naming the file and the problem
   */
  static AutoencoderMetadata read(Path file) {
    try {
      JsonNode root = MAPPER.readTree(Files.readAllBytes(file));
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("the file holds no JSON object");
      }
      if (!KIND.equals(field(root, "kind").asText())) {
        throw new IllegalArgumentException("kind is '" + root.get("kind").asText() + "', not '" + KIND + "'");
      }
      if (field(root, "format").asInt() != FORMAT) {
        throw new IllegalArgumentException("format " + root.get("format") + " is not supported");
      }
      JsonNode s = field(root, "schema");
      List<String> features = new ArrayList<>();
      field(s, "features").forEach(f -> features.add(f.asText()));
      FeatureSchema schema = new FeatureSchema(field(s, "name").asText(), field(s, "version").asText(), features);
      JsonNode l = field(root, "layers");
      int[] layers = new int[l.size()];
      for (int i = 0; i < layers.length; i++) {
        layers[i] = l.get(i).asInt();
      }
      if (layers.length < 3 || layers[0] != schema.size() || layers[layers.length - 1] != schema.size()) {
        throw new IllegalArgumentException("layers " + java.util.Arrays.toString(layers)
            + " must start and end with the schema's width " + schema.size());
      }
      JsonNode p = field(root, "errorPercentiles");
      if (p.size() != 101) {
        throw new IllegalArgumentException("errorPercentiles must hold 101 values, but held " + p.size());
      }
      double[] percentiles = new double[101];
      for (int i = 0; i < percentiles.length; i++) {
        percentiles[i] = p.get(i).asDouble();
        if (!Double.isFinite(percentiles[i]) || (i > 0 && percentiles[i] < percentiles[i - 1])) {
          throw new IllegalArgumentException("errorPercentiles must be finite and non-decreasing, but ["
              + i + "] is " + percentiles[i]);
        }
      }
      JsonNode t = field(root, "training");
      Training training = new Training(field(t, "rows").asInt(), field(t, "epochs").asInt(),
          field(t, "batchSize").asInt(), field(t, "learningRate").asDouble(), field(t, "seed").asLong(),
          field(t, "finalLoss").asDouble());
      JsonNode standardization = root.get("standardization");
      float[] means = standardization == null ? null : floats(standardization, "means", schema.size());
      float[] scales = standardization == null ? null : floats(standardization, "scales", schema.size());
      return new AutoencoderMetadata(field(root, "version").asText(), schema, layers, percentiles, training, means,
          scales);
    } catch (IOException | IllegalArgumentException e) {
      throw new FraudEngineException(
          ErrorCode.MODEL_LOAD_FAILED, "autoencoder metadata " + file + " is not valid: " + e.getMessage(), e);
    }
  }

  private static void addAll(ArrayNode array, float[] values) {
    for (float v : values) {
      array.add(v);
    }
  }

  /** A float array field of the standardization, one finite value per feature. */
  private static float[] floats(JsonNode parent, String name, int width) {
    JsonNode a = field(parent, name);
    if (!a.isArray() || a.size() != width) {
      throw new IllegalArgumentException("standardization." + name + " must hold " + width + " values, but held "
          + (a.isArray() ? a.size() : "no array"));
    }
    float[] out = new float[width];
    for (int i = 0; i < width; i++) {
      JsonNode v = a.get(i);
      out[i] = (float) v.asDouble();
      if (!v.isNumber() || !Float.isFinite(out[i])) {
        throw new IllegalArgumentException("standardization." + name + "[" + i + "] must be a finite number, but was "
            + v);
      }
    }
    return out;
  }

  private static JsonNode field(JsonNode parent, String name) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException("field '" + name + "' is missing");
    }
    return node;
  }
}
