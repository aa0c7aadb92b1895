package dev.fraudengine.models.onnx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/*
 * Writes ONNX models without Python or the protobuf library: the graph is collected here and encoded by hand
 * (ProtoWriter) in the messages of onnx/onnx.proto: ModelProto (ir_version 1, producer_name 2, producer_version
 * 3, graph 7, opset_import 8, metadata_props 14), GraphProto (node 1, name 2, initializer 5, input 11, output 12),
 * NodeProto (input 1, output 2, name 3, op_type 4, attribute 5, domain 7), AttributeProto (name 1, f 2, i 3, s 4,
 * floats 7, ints 8, strings 9, type 20), TensorProto (dims 1, data_type 2, name 8, raw_data 9), ValueInfoProto
 * (name 1, type 2), TypeProto (tensor_type 1 {elem_type 1, shape 2 {dim 1 {dim_value 1 | dim_param 2}}},
 * sequence_type 4 {elem_type 1}, map_type 5 {key_type 1, value_type 2}), OperatorSetIdProto (domain 1, version 2)
 * and StringStringEntryProto (key 1, value 2).
 *
 * Initializers are float tensors stored as raw_data (little-endian IEEE 754). A dimension is a Long (fixed) or a
 * String (symbolic, e.g. the batch dimension "N"). IR version 7 with the opsets the caller imports; the default
 * domain at opset 13 is what the project's own models use.
 */
final class OnnxGraph {
  static final int FLOAT = 1;
  static final int INT64 = 7;
  static final int STRING = 8;

  private static final long IR_VERSION = 7;
  private static final int ATTRIBUTE_FLOAT = 1;
  private static final int ATTRIBUTE_INT = 2;
  private static final int ATTRIBUTE_STRING = 3;
  private static final int ATTRIBUTE_INTS = 7;
  private static final int ATTRIBUTE_STRINGS = 8;

  private final String name;
  private final Map<String, Long> opsets = new LinkedHashMap<>();
  private final List<ProtoWriter> inputs = new ArrayList<>();
  private final List<ProtoWriter> outputs = new ArrayList<>();
  private final List<ProtoWriter> initializers = new ArrayList<>();
  private final List<Node> nodes = new ArrayList<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  OnnxGraph(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  /** Imports an operator set: domain "" is the default ONNX domain, "ai.onnx.ml" the classical-ML one. */
  OnnxGraph opset(String domain, long version) {
    opsets.put(domain, version);
    return this;
  }

  /** Declares a graph input: a tensor of the element type with the dimensions (Long or String). */
  OnnxGraph input(String valueName, int elemType, Object... dims) {
    inputs.add(valueInfo(valueName, tensorType(elemType, dims)));
    return this;
  }

  /** Declares a graph output: a tensor of the element type with the dimensions (Long or String). */
  OnnxGraph output(String valueName, int elemType, Object... dims) {
    outputs.add(valueInfo(valueName, tensorType(elemType, dims)));
    return this;
  }

  /** Declares a graph output that is a sequence of maps from keyType (INT64 or STRING) to float. */
  OnnxGraph sequenceOfMapsOutput(String valueName, int keyType) {
    ProtoWriter map = new ProtoWriter().int64(1, keyType).message(2, tensorType(FLOAT));
    ProtoWriter mapType = new ProtoWriter().message(5, map);
    ProtoWriter sequence = new ProtoWriter().message(1, mapType);
    outputs.add(valueInfo(valueName, new ProtoWriter().message(4, sequence)));
    return this;
  }

  /** Adds a constant float tensor of the given shape, row-major. */
  OnnxGraph initializer(String valueName, float[] values, long... dims) {
    long count = 1;
    for (long d : dims) {
      count *= d;
    }
    if (count != values.length) {
      throw new IllegalArgumentException("initializer '" + valueName + "' has " + values.length
          + " values, but its shape holds " + count);
    }
    ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    raw.asFloatBuffer().put(values);
    ProtoWriter tensor = new ProtoWriter();
    for (long d : dims) {
      tensor.int64(1, d);
    }
    tensor.int64(2, FLOAT).string(8, valueName).bytes(9, raw.array());
    initializers.add(tensor);
    return this;
  }

  /** Adds a node; attributes are set on the returned node. Nodes must be added in topological order. */
  Node node(String opType, List<String> nodeInputs, String... nodeOutputs) {
    Node node = new Node(opType, nodeInputs, List.of(nodeOutputs), opType + "_" + nodes.size());
    nodes.add(node);
    return node;
  }

  /** Adds a model metadata entry (ModelProto.metadata_props). */
  OnnxGraph metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  /** Encodes the model. */
  byte[] toByteArray() {
    ProtoWriter graph = new ProtoWriter();
    for (Node node : nodes) {
      graph.message(1, node.encode());
    }
    graph.string(2, name);
    initializers.forEach(t -> graph.message(5, t));
    inputs.forEach(i -> graph.message(11, i));
    outputs.forEach(o -> graph.message(12, o));
    ProtoWriter model = new ProtoWriter()
        .int64(1, IR_VERSION)
        .string(2, "fraud-engine")
        .string(3, "1")
        .message(7, graph);
    opsets.forEach((domain, version) -> model.message(8, new ProtoWriter().string(1, domain).int64(2, version)));
    metadata.forEach((k, v) -> model.message(14, new ProtoWriter().string(1, k).string(2, v)));
    return model.toByteArray();
  }

  /** Writes the model to a file, through a temporary file and an atomic rename. */
  void write(Path file) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.write(tmp, toByteArray());
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write ONNX model " + file, e);
    }
  }

  private static ProtoWriter valueInfo(String valueName, ProtoWriter type) {
    return new ProtoWriter().string(1, valueName).message(2, type);
  }

  private static ProtoWriter tensorType(int elemType, Object... dims) {
    ProtoWriter tensor = new ProtoWriter().int64(1, elemType);
    if (dims.length > 0) {
      ProtoWriter shape = new ProtoWriter();
      for (Object d : dims) {
        ProtoWriter dim = new ProtoWriter();
        if (d instanceof Long fixed) {
          dim.int64(1, fixed);
        } else if (d instanceof Integer fixed) {
          dim.int64(1, fixed);
        } else if (d instanceof String symbolic) {
          dim.string(2, symbolic);
        } else {
          throw new IllegalArgumentException("a dimension must be a number or a name, but was " + d);
        }
        shape.message(1, dim);
      }
      tensor.message(2, shape);
    }
    return new ProtoWriter().message(1, tensor);
  }

  /** One node of the graph, with its attributes. */
  static final class Node {
    private final String opType;
    private final List<String> inputs;
    private final List<String> outputs;
    private final String nodeName;
    private final List<ProtoWriter> attributes = new ArrayList<>();
    private String domain = "";

    private Node(String opType, List<String> inputs, List<String> outputs, String nodeName) {
      this.opType = opType;
      this.inputs = List.copyOf(inputs);
      this.outputs = outputs;
      this.nodeName = nodeName;
    }

    Node domain(String operatorDomain) {
      this.domain = operatorDomain;
      return this;
    }

    Node attribute(String attributeName, long value) {
      attributes.add(new ProtoWriter().string(1, attributeName).int64(3, value).int64(20, ATTRIBUTE_INT));
      return this;
    }

    Node attribute(String attributeName, float value) {
      attributes.add(new ProtoWriter().string(1, attributeName).float32(2, value).int64(20, ATTRIBUTE_FLOAT));
      return this;
    }

    Node attribute(String attributeName, String value) {
      attributes.add(new ProtoWriter().string(1, attributeName).string(4, value).int64(20, ATTRIBUTE_STRING));
      return this;
    }

    Node attribute(String attributeName, long[] values) {
      ProtoWriter a = new ProtoWriter().string(1, attributeName);
      for (long v : values) {
        a.int64(8, v);
      }
      attributes.add(a.int64(20, ATTRIBUTE_INTS));
      return this;
    }

    Node attribute(String attributeName, String[] values) {
      ProtoWriter a = new ProtoWriter().string(1, attributeName);
      for (String v : values) {
        a.string(9, v);
      }
      attributes.add(a.int64(20, ATTRIBUTE_STRINGS));
      return this;
    }

    private ProtoWriter encode() {
      ProtoWriter node = new ProtoWriter();
      inputs.forEach(i -> node.string(1, i));
      outputs.forEach(o -> node.string(2, o));
      node.string(3, nodeName).string(4, opType);
      attributes.forEach(a -> node.message(5, a));
      if (!domain.isEmpty()) {
        node.string(7, domain);
      }
      return node;
    }
  }
}
