package dev.fraudengine.models.onnx;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/*
 * A minimal protocol-buffers encoder: just the wire format the ONNX writer needs. A message is written field by
 * field; a nested message is encoded into its own writer first and then written as a length-delimited field.
 *
 * Wire format (https://protobuf.dev/programming-guides/encoding/): every field starts with the key
 * (field_number << 3 | wire_type) as a varint; wire type 0 is a varint (int32, int64 and enums; a negative value
 * takes ten bytes, its two's complement), 2 is length-delimited (strings, bytes and nested messages: a varint
 * length, then the bytes), 5 is four little-endian bytes (float).
 */
final class ProtoWriter {
  private static final int VARINT = 0;
  private static final int LENGTH_DELIMITED = 2;
  private static final int FIXED32 = 5;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  /** Writes an int32, int64 or enum field. */
  ProtoWriter int64(int field, long value) {
    key(field, VARINT);
    varint(value);
    return this;
  }

  /** Writes a float field. */
  ProtoWriter float32(int field, float value) {
    key(field, FIXED32);
    fixed32(Float.floatToRawIntBits(value));
    return this;
  }

  /** Writes a string field, UTF-8. */
  ProtoWriter string(int field, String value) {
    return bytes(field, value.getBytes(StandardCharsets.UTF_8));
  }

  /** Writes a bytes field. */
  ProtoWriter bytes(int field, byte[] value) {
    key(field, LENGTH_DELIMITED);
    varint(value.length);
    out.writeBytes(value);
    return this;
  }

  /** Writes a nested message field. */
  ProtoWriter message(int field, ProtoWriter message) {
    return bytes(field, message.toByteArray());
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }

  private void key(int field, int wireType) {
    varint(((long) field << 3) | wireType);
  }

  private void varint(long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  private void fixed32(int bits) {
    out.write(bits);
    out.write(bits >>> 8);
    out.write(bits >>> 16);
    out.write(bits >>> 24);
  }
}
