package dev.fraudengine.core;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The names and order of the values in a feature vector, with a name and a version for the whole set.
 *
 * <p>A model trained on one schema must be scored on vectors of the same schema: the engine compares them when
 * it is built and refuses a mismatch with {@link ErrorCode#FEATURE_SCHEMA_MISMATCH}. Immutable.
 *
 * @param name the schema's name, e.g. {@code "handbook"}
 * @param version the schema's version; change it whenever a definition changes
 * @param features the feature names, in vector order, unique
 */
public record FeatureSchema(String name, String version, List<String> features) {

  /*
   * Creates a schema and copies the feature names.
   *
   * @throws IllegalArgumentException if the name or version is blank, or a feature name is blank or repeated
   * @throws NullPointerException if a component or a feature name is {@code null}
   */
  public FeatureSchema {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    if (name.isBlank()) {
      throw new IllegalArgumentException("name must not be blank");
    }
    if (version.isBlank()) {
      throw new IllegalArgumentException("version must not be blank");
    }
    features = List.copyOf(features);
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < features.size(); i++) {
      String f = features.get(i);
      if (f.isBlank()) {
        throw new IllegalArgumentException("features[" + i + "] must not be blank");
      }
      Integer before = seen.putIfAbsent(f, i);
      if (before != null) {
        throw new IllegalArgumentException(
            "features must be unique, but '" + f + "' is at " + before + " and " + i);
      }
    }
  }

  /**
   * Creates a schema.
   *
   * @param name the schema's name
   * @param version the schema's version
   * @param features the feature names in vector order
   * @return the schema
   * @throws IllegalArgumentException as the canonical constructor
   */
  public static FeatureSchema of(String name, String version, String... features) {
    return new FeatureSchema(name, version, List.of(features));
  }

  /**
   * Returns the number of features.
   *
   * @return the vector length
   */
  public int size() {
    return features.size();
  }

  /**
   * Returns the position of a feature in the vector. A linear scan: resolve names once, not per decision.
   *
   * @param feature the feature's name
   * @return its index, or -1 if the schema has no such feature
   */
  public int indexOf(String feature) {
    return features.indexOf(feature);
  }

  /**
   * Tells whether a model or rule written for {@code other} can read vectors of this schema.
   *
   * @param other the schema it was written for
   * @return {@code true} when names, versions and feature lists are equal
   */
  public boolean compatibleWith(FeatureSchema other) {
    return equals(other);
  }

  @Override
  public String toString() {
    return name + "@" + version + features;
  }
}
