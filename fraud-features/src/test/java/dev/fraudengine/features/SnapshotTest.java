package dev.fraudengine.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.ErrorCode;
import dev.fraudengine.core.FraudEngineException;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotTest {
  private static final byte[] SECRET = "0123456789abcdef-secret".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;

  /** A seeded stream over 60 days: 50 cards, 20 terminals, some devices, IPs and locations. */
  private static List<Transaction> stream(long seed, int n) {
    Random r = new Random(seed);
    List<Transaction> txs = new ArrayList<>();
    long t = 0;
    for (int i = 0; i < n; i++) {
      t += r.nextInt(3_000_000);
      Transaction.Builder b = Transaction.builder().id("tx" + i).eventTime(Txs.at(Duration.ofMillis(t)))
          .amount(1 + r.nextInt(50_000) / 100.0, "EUR").card("card" + r.nextInt(50))
          .terminal("term" + r.nextInt(20));
      if (r.nextBoolean()) {
        b.device("dev" + r.nextInt(30)).ip("10.0.0." + r.nextInt(40));
      }
      if (r.nextInt(3) == 0) {
        b.location(40 + r.nextDouble() * 10, r.nextDouble() * 10);
      }
      txs.add(b.build());
    }
    return txs;
  }

  /** Processes txs[from, to); labels each transaction 50 transactions later, so some cross the snapshot. */
  private static void run(OnlineFeaturePipeline p, List<Transaction> txs, int from, int to, List<float[]> out,
      long seed) {
    for (int i = from; i < to; i++) {
      Transaction tx = txs.get(i);
      out.add(p.process(tx));
      if (i >= 50) {
        Transaction labelled = txs.get(i - 50);
        Label label = new SplittableRandom(seed + i).nextInt(4) == 0 ? Label.FRAUD : Label.LEGITIMATE;
        p.feedback(labelled.id(), label, labelled.eventTime().plus(Duration.ofDays(2)));
      }
    }
  }

  private void restoreAndContinue_equalsUnbrokenRun(Supplier<OnlineFeaturePipeline> make) {
    restoreAndContinue_equalsUnbrokenRun(make, make);
  }

  /** Runs with {@code make} unbroken and up to the snapshot, and with {@code makeRestored} after it. */
  private void restoreAndContinue_equalsUnbrokenRun(Supplier<OnlineFeaturePipeline> make,
      Supplier<OnlineFeaturePipeline> makeRestored) {
    long seed = System.nanoTime();
    System.out.println("SnapshotTest seed " + seed);
    List<Transaction> txs = stream(seed, 3_000);
    List<float[]> unbroken = new ArrayList<>();
    run(make.get(), txs, 0, txs.size(), unbroken, seed);

    OnlineFeaturePipeline first = make.get();
    List<float[]> resumed = new ArrayList<>();
    run(first, txs, 0, 1_700, resumed, seed);
    Path file = dir.resolve("state.snap");
    first.snapshot(file);
    OnlineFeaturePipeline second = makeRestored.get();
    second.restore(file);
    run(second, txs, 1_700, txs.size(), resumed, seed);

    for (int i = 0; i < txs.size(); i++) {
      assertThat(Arrays.equals(resumed.get(i), unbroken.get(i)))
          .as("row %d (seed %d): %s vs %s", i, seed, Arrays.toString(resumed.get(i)),
              Arrays.toString(unbroken.get(i)))
          .isTrue();
    }
  }

  @Test
  void restore_thenContinue_givesExactlyTheUnbrokenFeatures() {
    restoreAndContinue_equalsUnbrokenRun(FeaturePipelines::standard);
  }

  private static Supplier<OnlineFeaturePipeline> standardWith(OnlineFeaturePipeline.EntityMapKind kind) {
    return () -> FeaturePipelines.builder().schema("standard", "1").addAll(FeaturePipelines.standardFeatures())
        .entityMap(kind).build();
  }

  @Test
  void restore_caffeineEntityMap_givesExactlyTheUnbrokenFeatures() {
    restoreAndContinue_equalsUnbrokenRun(standardWith(OnlineFeaturePipeline.EntityMapKind.CAFFEINE));
  }

  @Test
  void restore_snapshotOfOtherEntityMapKind_givesExactlyTheUnbrokenFeatures() {
    restoreAndContinue_equalsUnbrokenRun(standardWith(OnlineFeaturePipeline.EntityMapKind.CAFFEINE),
        standardWith(OnlineFeaturePipeline.EntityMapKind.COMPACT));
    restoreAndContinue_equalsUnbrokenRun(standardWith(OnlineFeaturePipeline.EntityMapKind.COMPACT),
        standardWith(OnlineFeaturePipeline.EntityMapKind.CAFFEINE));
  }

  @Test
  void restore_pseudonymisedKeys_givesExactlyTheUnbrokenFeatures() {
    restoreAndContinue_equalsUnbrokenRun(
        () -> FeaturePipelines.builder().addAll(FeaturePipelines.standardFeatures()).pseudonymiseKeys(SECRET)
            .build());
  }

  @Test
  void snapshot_pseudonymisedKeys_holdsNoRawKey() throws IOException {
    OnlineFeaturePipeline p = FeaturePipelines.builder().addAll(FeaturePipelines.handbookFeatures())
        .pseudonymiseKeys(SECRET).build();
    p.process(Txs.tx("id-1", Duration.ZERO, "4111111111111111", "TERMINAL-XYZ", 10));
    Path file = dir.resolve("p.snap");
    p.snapshot(file);
    String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    assertThat(content).doesNotContain("4111111111111111").doesNotContain("TERMINAL-XYZ");

    OnlineFeaturePipeline otherSecret = FeaturePipelines.builder().addAll(FeaturePipelines.handbookFeatures())
        .pseudonymiseKeys("another-secret-of-16+".getBytes(StandardCharsets.UTF_8)).build();
    assertThatThrownBy(() -> otherSecret.restore(file)).isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("secret")
        .satisfies(e -> assertThat(((FraudEngineException) e).code()).isEqualTo(ErrorCode.FEATURE_SCHEMA_MISMATCH));
  }

  @Test
  void snapshot_written_leavesNoTemporaryFile() throws IOException {
    OnlineFeaturePipeline p = FeaturePipelines.handbook();
    p.process(Txs.tx("a", Duration.ZERO, "c", "t", 1));
    p.snapshot(dir.resolve("s.snap"));
    p.snapshot(dir.resolve("s.snap"));
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactly("s.snap");
    }
  }

  private Path populated(OnlineFeaturePipeline p) {
    run(p, stream(42, 500), 0, 500, new ArrayList<>(), 42);
    Path file = dir.resolve("good.snap");
    p.snapshot(file);
    return file;
  }

  @Test
  void restore_truncatedSnapshot_isRefusedAndStateUnchanged() throws IOException {
    Path good = populated(FeaturePipelines.handbook());
    byte[] bytes = Files.readAllBytes(good);
    Path truncated = dir.resolve("truncated.snap");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
    OnlineFeaturePipeline p = FeaturePipelines.handbook();
    float[] before = p.process(Txs.tx("x", Duration.ofDays(100), "card1", "term1", 5));
    assertThatThrownBy(() -> p.restore(truncated)).isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("refused").hasMessageContaining("truncated")
        .satisfies(e -> assertThat(((FraudEngineException) e).code()).isEqualTo(ErrorCode.FEATURE_STATE_FAILED));
    Path tiny = dir.resolve("tiny.snap");
    Files.write(tiny, new byte[5]);
    assertThatThrownBy(() -> p.restore(tiny)).isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("truncated");
    float[] after = p.process(Txs.tx("y", Duration.ofDays(100), "card1", "term1", 5));
    assertThat(after[3]).isEqualTo(before[3] + 1);
  }

  @Test
  void restore_labelledAfterRestore_reachesTransactionsIndexedBeforeTheSnapshot() {
    OnlineFeaturePipeline first = FeaturePipelines.handbook();
    for (int i = 0; i < 1_000; i++) {
      first.process(Txs.tx("id-" + i, Duration.ofMinutes(i), "card" + i % 7, "term" + i % 5, 10));
    }
    Path file = dir.resolve("labels.snap");
    first.snapshot(file);
    OnlineFeaturePipeline second = FeaturePipelines.handbook();
    second.restore(file);
    assertThat(second.stats().indexedTransactions()).isEqualTo(1_000);
    for (int i = 0; i < 1_000; i += 3) {
      second.feedback("id-" + i, Label.FRAUD, Txs.at(Duration.ofMinutes(i + 1)));
    }
    second.feedback("id-1000", Label.FRAUD, Txs.at(Duration.ofDays(1)));
    second.feedback("unknown", Label.FRAUD, Txs.at(Duration.ofDays(1)));
    assertThat(second.stats().labelsApplied()).isEqualTo(334);
    assertThat(second.stats().labelsUnmatched()).isEqualTo(2);
  }

  @Test
  void restore_formatVersion1_isRefusedWithAClearError() throws IOException {
    byte[] bytes = Files.readAllBytes(populated(FeaturePipelines.handbook()));
    ByteBuffer.wrap(bytes).putInt(4, 1);
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, bytes.length - 8);
    ByteBuffer.wrap(bytes).putLong(bytes.length - 8, crc.getValue());
    Path old = dir.resolve("v1.snap");
    Files.write(old, bytes);
    OnlineFeaturePipeline p = FeaturePipelines.handbook();
    assertThatThrownBy(() -> p.restore(old)).isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("format version 1 is not supported (expected 2)")
        .hasMessageContaining("transaction ids")
        .satisfies(e -> assertThat(((FraudEngineException) e).code()).isEqualTo(ErrorCode.FEATURE_STATE_FAILED));
    assertThat(p.stats().indexedTransactions()).isZero();
  }

  @Test
  void restore_flippedByte_isRefusedByChecksum() throws IOException {
    Path good = populated(FeaturePipelines.handbook());
    byte[] bytes = Files.readAllBytes(good);
    bytes[bytes.length / 3] ^= 0x10;
    Path corrupt = dir.resolve("corrupt.snap");
    Files.write(corrupt, bytes);
    assertThatThrownBy(() -> FeaturePipelines.handbook().restore(corrupt)).isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("checksum mismatch").hasMessageContaining("corrupt.snap");
  }

  @Test
  void restore_otherSchema_isRefused() {
    Path good = populated(FeaturePipelines.handbook());
    assertThatThrownBy(() -> FeaturePipelines.standard().restore(good)).isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("schema handbook@1")
        .satisfies(e -> assertThat(((FraudEngineException) e).code()).isEqualTo(ErrorCode.FEATURE_SCHEMA_MISMATCH));
  }

  @Test
  void restore_missingFileOrUnwritableTarget_isAStateFault() {
    OnlineFeaturePipeline p = FeaturePipelines.handbook();
    assertThatThrownBy(() -> p.restore(dir.resolve("absent.snap"))).isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("absent.snap");
    assertThatThrownBy(() -> p.snapshot(dir.resolve("no-such-dir").resolve("s.snap")))
        .isInstanceOf(FraudEngineException.class).hasMessageContaining("cannot write snapshot");
    assertThatThrownBy(() -> p.snapshot(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("file");
  }

  @Test
  void pseudonymisation_sameKey_sameFeaturesAsRawKeys() {
    OnlineFeaturePipeline raw = FeaturePipelines.standard();
    OnlineFeaturePipeline hashed = FeaturePipelines.builder().schema("standard", "1")
        .addAll(FeaturePipelines.standardFeatures()).pseudonymiseKeys(SECRET).build();
    for (Transaction tx : stream(7, 400)) {
      assertThat(hashed.process(tx)).containsExactly(raw.process(tx));
    }
  }
}
