package dev.fraudengine.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.rag.Embedder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/*
 * The case store's embedder of a model directory: fraud train writes the mean and the standard deviation of every
 * feature over the training rows (Embedder.statistics, as Embedder.fit computes them) to
 * case-embedder.json, and eval --cases rebuilds Embedder.standardising from it, so that the store's distances are
 * measured in standard deviations of the training window without replaying it again.
 */
final class CaseEmbedding {
  static final String FILE_NAME = "case-embedder.json";

  private CaseEmbedding() {}

  /** Writes the statistics of the training rows' features to dir/case-embedder.json. */
  static void write(Path dir, FeatureSchema schema, float[][] rows) {
    int d = schema.size();
    Embedder.Statistics stats = Embedder.statistics(Arrays.asList(rows));
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode o = mapper.createObjectNode();
    o.put("schema", schema.name());
    o.put("rows", rows.length);
    ArrayNode features = o.putArray("features");
    ArrayNode means = o.putArray("mean");
    ArrayNode stds = o.putArray("std");
    for (int i = 0; i < d; i++) {
      features.add(schema.features().get(i));
      means.add(stats.mean()[i]);
      stds.add(stats.std()[i]);
    }
    try {
      mapper.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(FILE_NAME).toFile(), o);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(FILE_NAME), e);
    }
  }

  /**
   * Reads the embedder of a model directory.
   *
   * @throws IllegalArgumentException if the directory has no case-embedder.json, or one for other features
   */
  static Embedder read(Path dir, FeatureSchema schema) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("--cases needs " + FILE_NAME + " in the model directory, but '" + dir
          + "' has none (written by fraud train since the case store option; train the model again)");
    }
    JsonNode o;
    try {
      o = new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    List<String> names = new ArrayList<>();
    o.path("features").forEach(x -> names.add(x.asText()));
    if (!names.equals(schema.features())) {
      throw new IllegalArgumentException(FILE_NAME + " in '" + dir + "' must list the model's " + schema.size()
          + " features " + schema.name() + ", but lists " + names.size() + ": " + names);
    }
    return Embedder.standardising(floats(o.path("mean")), floats(o.path("std")), null);
  }

  private static float[] floats(JsonNode a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = (float) a.get(i).asDouble();
    }
    return f;
  }
}
