package dev.fraudengine.features;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FraudEngineException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/*
 * The snapshot file format, version 2 (all numbers big-endian, strings in modified UTF-8 as DataOutput writes
 * them):
 *
 *   int magic 'FES1', int format version
 *   schema: name, version, feature count, feature names; pseudonymisation fingerprint ("" when off)
 *   long watermark
 *   int group count; per group: entity name, other-key columns, has labels, has geo, entity count;
 *     per entity: key, first/last/last-located time, last latitude/longitude, event count;
 *       per event: time, amount, [id hash, label, label time], other-key hashes, [latitude, longitude]
 *   long label index fingerprint seed; int index entry count; per entry: the transaction id's fingerprint, time,
 *     id hash, key count, keys (presence flag + key)
 *   (version 1 held transaction ids where version 2 holds fingerprints; the index no longer keeps ids, so it
 *   can write only version 2 and refuses version 1)
 *   int end magic
 *   long CRC-32C of every byte before it
 *
 * Writing goes to a temporary file in the same folder, is forced to disk (FileChannel.force), and is renamed
 * atomically over the target, so that a crash leaves either the old snapshot or the new one, never a torn file.
 * Reading checks the length and the checksum over the whole file before it parses anything, and parses everything
 * before it changes any state, so that a refused snapshot leaves the pipeline as it was.
 */
final class Snapshots {
  static final int MAGIC = 0x46455331;
  static final int END_MAGIC = 0x454E4421;
  static final int VERSION = 2;
  private static final int TRAILER = 8;
  private static final int MAX_COUNT = 1 << 28;

  private Snapshots() {}

  static void write(OnlineFeaturePipeline p, Path file) {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Path tmp = null;
    try {
      tmp = Files.createTempFile(dir, target.getFileName().toString() + ".", ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        OutputStream raw = Channels.newOutputStream(ch);
        CRC32C crc = new CRC32C();
        DataOutputStream out = new DataOutputStream(
            new CheckedOutputStream(new BufferedOutputStream(nonClosing(raw), 1 << 16), crc));
        writeBody(p, out);
        out.flush();
        DataOutputStream trailer = new DataOutputStream(nonClosing(raw));
        trailer.writeLong(crc.getValue());
        trailer.flush();
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      tmp = null;
      syncDirectory(dir);
    } catch (IOException e) {
      throw new FraudEngineException(ErrorCode.FEATURE_STATE_FAILED, "cannot write snapshot " + target, e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // the temporary file is left behind; the target is untouched either way
        }
      }
    }
  }

  /** Makes the rename durable where the platform allows forcing a directory (Linux); elsewhere a no-op. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // not supported for directories on this platform: the rename itself is atomic
    }
  }

  private static OutputStream nonClosing(OutputStream out) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        out.flush();
      }
    };
  }

  private static void writeBody(OnlineFeaturePipeline p, DataOutputStream out) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeUTF(p.schema().name());
    out.writeUTF(p.schema().version());
    out.writeInt(p.schema().size());
    for (String f : p.schema().features()) {
      out.writeUTF(f);
    }
    out.writeUTF(fingerprint(p));
    out.writeLong(p.watermarkCell().get());
    EntityGroup[] groups = p.groups();
    out.writeInt(groups.length);
    List<List<Map.Entry<String, EntityState>>> written = new ArrayList<>(groups.length);
    for (EntityGroup g : groups) {
      out.writeUTF(g.entity.name());
      out.writeInt(g.otherColumns());
      out.writeBoolean(g.labels);
      out.writeBoolean(g.geo());
      List<Map.Entry<String, EntityState>> entries = g.map.entries();
      written.add(entries);
      out.writeInt(entries.size());
      for (Map.Entry<String, EntityState> e : entries) {
        out.writeUTF(e.getKey());
        EntityState s = e.getValue();
        synchronized (s) {
          writeState(s, out);
        }
      }
    }
    LabelIndex index = p.index();
    List<LabelIndex.Entry> indexed = index == null ? List.of() : index.entries();
    // The index keeps states, not keys: a state's key is the one its map holds it under (none if it has been
    // evicted since, as its events have).
    int[] labelGroups = p.labelGroups();
    List<Map<EntityState, String>> keyOf = new ArrayList<>(labelGroups.length);
    for (int g : labelGroups) {
      Map<EntityState, String> m = new IdentityHashMap<>();
      for (Map.Entry<String, EntityState> e : written.get(g)) {
        m.put(e.getValue(), e.getKey());
      }
      keyOf.add(m);
    }
    out.writeLong(index == null ? 0 : index.seed());
    out.writeInt(indexed.size());
    for (LabelIndex.Entry x : indexed) {
      out.writeLong(x.fingerprint());
      out.writeLong(x.time());
      out.writeInt(x.txHash());
      out.writeInt(x.states().length);
      for (int j = 0; j < x.states().length; j++) {
        EntityState state = x.states()[j];
        String k = state == null ? null : keyOf.get(j).get(state);
        out.writeBoolean(k != null);
        if (k != null) {
          out.writeUTF(k);
        }
      }
    }
    out.writeInt(END_MAGIC);
  }

  private static String fingerprint(OnlineFeaturePipeline p) {
    return p.pseudonymiser() == null ? "" : p.pseudonymiser().fingerprint();
  }

  private static void writeState(EntityState s, DataOutputStream out) throws IOException {
    out.writeLong(s.firstTime);
    out.writeLong(s.lastTime);
    out.writeLong(s.lastLocTime);
    out.writeDouble(s.lastLat);
    out.writeDouble(s.lastLon);
    out.writeInt(s.size);
    for (int i = s.head; i < s.end(); i++) {
      out.writeLong(s.time(i));
      out.writeDouble(s.amount(i));
      if (s.labelled()) {
        out.writeInt(s.txHash(i));
        out.writeByte(s.label(i));
        out.writeLong(s.labelTime(i));
      }
      for (int c = 0; c < s.otherColumns(); c++) {
        out.writeInt(s.other(i, c));
      }
      if (s.located()) {
        out.writeFloat(s.latitude(i));
        out.writeFloat(s.longitude(i));
      }
    }
  }

  static void read(OnlineFeaturePipeline p, Path file) {
    long length;
    try {
      length = Files.size(file);
    } catch (IOException e) {
      throw new FraudEngineException(ErrorCode.FEATURE_STATE_FAILED, "cannot read snapshot " + file, e);
    }
    if (length < 8 + TRAILER) {
      throw corrupt(file, "truncated: " + length + " bytes is shorter than any snapshot");
    }
    verifyChecksum(file, length);
    try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      Restored r = readBody(p, file, in);
      apply(p, r);
    } catch (EOFException e) {
      throw corrupt(file, "truncated: ends before its content does");
    } catch (IOException e) {
      throw new FraudEngineException(ErrorCode.FEATURE_STATE_FAILED, "cannot read snapshot " + file, e);
    }
  }

  private static void verifyChecksum(Path file, long length) {
    CRC32C crc = new CRC32C();
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        CheckedInputStream in = new CheckedInputStream(raw, crc)) {
      byte[] buf = new byte[1 << 16];
      long left = length - TRAILER;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw corrupt(file, "truncated while reading");
        }
        left -= n;
      }
      long expected = new DataInputStream(raw).readLong();
      if (expected != crc.getValue()) {
        throw corrupt(file, "checksum mismatch (stored " + Long.toHexString(expected) + ", computed "
            + Long.toHexString(crc.getValue()) + "): the file is corrupt or truncated");
      }
    } catch (IOException e) {
      throw new FraudEngineException(ErrorCode.FEATURE_STATE_FAILED, "cannot read snapshot " + file, e);
    }
  }

  private static FraudEngineException corrupt(Path file, String why) {
    return new FraudEngineException(ErrorCode.FEATURE_STATE_FAILED, "snapshot " + file + " refused: " + why);
  }

  private static FraudEngineException mismatch(Path file, String why) {
    return new FraudEngineException(ErrorCode.FEATURE_SCHEMA_MISMATCH, "snapshot " + file + " refused: " + why);
  }

  private record Restored(long watermark, List<List<Map.Entry<String, EntityState>>> groups,
      long indexSeed, List<Indexed> index) {}

  /**
   * A label index entry as a snapshot holds it: the id's fingerprint, and per label-keeping group the key of its
   * state, or null.
   */
  private record Indexed(long fingerprint, long time, int txHash, String[] keys) {}

  private static Restored readBody(OnlineFeaturePipeline p, Path file, DataInputStream in) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw corrupt(file, "not a feature snapshot (magic " + Integer.toHexString(magic) + ")");
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw corrupt(file, "format version " + version + " is not supported (expected " + VERSION + ")"
          + (version == 1 ? ": version 1 holds transaction ids, which the label index no longer keeps; write a new "
              + "snapshot with this release" : ""));
    }
    String name = in.readUTF();
    String schemaVersion = in.readUTF();
    int n = count(file, in.readInt());
    List<String> features = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      features.add(in.readUTF());
    }
    if (!p.schema().name().equals(name) || !p.schema().version().equals(schemaVersion)
        || !p.schema().features().equals(features)) {
      throw mismatch(file, "written for schema " + name + "@" + schemaVersion + features + ", but this pipeline's is "
          + p.schema());
    }
    if (!fingerprint(p).equals(in.readUTF())) {
      throw mismatch(file, "written with another key pseudonymisation secret (or with it on/off)");
    }
    long watermark = in.readLong();
    EntityGroup[] groups = p.groups();
    int groupCount = in.readInt();
    if (groupCount != groups.length) {
      throw mismatch(file, "holds " + groupCount + " entity groups, the pipeline has " + groups.length);
    }
    List<List<Map.Entry<String, EntityState>>> states = new ArrayList<>();
    for (EntityGroup g : groups) {
      String entity = in.readUTF();
      int others = in.readInt();
      boolean labels = in.readBoolean();
      boolean geo = in.readBoolean();
      if (!entity.equals(g.entity.name()) || others != g.otherColumns() || labels != g.labels || geo != g.geo()) {
        throw mismatch(file, "entity group '" + entity + "' does not match the pipeline's '" + g.entity + "'");
      }
      int entities = count(file, in.readInt());
      List<Map.Entry<String, EntityState>> list = new ArrayList<>(entities);
      for (int e = 0; e < entities; e++) {
        String key = in.readUTF();
        list.add(new AbstractMap.SimpleImmutableEntry<>(key, readState(file, g, in)));
      }
      states.add(list);
    }
    long indexSeed = in.readLong();
    int indexed = count(file, in.readInt());
    List<Indexed> index = new ArrayList<>(Math.min(indexed, 1 << 20));
    for (int i = 0; i < indexed; i++) {
      long fingerprint = in.readLong();
      long time = in.readLong();
      int hash = in.readInt();
      int keys = count(file, in.readInt());
      String[] k = new String[keys];
      for (int j = 0; j < keys; j++) {
        k[j] = in.readBoolean() ? in.readUTF() : null;
      }
      index.add(new Indexed(fingerprint, time, hash, k));
    }
    if (in.readInt() != END_MAGIC) {
      throw corrupt(file, "end marker missing");
    }
    return new Restored(watermark, states, indexSeed, index);
  }

  private static int count(Path file, int n) {
    if (n < 0 || n > MAX_COUNT) {
      throw corrupt(file, "implausible count " + n);
    }
    return n;
  }

  private static EntityState readState(Path file, EntityGroup g, DataInputStream in) throws IOException {
    long firstTime = in.readLong();
    long lastTime = in.readLong();
    long lastLocTime = in.readLong();
    double lastLat = in.readDouble();
    double lastLon = in.readDouble();
    int size = count(file, in.readInt());
    EntityState s = g.newState(Math.max(size, 1));
    s.firstTime = firstTime;
    s.lastTime = lastTime;
    s.lastLocTime = lastLocTime;
    s.lastLat = lastLat;
    s.lastLon = lastLon;
    long previous = Long.MIN_VALUE;
    for (int i = 0; i < size; i++) {
      long time = in.readLong();
      if (time < previous) {
        throw corrupt(file, "events out of time order");
      }
      previous = time;
      s.load(time, in.readDouble());
      if (s.labelled()) {
        int hash = in.readInt();
        byte label = in.readByte();
        s.setLabel(i, hash, label, in.readLong());
      }
      for (int c = 0; c < s.otherColumns(); c++) {
        s.setOther(i, c, in.readInt());
      }
      if (s.located()) {
        float latitude = in.readFloat();
        s.setLocation(i, latitude, in.readFloat());
      }
    }
    return s;
  }

  private static void apply(OnlineFeaturePipeline p, Restored r) {
    p.watermarkCell().set(r.watermark());
    EntityGroup[] groups = p.groups();
    for (int g = 0; g < groups.length; g++) {
      groups[g].map.clear();
      for (Map.Entry<String, EntityState> e : r.groups().get(g)) {
        groups[g].map.put(e.getKey(), e.getValue());
      }
    }
    if (p.index() != null) {
      int[] labelGroups = p.labelGroups();
      List<LabelIndex.Entry> resolved = new ArrayList<>(r.index().size());
      for (Indexed x : r.index()) {
        EntityState[] states = new EntityState[x.keys().length];
        for (int j = 0; j < states.length && j < labelGroups.length; j++) {
          states[j] = x.keys()[j] == null ? null : groups[labelGroups[j]].peek(x.keys()[j]);
        }
        resolved.add(new LabelIndex.Entry(x.fingerprint(), x.time(), x.txHash(), states));
      }
      p.index().restore(r.indexSeed(), resolved);
    }
  }
}
