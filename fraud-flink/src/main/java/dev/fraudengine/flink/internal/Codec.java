package dev.fraudengine.flink.internal;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.ModelScore;
import dev.fraudengine.core.Reason;
import dev.fraudengine.core.RiskLevel;
import dev.fraudengine.core.RuleAction;
import dev.fraudengine.core.RuleHit;
import dev.fraudengine.core.SimilarCase;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.core.Verdict;
import dev.fraudengine.features.EntityStore;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/*
 * The binary layouts of the job's types, written field by field on Flink's data views: no reflection, no Kryo (which
 * cannot rebuild the JDK's immutable collections these records hold). Nullable values carry a presence byte;
 * enums are written by name so that reordering their constants never corrupts a checkpoint. Each serializer's
 * snapshot carries a format version; a new layout must bump it and keep reading the old one.
 */
final class Codec {
  private static final byte V_STRING = 0;
  private static final byte V_INT = 1;
  private static final byte V_LONG = 2;
  private static final byte V_DOUBLE = 3;
  private static final byte V_FLOAT = 4;
  private static final byte V_BOOLEAN = 5;
  private static final byte V_SHORT = 6;
  private static final byte V_BYTE = 7;
  private static final byte V_BIG_DECIMAL = 8;
  private static final byte V_BIG_INTEGER = 9;
  private static final byte V_ENUM = 10;

  private Codec() {}

  static void writeString(String s, DataOutputView out) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) {
      out.writeUTF(s);
    }
  }

  static String readString(DataInputView in) throws IOException {
    return in.readBoolean() ? in.readUTF() : null;
  }

  static void writeInstant(Instant t, DataOutputView out) throws IOException {
    out.writeBoolean(t != null);
    if (t != null) {
      out.writeLong(t.getEpochSecond());
      out.writeInt(t.getNano());
    }
  }

  static Instant readInstant(DataInputView in) throws IOException {
    return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
  }

  static void writeLabel(Label label, DataOutputView out) throws IOException {
    writeString(label == null ? null : label.name(), out);
  }

  static Label readLabel(DataInputView in) throws IOException {
    String name = readString(in);
    return name == null ? null : enumValue(Label.class, name);
  }

  static <E extends Enum<E>> E enumValue(Class<E> type, String name) throws IOException {
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw new IOException("unknown " + type.getSimpleName() + " '" + name + "' in serialized data", e);
    }
  }

  static void writeTransaction(Transaction tx, DataOutputView out) throws IOException {
    writeString(tx.id(), out);
    writeInstant(tx.eventTime(), out);
    out.writeDouble(tx.amount());
    writeString(tx.currency(), out);
    writeString(tx.cardId(), out);
    writeString(tx.terminalId(), out);
    writeString(tx.payeeId(), out);
    writeString(tx.channel(), out);
    writeString(tx.merchantCategory(), out);
    writeString(tx.deviceId(), out);
    writeString(tx.ip(), out);
    out.writeDouble(tx.latitude());
    out.writeDouble(tx.longitude());
    writeString(tx.country(), out);
    Map<String, String> attributes = tx.attributes();
    out.writeInt(attributes.size());
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      out.writeUTF(e.getKey());
      out.writeUTF(e.getValue());
    }
  }

  static Transaction readTransaction(DataInputView in) throws IOException {
    String id = readString(in);
    Instant eventTime = readInstant(in);
    double amount = in.readDouble();
    String currency = readString(in);
    String card = readString(in);
    String terminal = readString(in);
    String payee = readString(in);
    String channel = readString(in);
    String mcc = readString(in);
    String device = readString(in);
    String ip = readString(in);
    double latitude = in.readDouble();
    double longitude = in.readDouble();
    String country = readString(in);
    int n = in.readInt();
    Map<String, String> attributes = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      attributes.put(in.readUTF(), in.readUTF());
    }
    return new Transaction(id, eventTime, amount, currency, card, terminal, payee, channel, mcc, device, ip, latitude,
        longitude, country, attributes);
  }

  static void writeFloats(float[] values, DataOutputView out) throws IOException {
    out.writeInt(values.length);
    for (float v : values) {
      out.writeFloat(v);
    }
  }

  static float[] readFloats(DataInputView in) throws IOException {
    float[] values = new float[in.readInt()];
    for (int i = 0; i < values.length; i++) {
      values[i] = in.readFloat();
    }
    return values;
  }

  static void writeDecision(Decision d, DataOutputView out) throws IOException {
    out.writeUTF(d.transactionId());
    out.writeUTF(d.verdict().name());
    out.writeUTF(d.riskLevel().name());
    out.writeDouble(d.score());
    writeModelScores(d.modelScores(), out);
    writeModelScores(d.shadowModelScores(), out);
    out.writeDouble(d.agreement());
    out.writeInt(d.ruleHits().size());
    for (RuleHit h : d.ruleHits()) {
      out.writeUTF(h.ruleId());
      out.writeUTF(h.action().name());
      out.writeDouble(h.weight());
      out.writeUTF(h.description());
      writeValues(h.values(), out);
      out.writeBoolean(h.shadow());
    }
    out.writeInt(d.similarCases().size());
    for (SimilarCase c : d.similarCases()) {
      out.writeUTF(c.caseId());
      out.writeDouble(c.similarity());
      out.writeUTF(c.label().name());
      writeString(c.fraudType(), out);
      writeInstant(c.eventTime(), out);
    }
    out.writeInt(d.reasons().size());
    for (Reason r : d.reasons()) {
      out.writeUTF(r.code());
      out.writeUTF(r.message());
      out.writeDouble(r.weight());
      writeValues(r.values(), out);
    }
    out.writeBoolean(d.degraded());
    out.writeUTF(d.featureSchema());
    out.writeUTF(d.ruleSetVersion());
    out.writeLong(d.latencyNanos());
  }

  static Decision readDecision(DataInputView in) throws IOException {
    String id = in.readUTF();
    Verdict verdict = enumValue(Verdict.class, in.readUTF());
    RiskLevel risk = enumValue(RiskLevel.class, in.readUTF());
    double score = in.readDouble();
    List<ModelScore> models = readModelScores(in);
    List<ModelScore> shadows = readModelScores(in);
    double agreement = in.readDouble();
    int n = in.readInt();
    List<RuleHit> hits = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      hits.add(new RuleHit(in.readUTF(), enumValue(RuleAction.class, in.readUTF()), in.readDouble(), in.readUTF(),
          readValues(in), in.readBoolean()));
    }
    n = in.readInt();
    List<SimilarCase> cases = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      cases.add(new SimilarCase(in.readUTF(), in.readDouble(), enumValue(Label.class, in.readUTF()), readString(in),
          readInstant(in)));
    }
    n = in.readInt();
    List<Reason> reasons = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      reasons.add(new Reason(in.readUTF(), in.readUTF(), in.readDouble(), readValues(in)));
    }
    return new Decision(id, verdict, risk, score, models, shadows, agreement, hits, cases, reasons, in.readBoolean(),
        in.readUTF(), in.readUTF(), in.readLong());
  }

  private static void writeModelScores(List<ModelScore> scores, DataOutputView out) throws IOException {
    out.writeInt(scores.size());
    for (ModelScore s : scores) {
      out.writeUTF(s.modelId());
      out.writeUTF(s.version());
      out.writeDouble(s.score());
      out.writeDouble(s.weight());
    }
  }

  private static List<ModelScore> readModelScores(DataInputView in) throws IOException {
    int n = in.readInt();
    List<ModelScore> scores = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      scores.add(new ModelScore(in.readUTF(), in.readUTF(), in.readDouble(), in.readDouble()));
    }
    return scores;
  }

  /** Writes a reason's or rule hit's values: strings, numbers, booleans and enums (any other number as a double). */
  private static void writeValues(Map<String, Object> values, DataOutputView out) throws IOException {
    out.writeInt(values.size());
    for (Map.Entry<String, Object> e : values.entrySet()) {
      out.writeUTF(e.getKey());
      Object v = e.getValue();
      if (v instanceof String s) {
        out.writeByte(V_STRING);
        out.writeUTF(s);
      } else if (v instanceof Integer i) {
        out.writeByte(V_INT);
        out.writeInt(i);
      } else if (v instanceof Long l) {
        out.writeByte(V_LONG);
        out.writeLong(l);
      } else if (v instanceof Float f) {
        out.writeByte(V_FLOAT);
        out.writeFloat(f);
      } else if (v instanceof Boolean b) {
        out.writeByte(V_BOOLEAN);
        out.writeBoolean(b);
      } else if (v instanceof Short s) {
        out.writeByte(V_SHORT);
        out.writeShort(s);
      } else if (v instanceof Byte b) {
        out.writeByte(V_BYTE);
        out.writeByte(b);
      } else if (v instanceof BigDecimal b) {
        out.writeByte(V_BIG_DECIMAL);
        out.writeUTF(b.toString());
      } else if (v instanceof BigInteger b) {
        out.writeByte(V_BIG_INTEGER);
        out.writeUTF(b.toString());
      } else if (v instanceof Enum<?> en) {
        out.writeByte(V_ENUM);
        out.writeUTF(en.getDeclaringClass().getName());
        out.writeUTF(en.name());
      } else if (v instanceof Number num) {
        out.writeByte(V_DOUBLE);
        out.writeDouble(num.doubleValue());
      } else {
        throw new IOException("cannot serialize value '" + e.getKey() + "' of type " + v.getClass().getName());
      }
    }
  }

  private static Map<String, Object> readValues(DataInputView in) throws IOException {
    int n = in.readInt();
    Map<String, Object> values = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      String key = in.readUTF();
      byte tag = in.readByte();
      Object v = switch (tag) {
        case V_STRING -> in.readUTF();
        case V_INT -> in.readInt();
        case V_LONG -> in.readLong();
        case V_DOUBLE -> in.readDouble();
        case V_FLOAT -> in.readFloat();
        case V_BOOLEAN -> in.readBoolean();
        case V_SHORT -> in.readShort();
        case V_BYTE -> in.readByte();
        case V_BIG_DECIMAL -> new BigDecimal(in.readUTF());
        case V_BIG_INTEGER -> new BigInteger(in.readUTF());
        case V_ENUM -> readEnum(in.readUTF(), in.readUTF());
        default -> throw new IOException("unknown value tag " + tag + " for '" + key + "' in serialized data");
      };
      values.put(key, v);
    }
    return values;
  }

  private static Object readEnum(String className, String name) throws IOException {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    try {
      Class<?> type = Class.forName(className, false, loader == null ? Codec.class.getClassLoader() : loader);
      for (Object constant : type.getEnumConstants()) {
        if (((Enum<?>) constant).name().equals(name)) {
          return constant;
        }
      }
      throw new IOException("unknown constant '" + name + "' of enum " + className + " in serialized data");
    } catch (ClassNotFoundException e) {
      throw new IOException("enum class " + className + " of a serialized value is not on the class path", e);
    }
  }

  static void writeLabelUpdate(LabelUpdate u, DataOutputView out) throws IOException {
    out.writeInt(u.stage());
    out.writeUTF(u.key());
    out.writeLong(u.time());
    out.writeInt(u.txHash());
    out.writeUTF(u.label().name());
    out.writeLong(u.labelTime());
  }

  static LabelUpdate readLabelUpdate(DataInputView in) throws IOException {
    return new LabelUpdate(in.readInt(), in.readUTF(), in.readLong(), in.readInt(),
        enumValue(Label.class, in.readUTF()), in.readLong());
  }

  static void writeHistory(EntityStore.History h, DataOutputView out) throws IOException {
    out.writeLong(h.firstTime());
    out.writeLong(h.lastTime());
    out.writeLong(h.lastLocationTime());
    out.writeDouble(h.lastLatitude());
    out.writeDouble(h.lastLongitude());
    List<EntityStore.Event> events = h.events();
    out.writeInt(events.size());
    for (EntityStore.Event e : events) {
      out.writeLong(e.time());
      out.writeDouble(e.amount());
      out.writeInt(e.txHash());
      writeLabel(e.label(), out);
      out.writeLong(e.labelTime());
      int[] others = e.others();
      out.writeInt(others.length);
      for (int o : others) {
        out.writeInt(o);
      }
      out.writeDouble(e.latitude());
      out.writeDouble(e.longitude());
    }
  }

  static EntityStore.History readHistory(DataInputView in) throws IOException {
    long firstTime = in.readLong();
    long lastTime = in.readLong();
    long lastLocationTime = in.readLong();
    double lastLatitude = in.readDouble();
    double lastLongitude = in.readDouble();
    int n = in.readInt();
    List<EntityStore.Event> events = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long time = in.readLong();
      double amount = in.readDouble();
      int txHash = in.readInt();
      Label label = readLabel(in);
      long labelTime = in.readLong();
      int[] others = new int[in.readInt()];
      for (int o = 0; o < others.length; o++) {
        others[o] = in.readInt();
      }
      events.add(new EntityStore.Event(time, amount, txHash, label, labelTime, others, in.readDouble(),
          in.readDouble()));
    }
    return new EntityStore.History(events, firstTime, lastTime, lastLocationTime, lastLatitude, lastLongitude);
  }
}
