package dev.fraudengine.models.onnx;

import dev.fraudengine.core.FeatureSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Small classifiers written with {@link OnnxGraph}, and their expected outputs computed in Java: a logistic model
 * (Gemm + Sigmoid → [N, 1]), a two-class softmax (Gemm + Softmax → [N, 2]) and the same behind a ZipMap (→ a
 * sequence of maps, with an ArgMax label output beside it, the layout scikit-learn converters write).
 */
final class TestGraphs {
  static final int WIDTH = 5;
  static final FeatureSchema SCHEMA = schema(WIDTH);
  /** Weights of the logistic model, one per feature, and its bias. */
  static final float[] WEIGHTS = {0.8f, -1.2f, 0.5f, 0.0f, 2.0f};
  static final float BIAS = -0.3f;

  private TestGraphs() {}

  static FeatureSchema schema(int width) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      names.add("f" + i);
    }
    return new FeatureSchema("test", "1", names);
  }

  /** The logistic model's probability, computed in Java. */
  static double logistic(float[] x) {
    double z = BIAS;
    for (int i = 0; i < WIDTH; i++) {
      z += (double) WEIGHTS[i] * x[i];
    }
    return 1 / (1 + Math.exp(-z));
  }

  /** Logistic regression: input "input" [N, width] → Gemm → Sigmoid → "probability" [N, 1]. */
  static Path logisticModel(Path file, String inputName, int width, Object batchDim) {
    float[] weights = new float[width];
    System.arraycopy(WEIGHTS, 0, weights, 0, Math.min(width, WIDTH));
    OnnxGraph g = new OnnxGraph("logistic").opset("", 13)
        .input(inputName, OnnxGraph.FLOAT, batchDim, (long) width)
        .initializer("w", weights, width, 1)
        .initializer("b", new float[] {BIAS}, 1)
        .output("probability", OnnxGraph.FLOAT, "N", 1L);
    g.node("Gemm", List.of(inputName, "w", "b"), "logit");
    g.node("Sigmoid", List.of("logit"), "probability");
    g.write(file);
    return file;
  }

  /**
   * Two-class softmax whose class-1 probability equals the logistic model's: logits (0, z). With {@code zipMap},
   * the probabilities go through ai.onnx.ml ZipMap with int64 or string labels, and "label" is their ArgMax.
   */
  static Path softmaxModel(Path file, String zipMap, Object lastDim) {
    float[] weights = new float[WIDTH * 2];
    for (int i = 0; i < WIDTH; i++) {
      weights[i * 2 + 1] = WEIGHTS[i];
    }
    OnnxGraph g = new OnnxGraph("softmax").opset("", 13)
        .input("input", OnnxGraph.FLOAT, "N", (long) WIDTH)
        .initializer("w", weights, WIDTH, 2)
        .initializer("b", new float[] {0, BIAS}, 2);
    g.node("Gemm", List.of("input", "w", "b"), "logits");
    g.node("Softmax", List.of("logits"), "probabilities").attribute("axis", 1L);
    if (zipMap == null) {
      g.output("probabilities", OnnxGraph.FLOAT, "N", lastDim);
    } else {
      g.opset("ai.onnx.ml", 1);
      g.node("ArgMax", List.of("probabilities"), "label").attribute("axis", 1L).attribute("keepdims", 0L);
      OnnxGraph.Node zip = g.node("ZipMap", List.of("probabilities"), "output_probability").domain("ai.onnx.ml");
      if (zipMap.equals("int64")) {
        zip.attribute("classlabels_int64s", new long[] {0, 1});
        g.output("label", OnnxGraph.INT64, "N").sequenceOfMapsOutput("output_probability", OnnxGraph.INT64);
      } else {
        zip.attribute("classlabels_strings", new String[] {"0", "1"});
        g.output("label", OnnxGraph.INT64, "N").sequenceOfMapsOutput("output_probability", OnnxGraph.STRING);
      }
    }
    g.write(file);
    return file;
  }

  /** Three classes: an output no binary fraud model can be read from. */
  static Path threeClassModel(Path file) {
    OnnxGraph g = new OnnxGraph("three").opset("", 13)
        .input("input", OnnxGraph.FLOAT, "N", (long) WIDTH)
        .initializer("w", new float[WIDTH * 3], WIDTH, 3)
        .output("probabilities", OnnxGraph.FLOAT, "N", 3L);
    g.node("MatMul", List.of("input", "w"), "logits");
    g.node("Softmax", List.of("logits"), "probabilities").attribute("axis", 1L);
    g.write(file);
    return file;
  }

  /** Seeded rows of the test width, Gaussian. */
  static float[][] rows(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] rows = new float[count][WIDTH];
    for (float[] row : rows) {
      for (int i = 0; i < WIDTH; i++) {
        row[i] = (float) random.nextGaussian();
      }
    }
    return rows;
  }
}
