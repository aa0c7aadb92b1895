package dev.fraudengine.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a model directory records about how its model was made ({@code metadata.json} beside {@code model.json}):
 * the feature schema, the training and validation windows and class balance, the training parameters, the
 * validation metrics and the library that trained it. Immutable.
 *
 * @param version the model's version, recorded in each decision
 * @param schema the feature schema the model was trained on
 * @param trainedFrom the earliest event time of the training rows
 * @param trainedTo the latest event time of the training rows
 * @param trainingRows the number of training rows
 * @param trainingPositives the number of fraud rows among them
 * @param validatedFrom the earliest event time of the validation rows
 * @param validatedTo the latest event time of the validation rows
 * @param validationRows the number of validation rows
 * @param validationPositives the number of fraud rows among them
 * @param validationRocAuc the model's ROC AUC on the validation rows
 * @param validationAveragePrecision the model's average precision on the validation rows
 * @param trees the number of trees kept (after early stopping)
 * @param parameters the training parameters, as given to the library
 * @param library the library and version that trained the model, e.g. {@code "xgboost4j 3.0.4"}
 */
public record ModelMetadata(
    String version,
    FeatureSchema schema,
    Instant trainedFrom,
    Instant trainedTo,
    long trainingRows,
    long trainingPositives,
    Instant validatedFrom,
    Instant validatedTo,
    long validationRows,
    long validationPositives,
    double validationRocAuc,
    double validationAveragePrecision,
    int trees,
    Map<String, String> parameters,
    String library) {

  /** The name of the metadata file in a model directory. */
  public static final String FILE_NAME = "metadata.json";

  private static final JsonMapper MAPPER =
      JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

  /*
   * Creates metadata and copies the parameters.
   *
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the version is blank or a count is negative
   */
  public ModelMetadata {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(trainedFrom, "trainedFrom");
    Objects.requireNonNull(trainedTo, "trainedTo");
    Objects.requireNonNull(validatedFrom, "validatedFrom");
    Objects.requireNonNull(validatedTo, "validatedTo");
    Objects.requireNonNull(library, "library");
    if (version.isBlank()) {
      throw new IllegalArgumentException("version must not be blank");
    }
    if (trainingRows < 0 || trainingPositives < 0 || validationRows < 0 || validationPositives < 0 || trees < 0) {
      throw new IllegalArgumentException("counts must not be negative, but were trainingRows=" + trainingRows
          + " trainingPositives=" + trainingPositives + " validationRows=" + validationRows
          + " validationPositives=" + validationPositives + " trees=" + trees);
    }
    parameters = Map.copyOf(parameters);
  }

  /**
   * Writes this metadata as JSON, through a temporary file and an atomic rename.
   *
   * @param file the file to write, usually {@code <model directory>/metadata.json}
   * @throws java.io.UncheckedIOException if it cannot be written
   */
  public void write(Path file) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", 1);
    root.put("version", version);
    ObjectNode s = root.putObject("schema");
    s.put("name", schema.name());
    s.put("version", schema.version());
    ArrayNode features = s.putArray("features");
    schema.features().forEach(features::add);
    ObjectNode training = root.putObject("training");
    training.put("from", trainedFrom.toString());
    training.put("to", trainedTo.toString());
    training.put("rows", trainingRows);
    training.put("positives", trainingPositives);
    ObjectNode validation = root.putObject("validation");
    validation.put("from", validatedFrom.toString());
    validation.put("to", validatedTo.toString());
    validation.put("rows", validationRows);
    validation.put("positives", validationPositives);
    validation.put("rocAuc", validationRocAuc);
    validation.put("averagePrecision", validationAveragePrecision);
    root.put("trees", trees);
    ObjectNode params = root.putObject("parameters");
    new java.util.TreeMap<>(parameters).forEach(params::put);
    root.put("library", library);
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, MAPPER.writeValueAsBytes(root));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot write model metadata " + file, e);
    }
  }

  /**
   * Reads metadata written by {@link #write}.
   *
   * @param file the metadata file
   * @return the metadata
   * @throws FraudEngineException with {@link ErrorCode#MODEL_LOAD_FAILED}, naming the file and the problem, if it
   *     cannot be read or lacks a field
   */
  public static ModelMetadata read(Path file) {
    try {
      JsonNode root = MAPPER.readTree(Files.readAllBytes(file));
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException("the file holds no JSON object");
      }
      JsonNode s = field(root, "schema");
      List<String> features = new ArrayList<>();
      field(s, "features").forEach(f -> features.add(f.asText()));
      FeatureSchema schema = new FeatureSchema(text(s, "name"), text(s, "version"), features);
      JsonNode training = field(root, "training");
      JsonNode validation = field(root, "validation");
      Map<String, String> parameters = new LinkedHashMap<>();
      Iterator<Map.Entry<String, JsonNode>> params = field(root, "parameters").fields();
      params.forEachRemaining(e -> parameters.put(e.getKey(), e.getValue().asText()));
      return new ModelMetadata(
          text(root, "version"), schema,
          Instant.parse(text(training, "from")), Instant.parse(text(training, "to")),
          field(training, "rows").asLong(), field(training, "positives").asLong(),
          Instant.parse(text(validation, "from")), Instant.parse(text(validation, "to")),
          field(validation, "rows").asLong(), field(validation, "positives").asLong(),
          field(validation, "rocAuc").asDouble(), field(validation, "averagePrecision").asDouble(),
          field(root, "trees").asInt(), parameters, text(root, "library"));
    } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
      throw new FraudEngineException(
          ErrorCode.MODEL_LOAD_FAILED, "model metadata " + file + " is not valid: " + e.getMessage(), e);
    }
  }

  private static JsonNode field(JsonNode parent, String name) {
    JsonNode node = parent.get(name);
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException("field '" + name + "' is missing");
    }
    return node;
  }

  private static String text(JsonNode parent, String name) {
    return field(parent, name).asText();
  }
}
