package dev.fraudengine.rag;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.Label;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Durable storage of a case store: a snapshot plus an append-only log, in one directory.
 *
 *   cases.snapshot  magic "FECSNAP1", then one ADD record per live case
 *   cases.log       magic "FECLOG01", then ADD and REMOVE records in the order they happened
 *
 * A record is [int payloadLength][int CRC32C of the payload][payload], big-endian. Payload:
 *   byte type (1 ADD, 2 REMOVE), UTF id, and for ADD: int dimension, dimension floats, byte label (0 FRAUD,
 *   1 LEGITIMATE), boolean hasFraudType, [UTF fraudType], long eventTime seconds, int nanos, long labelTime
 *   seconds, int nanos, int metadata size, then UTF key and UTF value for each entry.
 *
 * Open: the snapshot, then the log, are read record by record. The first record that is incomplete (a torn tail:
 * the length runs past the end of the file), too long, fails its checksum or does not decode stops the read:
 * every record before it is kept, the bytes from it on are copied to a "<file>.dropped-<epoch millis>" file, the
 * file is truncated to the last whole record so that new appends follow valid data, and a warning says what was
 * dropped and why. A file whose magic is wrong is moved aside whole the same way. Replay is idempotent (an ADD of a
 * known id replaces it, a REMOVE of an unknown id does nothing), so a crash between writing a snapshot and
 * emptying the log loses nothing and duplicates nothing.
 *
 * Append writes the whole record with one write and, when sync is on, forces it to the device before returning. If
 * a write fails, the log is truncated back to where the record began so that a later append does not follow a torn
 * record; if that fails too, the log refuses every further write.
 *
 * Compaction writes every live case to cases.snapshot.tmp, forces it, renames it atomically over cases.snapshot,
 * forces the directory, then truncates the log to its header.
 */
/** The snapshot and append-only log of an {@link InMemoryCaseStore}. Not thread-safe: the store locks around it. */
final class CaseLog implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CaseLog.class);
  static final String LOG_FILE = "cases.log";
  static final String SNAPSHOT_FILE = "cases.snapshot";
  private static final byte[] LOG_MAGIC = {'F', 'E', 'C', 'L', 'O', 'G', '0', '1'};
  private static final byte[] SNAPSHOT_MAGIC = {'F', 'E', 'C', 'S', 'N', 'A', 'P', '1'};
  private static final int MAX_RECORD = 1 << 24;
  private static final byte ADD = 1;
  private static final byte REMOVE = 2;

  private final Path dir;
  private final Path logPath;
  private final Path snapshotPath;
  private final boolean sync;
  private FileChannel log;
  private boolean broken;
  private long records;

  private CaseLog(Path dir, boolean sync) {
    this.dir = dir;
    this.logPath = dir.resolve(LOG_FILE);
    this.snapshotPath = dir.resolve(SNAPSHOT_FILE);
    this.sync = sync;
  }

  /**
   * Opens (or creates) the directory's snapshot and log and returns the live cases they hold, in the order they were
   * added. Corruption is recovered from and logged, never thrown.
   *
   * @throws FraudEngineException with CASE_STORE_FAILED if the directory cannot be created, read or written
   */
  static CaseLog open(Path dir, boolean sync, Map<String, Case> recovered) {
    CaseLog cl = new CaseLog(dir, sync);
    try {
      Files.createDirectories(dir);
      if (Files.exists(cl.snapshotPath)) {
        cl.replay(cl.snapshotPath, SNAPSHOT_MAGIC, recovered);
      }
      if (Files.exists(cl.logPath)) {
        cl.records = cl.replay(cl.logPath, LOG_MAGIC, recovered);
      }
      cl.log = FileChannel.open(cl.logPath, StandardOpenOption.CREATE, StandardOpenOption.READ,
          StandardOpenOption.WRITE);
      if (cl.log.size() == 0) {
        cl.log.write(ByteBuffer.wrap(LOG_MAGIC));
        cl.log.force(true);
      }
      cl.log.position(cl.log.size());
      return cl;
    } catch (IOException e) {
      cl.close();
      throw new FraudEngineException(ErrorCode.CASE_STORE_FAILED, "could not open the case log in " + dir, e);
    }
  }

  /** Reads a file's whole records into {@code cases}; returns how many were read. Recovers from a bad tail. */
  private long replay(Path file, byte[] magic, Map<String, Case> cases) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    if (bytes.length < magic.length || !java.util.Arrays.equals(bytes, 0, magic.length, magic, 0, magic.length)) {
      if (bytes.length > 0) {
        LOG.warn("case file {} does not start with its header; moving all {} bytes aside", file, bytes.length);
        dropTail(file, bytes, 0, "no valid header");
      }
      return 0;
    }
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    buf.position(magic.length);
    long count = 0;
    CRC32C crc = new CRC32C();
    while (buf.hasRemaining()) {
      int start = buf.position();
      String problem = null;
      if (buf.remaining() < 8) {
        problem = "torn record header";
      } else {
        int length = buf.getInt();
        int expected = buf.getInt();
        if (length <= 0 || length > MAX_RECORD) {
          problem = "record length " + length + " out of range";
        } else if (length > buf.remaining()) {
          problem = "torn record: " + length + " bytes announced, " + buf.remaining() + " present";
        } else {
          crc.reset();
          crc.update(bytes, buf.position(), length);
          if ((int) crc.getValue() != expected) {
            problem = "checksum mismatch";
          } else {
            try {
              apply(new DataInputStream(new java.io.ByteArrayInputStream(bytes, buf.position(), length)), cases);
            } catch (IOException | RuntimeException e) {
              problem = "undecodable record (" + e + ")";
            }
            buf.position(buf.position() + length);
          }
        }
      }
      if (problem != null) {
        LOG.warn("case file {}: {} at byte {}; kept {} whole records before it, dropped {} bytes",
            file, problem, start, count, bytes.length - start);
        dropTail(file, bytes, start, problem);
        return count;
      }
      count++;
    }
    return count;
  }

  /** Saves the bytes from {@code from} on beside the file, then truncates the file to {@code from}. */
  private static void dropTail(Path file, byte[] bytes, int from, String reason) throws IOException {
    Path aside = file.resolveSibling(file.getFileName() + ".dropped-" + System.currentTimeMillis());
    Files.write(aside, java.util.Arrays.copyOfRange(bytes, from, bytes.length));
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(from);
      ch.force(true);
    }
    LOG.warn("the dropped bytes of {} ({}) were saved to {}", file, reason, aside);
  }

  private static void apply(DataInputStream in, Map<String, Case> cases) throws IOException {
    byte type = in.readByte();
    String id = in.readUTF();
    if (type == REMOVE) {
      cases.remove(id);
      return;
    }
    if (type != ADD) {
      throw new IOException("unknown record type " + type);
    }
    int dim = in.readInt();
    if (dim <= 0 || dim > MAX_RECORD / 4) {
      throw new IOException("bad dimension " + dim);
    }
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = in.readFloat();
    }
    byte label = in.readByte();
    if (label != 0 && label != 1) {
      throw new IOException("bad label " + label);
    }
    String fraudType = in.readBoolean() ? in.readUTF() : null;
    Instant eventTime = Instant.ofEpochSecond(in.readLong(), in.readInt());
    Instant labelTime = Instant.ofEpochSecond(in.readLong(), in.readInt());
    int n = in.readInt();
    if (n < 0 || n > Case.MAX_METADATA) {
      throw new IOException("bad metadata size " + n);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      metadata.put(in.readUTF(), in.readUTF());
    }
    if (in.available() != 0) {
      throw new IOException(in.available() + " trailing bytes");
    }
    cases.remove(id);
    cases.put(id, new Case(id, v, label == 0 ? Label.FRAUD : Label.LEGITIMATE, fraudType, eventTime, labelTime,
        metadata));
  }

  /** Appends an ADD record. */
  void appendAdd(Case c) {
    append(encodeAdd(c));
  }

  /** Appends a REMOVE record. */
  void appendRemove(String id) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(REMOVE);
      out.writeUTF(id);
      out.flush();
      append(bytes.toByteArray());
    } catch (IOException e) {
      throw new FraudEngineException(ErrorCode.CASE_STORE_FAILED, "could not encode the removal of " + id, e);
    }
  }

  /** Returns how many records the log holds since the last compaction. */
  long records() {
    return records;
  }

  private static byte[] encodeAdd(Case c) {
    try {
      float[] v = c.vectorUnsafe();
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + v.length * 4);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(ADD);
      out.writeUTF(c.id());
      out.writeInt(v.length);
      for (float x : v) {
        out.writeFloat(x);
      }
      out.writeByte(c.label() == Label.FRAUD ? 0 : 1);
      out.writeBoolean(c.fraudType() != null);
      if (c.fraudType() != null) {
        out.writeUTF(c.fraudType());
      }
      out.writeLong(c.eventTime().getEpochSecond());
      out.writeInt(c.eventTime().getNano());
      out.writeLong(c.labelTime().getEpochSecond());
      out.writeInt(c.labelTime().getNano());
      out.writeInt(c.metadata().size());
      for (Map.Entry<String, String> e : c.metadata().entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      out.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new FraudEngineException(ErrorCode.CASE_STORE_FAILED, "could not encode case " + c.id(), e);
    }
  }

  private static ByteBuffer frame(byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(payload);
    ByteBuffer buf = ByteBuffer.allocate(8 + payload.length);
    buf.putInt(payload.length).putInt((int) crc.getValue()).put(payload).flip();
    return buf;
  }

  private void append(byte[] payload) {
    if (broken || log == null) {
      throw new FraudEngineException(ErrorCode.CASE_STORE_FAILED,
          "the case log " + logPath + " refuses writes after an earlier write failed, or is closed");
    }
    long start = -1;
    try {
      start = log.position();
      ByteBuffer buf = frame(payload);
      while (buf.hasRemaining()) {
        log.write(buf);
      }
      if (sync) {
        log.force(false);
      }
      records++;
    } catch (IOException e) {
      try {
        if (start >= 0) {
          log.truncate(start);
          log.position(start);
        } else {
          broken = true;
        }
      } catch (IOException again) {
        broken = true;
        e.addSuppressed(again);
      }
      throw new FraudEngineException(ErrorCode.CASE_STORE_FAILED, "could not append to the case log " + logPath, e);
    }
  }

  /** Writes the live cases as the new snapshot, then empties the log. */
  void compact(Collection<Case> live) {
    Path tmp = dir.resolve(SNAPSHOT_FILE + ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(ByteBuffer.wrap(SNAPSHOT_MAGIC));
        for (Case c : live) {
          ByteBuffer buf = frame(encodeAdd(c));
          while (buf.hasRemaining()) {
            ch.write(buf);
          }
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, snapshotPath, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + dir + " cannot rename atomically", e);
      }
      forceDirectory();
      log.truncate(LOG_MAGIC.length);
      log.position(LOG_MAGIC.length);
      log.force(true);
      records = 0;
    } catch (IOException e) {
      throw new FraudEngineException(ErrorCode.CASE_STORE_FAILED, "could not compact the case log in " + dir, e);
    }
  }

  private void forceDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      LOG.debug("the file system of {} cannot force a directory; relying on the rename alone", dir, e);
    }
  }

  @Override
  public void close() {
    if (log == null) {
      return;
    }
    try {
      log.close();
    } catch (IOException e) {
      LOG.warn("closing the case log {} failed", logPath, e);
    }
    log = null;
  }

  /** The live cases in add order, for tests. */
  static List<Case> read(Path dir) {
    Map<String, Case> cases = new LinkedHashMap<>();
    CaseLog cl = open(dir, false, cases);
    cl.close();
    return new ArrayList<>(cases.values());
  }
}
