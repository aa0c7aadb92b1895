package dev.fraudengine.examples;

import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.NamedLists;
import dev.fraudengine.core.RuleCompiler;
import dev.fraudengine.core.RuleSet;
import dev.fraudengine.features.FeaturePipelines;
import dev.fraudengine.features.OnlineFeaturePipeline;
import dev.fraudengine.models.GradientBoostedTrees;
import dev.fraudengine.models.ModelMetadata;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/*
 * What the commands need to rebuild an engine from a model directory alone: the directory written by fraud train
 * (model.json and metadata.json) records the feature schema the model was trained on, whose name (handbook,
 * handbook-plus or standard) names the pipeline to rebuild. The model's id in the engine is "gbt", so rules read its
 * score as model.gbt.
 */
final class ModelDirectory {
  static final String MODEL_ID = "gbt";
  /** The names {@link #pipeline} knows, for option descriptions. */
  static final String PIPELINES = "handbook, handbook-plus or standard";

  private ModelDirectory() {}

  /** The pipelines by name, new and empty. */
  static OnlineFeaturePipeline pipeline(String name) {
    return switch (name) {
      case "handbook" -> FeaturePipelines.handbook();
      case "handbook-plus" -> FeaturePipelines.handbookPlus();
      case "standard" -> FeaturePipelines.standard();
      default -> throw new IllegalArgumentException("pipeline must be " + PIPELINES + ", but was '" + name + "'");
    };
  }

  /** Checks a model directory and reads its metadata. */
  static ModelMetadata metadata(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("--model must be a model directory written by fraud train, but '" + dir
          + "' is not a directory");
    }
    Path meta = dir.resolve(ModelMetadata.FILE_NAME);
    if (!Files.isRegularFile(meta) || !Files.isRegularFile(dir.resolve(GradientBoostedTrees.MODEL_FILE))) {
      throw new IllegalArgumentException("--model must be a model directory written by fraud train, but '" + dir
          + "' lacks " + ModelMetadata.FILE_NAME + " or " + GradientBoostedTrees.MODEL_FILE);
    }
    return ModelMetadata.read(meta);
  }

  /**
   * Starts an engine builder with the pipeline and model of a directory, or with a pipeline alone when there is no
   * model directory.
   */
  static FraudEngine.Builder engine(Path dir, String pipelineWithoutModel) {
    OnlineFeaturePipeline pipeline;
    FraudEngine.Builder b = FraudEngine.builder();
    if (dir != null) {
      ModelMetadata m = metadata(dir);
      pipeline = pipeline(m.schema().name());
      b.model(GradientBoostedTrees.loadDirectory(dir, pipeline.schema(), MODEL_ID));
    } else {
      pipeline = pipeline(pipelineWithoutModel);
    }
    return b.features(pipeline);
  }

  /** The schema an engine built by {@link #engine} computes, without building it. */
  static FeatureSchema schema(Path dir, String pipelineWithoutModel) {
    return dir != null ? pipeline(metadata(dir).schema().name()).schema() : pipeline(pipelineWithoutModel).schema();
  }

  /** Compiles a rule file against a schema, the model (if any) and lists given as name=file. */
  static RuleSet rules(Path file, FeatureSchema schema, boolean withModel, Map<String, Path> lists) {
    NamedLists named = new NamedLists();
    lists.forEach(named::load);
    RuleCompiler.Builder b = RuleCompiler.builder().schema(schema).lists(named);
    if (withModel) {
      b.models(MODEL_ID);
    }
    String name = file.getFileName().toString();
    String version = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
    return b.build().compile(version, file);
  }
}
