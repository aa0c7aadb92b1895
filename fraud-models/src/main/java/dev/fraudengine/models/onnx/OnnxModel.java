package dev.fraudengine.models.onnx;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.FraudModel;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * A binary classifier in an ONNX file, scored through ONNX Runtime: any model with one float input [N, width]
 * (or [1, width]) whose width is the schema's, and a fraud probability among its outputs.
 *
 * <p><b>Outputs.</b> The probability is read from a float tensor [N, 2] (column 1: softmax networks, scikit-learn
 * converters with {@code zipmap=False}), a float tensor [N, 1] or [N] (sigmoid networks), or a sequence of maps from
 * class label to probability, the form scikit-learn converters write by default ({@code ZipMap}: the value of key
 * {@code 1} or {@code "1"}). The model's only output of one of these forms is used, or the one named with {@link
 * Builder#outputName}. Missing values ({@code NaN}) are passed to the model as they are: the model decides.
 *
 * <p><b>Loading.</b> The file, its input (count, type, name, width) and its outputs are checked at {@link
 * Builder#build()}, and every problem is reported with the file's path.
 *
 * <p><b>Threading and resources.</b> Thread-safe: ONNX Runtime runs calls from many threads on one session. Each
 * thread writes its row into its own direct buffer, which ONNX Runtime reads in place. The session runs each call
 * on the calling thread with one intra-op thread by default ({@link Builder#intraOpThreads}). {@link #close()}
 * waits for calls in flight, frees the native session and never throws; a call after it fails with {@link
 * IllegalStateException}. Needs ONNX Runtime ({@code com.microsoft.onnxruntime:onnxruntime}, an optional dependency
 * of this module) on the class path.
 */
public final class OnnxModel implements FraudModel {
  private final String id;
  private final String version;
  private final FeatureSchema schema;
  private final NativeSession session;
  private final ProbabilityOutput output;
  private final Set<String> outputs;
  private final NativeSession.OutputReader reader;

  private OnnxModel(Builder b, NativeSession session, ProbabilityOutput output) {
    this.id = b.id;
    this.version = b.version;
    this.schema = b.schema;
    this.session = session;
    this.output = output;
    this.outputs = Set.of(output.name());
    this.reader = output::read;
  }

  /**
   * Returns a builder for a model file.
   *
   * @param file the ONNX model file
   * @param schema the feature schema the model was trained on; its width must be the model input's
   * @return a new builder
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Builder builder(Path file, FeatureSchema schema) {
    return new Builder(file, schema);
  }

  /**
   * Loads a model file with the defaults: any input name, the only probability output, one intra-op thread.
   *
   * @param file the ONNX model file
   * @param schema the feature schema the model was trained on
   * @param id the model's id in the engine
   * @param version the model's version, recorded in each decision
   * @return the model
   * @throws FraudEngineException as {@link Builder#build()}
   * @throws IllegalArgumentException if {@code id} or {@code version} is blank
   * @throws NullPointerException if an argument is {@code null}
   */
  public static OnnxModel load(Path file, FeatureSchema schema, String id, String version) {
    return builder(file, schema).id(id).version(version).build();
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
   * @return the schema given to the builder
   */
  public FeatureSchema schema() {
    return schema;
  }

  /**
   * Returns the name of the model's input.
   *
   * @return the input name
   */
  public String inputName() {
    return session.inputName();
  }

  /**
   * Returns the name of the output the probability is read from.
   *
   * @return the output name
   */
  public String outputName() {
    return output.name();
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
      throw new FraudEngineException(ErrorCode.FEATURE_SCHEMA_MISMATCH, "model '" + id + "' (" + session.file()
          + ") was trained on schema " + schema + ", but the pipeline produces " + pipeline);
    }
  }

  /**
   * Returns the model's fraud probability for one feature vector.
   *
   * @param features the vector, in the model's schema
   * @return the probability the model gives; the engine treats a value outside [0, 1] as a fault of the model
   * @throws IllegalArgumentException if the vector's length is not the schema's width
   * @throws IllegalStateException if the model is closed
   * @throws dev.fraudengine.core.FraudEngineException with {@code MODEL_SCORE_FAILED} if ONNX Runtime fails (the
   *     cause is kept)
   */
  @Override
  public double score(float[] features) {
    Objects.requireNonNull(features, "features");
    return session.run(features, outputs, reader);
  }

  /** Frees the native session; waits for calls in flight. Never throws; faults are logged. */
  @Override
  public void close() {
    session.close();
  }

  @Override
  public String toString() {
    return "OnnxModel[" + id + "@" + version + ", " + session.file() + ", output " + output.name() + "]";
  }

  /**
   * Configures and loads an {@link OnnxModel}. Setters validate at once; {@link #build()} loads the file. Not
   * thread-safe; build once.
   */
  public static final class Builder {
    private final Path file;
    private final FeatureSchema schema;
    private String id;
    private String version;
    private String inputName;
    private String outputName;
    private int intraOpThreads = 1;

    private Builder(Path file, FeatureSchema schema) {
      this.file = Objects.requireNonNull(file, "file");
      this.schema = Objects.requireNonNull(schema, "schema");
    }

    /**
     * Sets the model's id in the engine; required.
     *
     * @param id the id, not blank
     * @return this builder
     * @throws IllegalArgumentException if {@code id} is blank
     */
    public Builder id(String id) {
      this.id = requireNonBlank(id, "id");
      return this;
    }

    /**
     * Sets the model's version, recorded in each decision; required.
     *
     * @param version the version, not blank
     * @return this builder
     * @throws IllegalArgumentException if {@code version} is blank
     */
    public Builder version(String version) {
      this.version = requireNonBlank(version, "version");
      return this;
    }

    /**
     * Requires the model's input to have this name. By default any name is accepted.
     *
     * @param inputName the expected input name, not blank
     * @return this builder
     * @throws IllegalArgumentException if {@code inputName} is blank
     */
    public Builder inputName(String inputName) {
      this.inputName = requireNonBlank(inputName, "inputName");
      return this;
    }

    /**
     * Names the output that holds the probability, for a model with several outputs of a probability form.
     *
     * @param outputName the output name, not blank
     * @return this builder
     * @throws IllegalArgumentException if {@code outputName} is blank
     */
    public Builder outputName(String outputName) {
      this.outputName = requireNonBlank(outputName, "outputName");
      return this;
    }

    /**
     * Sets the number of threads ONNX Runtime may use inside one call; default 1, right for one row at a time
     * (parallelism comes from the engine's callers).
     *
     * @param intraOpThreads at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code intraOpThreads} is below 1
     */
    public Builder intraOpThreads(int intraOpThreads) {
      if (intraOpThreads < 1) {
        throw new IllegalArgumentException("intraOpThreads must be at least 1, but was " + intraOpThreads);
      }
      this.intraOpThreads = intraOpThreads;
      return this;
    }

    /**
     * Loads the model and checks it.
     *
     * @return the model, ready to score
     * @throws IllegalStateException if the id or version was not set
     * @throws FraudEngineException with {@link ErrorCode#FEATURE_SCHEMA_MISMATCH}, naming the file, if the input's
     *     width is not the schema's or its name is not the expected one; with {@link ErrorCode#MODEL_LOAD_FAILED},
     *     naming the file and the problem, if the file is missing, is not an ONNX model or is truncated (the ONNX
     *     Runtime error is the cause), has other than one float input of rank 2, or has no probability output
     */
    public OnnxModel build() {
      if (id == null) {
        throw new IllegalStateException("id must be set");
      }
      if (version == null) {
        throw new IllegalStateException("version must be set");
      }
      NativeSession session = NativeSession.open(file, schema, inputName, intraOpThreads);
      try {
        ProbabilityOutput output = ProbabilityOutput.choose(file, session.outputs(), outputName);
        return new OnnxModel(this, session, output);
      } catch (RuntimeException e) {
        session.close();
        throw e;
      }
    }

    private static String requireNonBlank(String value, String name) {
      Objects.requireNonNull(value, name);
      if (value.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return value;
    }
  }
}
