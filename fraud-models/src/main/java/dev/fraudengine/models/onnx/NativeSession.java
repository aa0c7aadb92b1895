package dev.fraudengine.models.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngineException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.StampedLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * One ONNX Runtime session over a model with one float input [N, width], shared by the public models of this
 * package, and the single place that holds native resources.
 *
 * Buffers: each scoring thread gets a slot (a ThreadLocal): a direct FloatBuffer of one row and an OnnxTensor of
 * shape [1, width] over it. ONNX Runtime reads a tensor over a direct buffer in place, so a call only writes the
 * row into the buffer and runs; nothing is copied or allocated for the input. A model that reads one float output
 * (the autoencoder's reconstruction or error) also pins it: the slot holds a direct buffer and a tensor [1, size]
 * for that output, which ONNX Runtime writes in place, so no output tensor is created per call; the caller gets
 * the values copied into an array of its own. Every slot is also kept in a queue so that close() can free its
 * tensors.
 *
 * Options: one inter-op thread, the intra-op threads the model asks for, all graph optimizations, no CPU memory
 * arena (see open()).
 *
 * Threading: OrtSession.run is thread-safe. A StampedLock makes close() wait for the runs in flight (read locks)
 * before it frees the session, so a model closed after a hot swap never frees memory under a running call.
 */
final class NativeSession {
  private static final Logger LOG = LoggerFactory.getLogger(NativeSession.class);

  /** Reads the score of the one row from a run's result. */
  @FunctionalInterface
  interface OutputReader {
    double read(OrtSession.Result result) throws OrtException;
  }

  private final Path file;
  private final OrtEnvironment env;
  private final OrtSession.SessionOptions options;
  private final OrtSession session;
  private final String inputName;
  private final int width;
  private final long[] rowShape;
  private final StampedLock lock = new StampedLock();
  private final ConcurrentLinkedQueue<Slot> slots = new ConcurrentLinkedQueue<>();
  private final ThreadLocal<Slot> slot = ThreadLocal.withInitial(this::newSlot);
  private boolean closed;

  private NativeSession(Path file, OrtEnvironment env, OrtSession.SessionOptions options, OrtSession session,
      String inputName, int width) {
    this.file = file;
    this.env = env;
    this.options = options;
    this.session = session;
    this.inputName = inputName;
    this.width = width;
    this.rowShape = new long[] {1, width};
  }

  /**
   * Opens a session and checks its input against the schema: exactly one input, a float tensor of rank 2 whose
   * second dimension is the schema's width, named {@code expectedInputName} if that is not null.
   */
  static NativeSession open(Path file, FeatureSchema schema, String expectedInputName, int intraOpThreads) {
    if (!Files.isRegularFile(file)) {
      throw new FraudEngineException(ErrorCode.MODEL_LOAD_FAILED, "ONNX model " + file + " is not a readable file");
    }
    OrtEnvironment env;
    OrtSession.SessionOptions options = null;
    OrtSession session = null;
    try {
      env = OrtEnvironment.getEnvironment();
      options = new OrtSession.SessionOptions();
      options.setIntraOpNumThreads(intraOpThreads);
      options.setInterOpNumThreads(1);
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      // A row's intermediate tensors are a few hundred bytes: the arena's bookkeeping costs more per run than
      // allocating them (about 0.3 of the autoencoder's 7 µs on the benchmark machine).
      options.setCPUArenaAllocator(false);
      session = env.createSession(file.toString(), options);
      String input = checkInput(file, session, schema, expectedInputName);
      return new NativeSession(file, env, options, session, input, schema.size());
    } catch (OrtException e) {
      closeQuietly(session, options, file);
      throw new FraudEngineException(ErrorCode.MODEL_LOAD_FAILED,
          "ONNX model " + file + " cannot be loaded by ONNX Runtime: " + e.getMessage(), e);
    } catch (RuntimeException | LinkageError e) {
      closeQuietly(session, options, file);
      if (e instanceof FraudEngineException fe) {
        throw fe;
      }
      throw new FraudEngineException(ErrorCode.MODEL_LOAD_FAILED,
          "ONNX model " + file + " cannot be loaded: ONNX Runtime is not usable here: " + e, e);
    }
  }

  private static String checkInput(Path file, OrtSession session, FeatureSchema schema, String expectedInputName)
      throws OrtException {
    Map<String, NodeInfo> inputs = session.getInputInfo();
    if (inputs.size() != 1) {
      throw new FraudEngineException(ErrorCode.MODEL_LOAD_FAILED, "ONNX model " + file + " has " + inputs.size()
          + " inputs " + inputs.keySet() + ", but fraud-engine feeds exactly one float input [N, "
          + schema.size() + "]");
    }
    NodeInfo node = inputs.values().iterator().next();
    if (expectedInputName != null && !expectedInputName.equals(node.getName())) {
      throw new FraudEngineException(ErrorCode.FEATURE_SCHEMA_MISMATCH, "ONNX model " + file + " has input '"
          + node.getName() + "', but the feature vector of schema " + schema.name() + "@" + schema.version()
          + " is expected as input '" + expectedInputName + "'");
    }
    ValueInfo info = node.getInfo();
    if (!(info instanceof TensorInfo tensor) || tensor.type != OnnxJavaType.FLOAT) {
      throw new FraudEngineException(ErrorCode.MODEL_LOAD_FAILED, "ONNX model " + file + " has input '"
          + node.getName() + "' of type " + info + ", but fraud-engine feeds a float tensor");
    }
    long[] shape = tensor.getShape();
    if (shape.length != 2) {
      throw new FraudEngineException(ErrorCode.MODEL_LOAD_FAILED, "ONNX model " + file + " has input '"
          + node.getName() + "' of shape " + Arrays.toString(shape) + ", but fraud-engine feeds a matrix [N, "
          + schema.size() + "]");
    }
    if (shape[1] != schema.size()) {
      throw new FraudEngineException(ErrorCode.FEATURE_SCHEMA_MISMATCH, "ONNX model " + file + " has input '"
          + node.getName() + "' of width " + (shape[1] < 0 ? "unknown" : String.valueOf(shape[1]))
          + " (shape " + Arrays.toString(shape) + "), but schema " + schema + " has " + schema.size()
          + " features");
    }
    if (shape[0] > 1) {
      throw new FraudEngineException(ErrorCode.MODEL_LOAD_FAILED, "ONNX model " + file + " has input '"
          + node.getName() + "' of shape " + Arrays.toString(shape) + ": its batch dimension must be 1 or free");
    }
    return node.getName();
  }

  /** Returns the output names and their types, in the model's order. */
  Map<String, NodeInfo> outputs() {
    try {
      return session.getOutputInfo();
    } catch (OrtException e) {
      throw new FraudEngineException(ErrorCode.MODEL_LOAD_FAILED,
          "ONNX model " + file + ": cannot read its outputs: " + e.getMessage(), e);
    }
  }

  Path file() {
    return file;
  }

  /**
   * Runs one row and copies a float output of shape [1, size] (or [N, size] with a free batch dimension), written
   * by ONNX Runtime into a buffer pinned to the calling thread, into the start of {@code into}.
   */
  void runPinned(float[] features, String output, float[] into) {
    checkWidth(features);
    long stamp = lock.readLock();
    try {
      Slot s = loaded(features);
      Pinned pinned = s.pinned(output);
      try {
        // The result does not own a pinned output: closing it leaves the thread's buffer in place.
        session.run(s.inputs, Set.of(), pinned.outputs).close();
        pinned.buffer.get(0, into, 0, pinned.buffer.capacity());
      } catch (OrtException e) {
        throw new FraudEngineException(ErrorCode.MODEL_SCORE_FAILED, "ONNX model " + file + " failed to score a row: "
            + e.getMessage(), e);
      }
    } finally {
      lock.unlockRead(stamp);
    }
  }

  String inputName() {
    return inputName;
  }

  private void checkWidth(float[] features) {
    if (features.length != width) {
      throw new IllegalArgumentException(
          "features must hold " + width + " values, but held " + features.length);
    }
  }

  /** Under the read lock: the calling thread's slot with the row written into its input buffer. */
  private Slot loaded(float[] features) {
    ensureOpen();
    Slot s = slot.get();
    s.buffer.put(0, features);
    return s;
  }

  /** Under the lock. */
  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("ONNX model " + file + " is closed");
    }
  }

  /**
   * Scores one row: writes it into this thread's input buffer, runs the session for the requested output and
   * reads the score from the result, which is then closed.
   */
  double run(float[] features, Set<String> requestedOutputs, OutputReader reader) {
    checkWidth(features);
    long stamp = lock.readLock();
    try {
      Slot s = loaded(features);
      try (OrtSession.Result result = session.run(s.inputs, requestedOutputs)) {
        return reader.read(result);
      } catch (OrtException e) {
        throw new FraudEngineException(ErrorCode.MODEL_SCORE_FAILED, "ONNX model " + file + " failed to score a row: "
            + e.getMessage(), e);
      }
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /**
   * Runs a batch of rows in one call, for tests and offline scoring: rows × width values in, the requested output
   * handed to the consumer.
   */
  <T> T runBatch(float[][] rows, Set<String> requestedOutputs, BatchReader<T> reader) {
    FloatBuffer buffer = ByteBuffer.allocateDirect(rows.length * width * Float.BYTES)
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    for (float[] row : rows) {
      if (row.length != width) {
        throw new IllegalArgumentException("rows must hold " + width + " values each, but one held " + row.length);
      }
      buffer.put(row);
    }
    buffer.rewind();
    long stamp = lock.readLock();
    try {
      ensureOpen();
      try (OnnxTensor tensor = OnnxTensor.createTensor(env, buffer, new long[] {rows.length, width});
          OrtSession.Result result = session.run(Map.of(inputName, tensor), requestedOutputs)) {
        return reader.read(result);
      } catch (OrtException e) {
        throw new FraudEngineException(ErrorCode.MODEL_SCORE_FAILED, "ONNX model " + file
            + " failed to score a batch: " + e.getMessage(), e);
      }
    } finally {
      lock.unlockRead(stamp);
    }
  }

  /** Reads a batch result. */
  @FunctionalInterface
  interface BatchReader<T> {
    T read(OrtSession.Result result) throws OrtException;
  }

  /** Frees the session, its options and every thread's input tensor; waits for runs in flight. Never throws. */
  void close() {
    long stamp = lock.writeLock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (Slot s; (s = slots.poll()) != null; ) {
        s.close();
      }
      closeQuietly(session, options, file);
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  private Slot newSlot() {
    FloatBuffer buffer = ByteBuffer.allocateDirect(width * Float.BYTES).order(ByteOrder.nativeOrder())
        .asFloatBuffer();
    try {
      OnnxTensor tensor = OnnxTensor.createTensor(env, buffer, rowShape);
      Slot s = new Slot(buffer, tensor, Map.of(inputName, tensor), new HashMap<>());
      slots.add(s);
      return s;
    } catch (OrtException e) {
      throw new FraudEngineException(ErrorCode.MODEL_SCORE_FAILED, "ONNX model " + file
          + ": cannot create an input tensor: " + e.getMessage(), e);
    }
  }

  private static void closeQuietly(OrtSession session, OrtSession.SessionOptions options, Path file) {
    if (session != null) {
      try {
        session.close();
      } catch (OrtException e) {
        LOG.warn("ONNX model {}: closing its session failed", file, e);
      }
    }
    if (options != null) {
      options.close();
    }
  }

  /** Creates the pinned buffer of a float output, [1, width] as the model declares it. */
  private Pinned pin(String output) {
    NodeInfo node = outputs().get(output);
    if (node == null || !(node.getInfo() instanceof TensorInfo info) || info.type != OnnxJavaType.FLOAT) {
      throw new FraudEngineException(ErrorCode.MODEL_SCORE_FAILED, "ONNX model " + file + " has no float output '"
          + output + "' to pin");
    }
    long[] shape = info.getShape().clone();
    if (shape.length == 0 || shape[0] > 1) {
      throw new FraudEngineException(ErrorCode.MODEL_SCORE_FAILED, "ONNX model " + file + " has output '"
          + output + "' of shape " + Arrays.toString(shape) + ": a pinned output needs a batch dimension");
    }
    shape[0] = 1;
    long size = 1;
    for (long d : shape) {
      if (d < 1) {
        throw new FraudEngineException(ErrorCode.MODEL_SCORE_FAILED, "ONNX model " + file + " has output '"
            + output + "' of shape " + Arrays.toString(info.getShape()) + ": only the batch dimension may be free");
      }
      size *= d;
    }
    FloatBuffer buffer = ByteBuffer.allocateDirect(Math.toIntExact(size) * Float.BYTES)
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    try {
      OnnxTensor tensor = OnnxTensor.createTensor(env, buffer, shape);
      return new Pinned(buffer, tensor, Map.of(output, tensor));
    } catch (OrtException e) {
      throw new FraudEngineException(ErrorCode.MODEL_SCORE_FAILED, "ONNX model " + file
          + ": cannot create an output tensor: " + e.getMessage(), e);
    }
  }

  private record Pinned(FloatBuffer buffer, OnnxTensor tensor, Map<String, OnnxTensor> outputs) {}

  private final class Slot {
    final FloatBuffer buffer;
    final OnnxTensor tensor;
    final Map<String, OnnxTensor> inputs;
    /** Pinned outputs by name; touched by the slot's own thread only, and by close() once runs have ended. */
    private final Map<String, Pinned> pinned;

    Slot(FloatBuffer buffer, OnnxTensor tensor, Map<String, OnnxTensor> inputs, Map<String, Pinned> pinned) {
      this.buffer = buffer;
      this.tensor = tensor;
      this.inputs = inputs;
      this.pinned = pinned;
    }

    Pinned pinned(String output) {
      Pinned p = pinned.get(output);
      if (p == null) {
        p = pin(output);
        pinned.put(output, p);
      }
      return p;
    }

    void close() {
      tensor.close();
      for (Pinned p : pinned.values()) {
        p.tensor.close();
      }
      pinned.clear();
    }
  }
}
