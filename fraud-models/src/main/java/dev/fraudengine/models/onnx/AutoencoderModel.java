package dev.fraudengine.models.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.FraudModel;
import dev.fraudengine.models.ScoreScale;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;

/**
 * The project's anomaly model scored through ONNX Runtime: an {@link Autoencoder} model directory ({@code
 * model.onnx} and {@code metadata.json}, as {@link Autoencoder#write} and {@link AutoencoderTrainer} write it).
 *
 * <p><b>Score.</b> The row's reconstruction error: Java standardizes the row with the metadata's means and scales
 * (a missing value becomes its training mean, so 0), ONNX Runtime runs the network of {@value
 * Autoencoder#NETWORK_FILE} on it, and Java takes the mean of the squared differences between the row and its
 * reconstruction; the score is the error mapped to [0, 1] by the percentiles of the training rows' errors, stored in
 * the metadata: the share of legitimate training rows the row is more unusual than. It equals {@link
 * Autoencoder#score} of the network that wrote the directory within 1e-5. A directory without that network (no
 * {@value Autoencoder#NETWORK_FILE} or no standardization in its metadata, as written before session 6; or a
 * network file whose output is not the reconstruction [N, width], as written in session 6, which summed the squares
 * in the graph) is scored through the self-contained {@value Autoencoder#MODEL_FILE}, which does all of it in ONNX
 * Runtime, about 3 µs slower a row.
 *
 * <p><b>Threading and resources.</b> Thread-safe; one intra-op thread; each thread reuses its own direct input
 * and output buffers. {@link #close()} waits for calls in flight, frees the native session and never throws. Needs ONNX Runtime
 * on the class path.
 */
public final class AutoencoderModel implements FraudModel {
  private static final Set<String> OUTPUTS = Set.of(Autoencoder.OUTPUT);
  private static final Set<String> NETWORK_OUTPUTS = Set.of(Autoencoder.NETWORK_OUTPUT);

  private final String id;
  private final String version;
  private final FeatureSchema schema;
  private final ScoreScale errorScale;
  private final NativeSession session;
  /** Per feature, the training mean and 1 / std; null when the session runs the self-contained graph. */
  private final float[] means;
  private final float[] scales;
  /**
   * Each thread's working rows: [0] the standardized row, written before each run (the session copies it into its
   * own buffer), [1] the run's output (the reconstruction, or the error alone from the self-contained graph).
   */
  private final ThreadLocal<float[][]> scratch;

  private AutoencoderModel(String id, AutoencoderMetadata metadata, NativeSession session, boolean network) {
    this.id = id;
    this.version = metadata.version();
    this.schema = metadata.schema();
    this.errorScale = ScoreScale.fit(metadata.errorPercentiles());
    this.session = session;
    this.means = network ? metadata.means() : null;
    this.scales = network ? metadata.scales() : null;
    int width = schema.size();
    this.scratch = ThreadLocal.withInitial(() -> new float[2][width]);
  }

  /**
   * Loads an autoencoder model directory. The pipeline's schema must be the one the model was trained on.
   *
   * @param directory the model directory
   * @param pipeline the schema of the feature pipeline that will feed the model
   * @param id the model's id in the engine
   * @return the model, ready to score
   * @throws FraudEngineException with {@link ErrorCode#FEATURE_SCHEMA_MISMATCH} and both schemas in the message if
   *     the pipeline's schema is not the model's, or the ONNX input's name or width is not the metadata's; with
   *     {@link ErrorCode#MODEL_LOAD_FAILED}, naming the file and the problem, if a file is missing or invalid
   * @throws IllegalArgumentException if {@code id} is blank
   * @throws NullPointerException if an argument is {@code null}
   */
  public static AutoencoderModel load(Path directory, FeatureSchema pipeline, String id) {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(pipeline, "pipeline");
    Objects.requireNonNull(id, "id");
    if (id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    AutoencoderMetadata metadata = AutoencoderMetadata.read(directory.resolve(Autoencoder.METADATA_FILE));
    if (!pipeline.compatibleWith(metadata.schema())) {
      throw new FraudEngineException(ErrorCode.FEATURE_SCHEMA_MISMATCH, "model directory " + directory
          + " was trained on schema " + metadata.schema() + ", but the pipeline produces " + pipeline);
    }
    Path network = directory.resolve(Autoencoder.NETWORK_FILE);
    if (metadata.means() != null && Files.isRegularFile(network)) {
      NativeSession session = NativeSession.open(network, metadata.schema(), Autoencoder.NETWORK_INPUT, 1);
      if (hasFloatOutput(session, Autoencoder.NETWORK_OUTPUT, metadata.schema().size())) {
        return new AutoencoderModel(id, metadata, session, true);
      }
      session.close();
    }
    Path file = directory.resolve(Autoencoder.MODEL_FILE);
    NativeSession session = NativeSession.open(file, metadata.schema(), Autoencoder.INPUT, 1);
    try {
      if (!hasFloatOutput(session, Autoencoder.OUTPUT, 1)) {
        throw new FraudEngineException(ErrorCode.MODEL_LOAD_FAILED, "ONNX model " + file + " has no output '"
            + Autoencoder.OUTPUT + "' of type float [N, 1]; its outputs are " + session.outputs().values());
      }
      return new AutoencoderModel(id, metadata, session, false);
    } catch (RuntimeException e) {
      session.close();
      throw e;
    }
  }

  /** Whether the session has a float output of that name and shape [N, width] with a free batch dimension. */
  private static boolean hasFloatOutput(NativeSession session, String name, int width) {
    NodeInfo output = session.outputs().get(name);
    return output != null && output.getInfo() instanceof TensorInfo tensor && tensor.type == OnnxJavaType.FLOAT
        && Arrays.equals(tensor.getShape(), new long[] {-1, width});
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
   * @return the schema in the metadata
   */
  public FeatureSchema schema() {
    return schema;
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
   * Returns the anomaly score of one row: its reconstruction error mapped to [0, 1] by the training errors.
   *
   * @param features the row, in the model's schema; {@code NaN} marks a missing value
   * @return the score in [0, 1]
   * @throws IllegalArgumentException if the row's length is not the schema's width
   * @throws IllegalStateException if the model is closed
   * @throws dev.fraudengine.core.FraudEngineException with {@code MODEL_SCORE_FAILED} if ONNX Runtime fails (the
   *     cause is kept)
   */
  @Override
  public double score(float[] features) {
    return errorScale.toScale(reconstructionError(features)) / 100.0;
  }

  /**
   * Returns the reconstruction error of one row, computed by ONNX Runtime.
   *
   * @param features the row, in the model's schema; {@code NaN} marks a missing value
   * @return the error, at least 0
   * @throws IllegalArgumentException if the row's length is not the schema's width
   * @throws IllegalStateException if the model is closed
   * @throws dev.fraudengine.core.FraudEngineException with {@code MODEL_SCORE_FAILED} if ONNX Runtime fails (the
   *     cause is kept)
   */
  public double reconstructionError(float[] features) {
    Objects.requireNonNull(features, "features");
    float[][] r = scratch.get();
    if (means == null) {
      session.runPinned(features, Autoencoder.OUTPUT, r[1]);
      return r[1][0];
    }
    float[] z = Autoencoder.standardize(features, means, scales, r[0]);
    session.runPinned(z, Autoencoder.NETWORK_OUTPUT, r[1]);
    return Autoencoder.squaredDifferences(r[1], z) / z.length;
  }

  /**
   * Returns the reconstruction errors of many rows, computed by ONNX Runtime in one call (a batch [N, width]): for
   * offline scoring and tests.
   *
   * @param rows the rows, each of the schema's width
   * @return one error per row
   * @throws IllegalArgumentException if a row's length is not the schema's width
   * @throws IllegalStateException if the model is closed
   * @throws dev.fraudengine.core.FraudEngineException with {@code MODEL_SCORE_FAILED} if ONNX Runtime fails (the
   *     cause is kept)
   */
  public double[] reconstructionErrors(float[][] rows) {
    Objects.requireNonNull(rows, "rows");
    if (rows.length == 0) {
      return new double[0];
    }
    if (means == null) {
      return session.runBatch(rows, OUTPUTS, (OrtSession.Result result) -> errors(result, rows.length));
    }
    float[][] z = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      z[i] = Autoencoder.standardize(Objects.requireNonNull(rows[i], "rows[" + i + "]"), means, scales,
          new float[schema.size()]);
    }
    return session.runBatch(z, NETWORK_OUTPUTS, (OrtSession.Result result) -> {
      FloatBuffer values = ((OnnxTensor) result.get(0)).getFloatBuffer();
      int width = schema.size();
      float[] reconstruction = new float[width];
      double[] out = new double[z.length];
      for (int i = 0; i < out.length; i++) {
        values.get(i * width, reconstruction);
        out[i] = Autoencoder.squaredDifferences(reconstruction, z[i]) / width;
      }
      return out;
    });
  }

  private static double[] errors(OrtSession.Result result, int rows) throws OrtException {
    FloatBuffer values = ((OnnxTensor) result.get(0)).getFloatBuffer();
    double[] out = new double[rows];
    for (int i = 0; i < out.length; i++) {
      out[i] = values.get(i);
    }
    return out;
  }

  /** Frees the native session; waits for calls in flight. Never throws; faults are logged. */
  @Override
  public void close() {
    session.close();
  }

  @Override
  public String toString() {
    return "AutoencoderModel[" + id + "@" + version + ", " + session.file() + "]";
  }
}
