package dev.fraudengine.models.onnx;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxMap;
import ai.onnxruntime.OnnxSequence;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FraudEngineException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/*
 * The output of a binary classifier that holds the fraud probability, and how to read it for one row:
 *
 *  - COLUMN_1: a float tensor [N, 2] of class probabilities (legitimate, fraud), as softmax networks and
 *    scikit-learn converters with zipmap=False write; the fraud probability is column 1.
 *  - SINGLE: a float tensor [N, 1] or [N] holding the fraud probability, as a sigmoid network writes.
 *  - LAST_DIM_AT_RUN: a float tensor [N, ?] whose last dimension the model leaves symbolic; it is read as COLUMN_1
 *    or SINGLE once a run shows it is 2 or 1.
 *  - ZIPMAP: a sequence of maps, one per row, from class label to probability (ai.onnx.ml ZipMap, what
 *    scikit-learn converters write by default: seq(map(int64, float)) or seq(map(string, float))); the fraud
 *    probability is the value of key 1 or "1".
 */
record ProbabilityOutput(String name, Form form) {

  enum Form { COLUMN_1, SINGLE, LAST_DIM_AT_RUN, ZIPMAP }

  private static final String EXPECTED =
      "a float tensor [N, 2] or [N, 1], or a sequence of maps from class label to float (ZipMap)";

  /**
   * Chooses the probability output: the one named, or else the only output of a probability form.
   *
   * @throws FraudEngineException MODEL_LOAD_FAILED if the named output is missing or of another form, or if
   *     the model has no output or several outputs of a probability form and none is named
   */
  static ProbabilityOutput choose(Path file, Map<String, NodeInfo> outputs, String requested) {
    if (requested != null) {
      NodeInfo node = outputs.get(requested);
      if (node == null) {
        throw new FraudEngineException(ErrorCode.MODEL_LOAD_FAILED, "ONNX model " + file + " has no output '"
            + requested + "'; its outputs are " + describe(outputs));
      }
      Form form = formOf(node.getInfo());
      if (form == null) {
        throw new FraudEngineException(ErrorCode.MODEL_LOAD_FAILED, "ONNX model " + file + " has output '"
            + requested + "' of type " + node.getInfo() + ", but a fraud probability must be " + EXPECTED);
      }
      return new ProbabilityOutput(requested, form);
    }
    List<ProbabilityOutput> candidates = new ArrayList<>();
    for (NodeInfo node : outputs.values()) {
      Form form = formOf(node.getInfo());
      if (form != null) {
        candidates.add(new ProbabilityOutput(node.getName(), form));
      }
    }
    if (candidates.isEmpty()) {
      throw new FraudEngineException(ErrorCode.MODEL_LOAD_FAILED, "ONNX model " + file
          + " has no probability output: its outputs are " + describe(outputs) + ", but one must be " + EXPECTED);
    }
    if (candidates.size() > 1) {
      throw new FraudEngineException(ErrorCode.MODEL_LOAD_FAILED, "ONNX model " + file + " has "
          + candidates.size() + " outputs that could hold the probability " + candidates.stream().map(c -> c.name)
          .toList() + "; name the one to read with outputName");
    }
    return candidates.get(0);
  }

  private static Form formOf(ValueInfo info) {
    if (info instanceof TensorInfo tensor && tensor.type == OnnxJavaType.FLOAT) {
      long[] shape = tensor.getShape();
      if (shape.length == 1) {
        return Form.SINGLE;
      }
      if (shape.length == 2) {
        if (shape[1] == 1) {
          return Form.SINGLE;
        }
        if (shape[1] == 2) {
          return Form.COLUMN_1;
        }
        return shape[1] < 0 ? Form.LAST_DIM_AT_RUN : null;
      }
      return null;
    }
    if (info instanceof SequenceInfo sequence && sequence.isSequenceOfMaps()) {
      MapInfo map = sequence.mapInfo;
      boolean keys = map.keyType == OnnxJavaType.INT64 || map.keyType == OnnxJavaType.STRING;
      return keys && map.valueType == OnnxJavaType.FLOAT ? Form.ZIPMAP : null;
    }
    return null;
  }

  private static String describe(Map<String, NodeInfo> outputs) {
    List<String> parts = new ArrayList<>();
    outputs.forEach((name, node) -> parts.add(name + ": " + node.getInfo()));
    return parts.toString();
  }

  /** Reads the fraud probability of the first row from a result holding only this output. */
  double read(OrtSession.Result result) throws OrtException {
    OnnxValue value = result.get(0);
    return switch (form) {
      case SINGLE -> ((OnnxTensor) value).getFloatBuffer().get(0);
      case COLUMN_1 -> ((OnnxTensor) value).getFloatBuffer().get(1);
      case LAST_DIM_AT_RUN -> readLastDimAtRun((OnnxTensor) value);
      case ZIPMAP -> readZipMap((OnnxSequence) value);
    };
  }

  private double readLastDimAtRun(OnnxTensor tensor) {
    long[] shape = tensor.getInfo().getShape();
    long last = shape[shape.length - 1];
    if (last == 1) {
      return tensor.getFloatBuffer().get(0);
    }
    if (last == 2) {
      return tensor.getFloatBuffer().get(1);
    }
    throw new IllegalStateException("output '" + name + "' has shape " + Arrays.toString(shape)
        + ", but a fraud probability must be [N, 2] or [N, 1]");
  }

  private double readZipMap(OnnxSequence sequence) throws OrtException {
    List<? extends OnnxValue> rows = sequence.getValue();
    try {
      if (rows.isEmpty()) {
        throw new IllegalStateException("output '" + name + "' holds no map");
      }
      Map<?, ?> probabilities = ((OnnxMap) rows.get(0)).getValue();
      Object p = probabilities.get(1L);
      if (p == null) {
        p = probabilities.get("1");
      }
      if (!(p instanceof Number number)) {
        throw new IllegalStateException("output '" + name + "' has no probability for class 1 (fraud), only for "
            + probabilities.keySet());
      }
      return number.doubleValue();
    } finally {
      OnnxValue.close(rows);
    }
  }
}
