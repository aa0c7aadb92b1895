package dev.fraudengine.rag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudengine.core.Label;
import dev.fraudengine.core.SimilarCase;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PersistenceTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final int DIM = 6;

  @TempDir
  Path dir;

  private InMemoryCaseStore open() {
    return InMemoryCaseStore.builder(Embedder.identity(DIM)).searchMode(SearchMode.EXACT).persistTo(dir).build();
  }

  private static Case caseOf(int i, SplittableRandom r) {
    float[] v = InMemoryCaseStoreTest.gaussian(r, DIM);
    return i % 4 == 0
        ? new Case("c" + i, v, Label.FRAUD, "type" + (i % 3), T0.plusSeconds(i), T0.plusSeconds(i + 60),
            Map.of("note", "n" + i))
        : Case.of("c" + i, v, Label.LEGITIMATE, T0.plusSeconds(i), T0.plusSeconds(i + 60));
  }

  /** Fills a store with 100 cases and 10 removals; returns the queries' results before closing. */
  private List<List<SimilarCase>> fill(List<float[]> queries) {
    SplittableRandom r = new SplittableRandom(11);
    try (InMemoryCaseStore s = open()) {
      for (int i = 0; i < 100; i++) {
        s.add(caseOf(i, r));
      }
      for (int i = 0; i < 100; i += 10) {
        s.remove("c" + i);
      }
      for (int q = 0; q < 20; q++) {
        queries.add(InMemoryCaseStoreTest.gaussian(r, DIM));
      }
      return results(s, queries);
    }
  }

  private static List<List<SimilarCase>> results(InMemoryCaseStore s, List<float[]> queries) {
    List<List<SimilarCase>> out = new ArrayList<>();
    for (float[] q : queries) {
      out.add(s.nearest(q, 7));
    }
    return out;
  }

  @Test
  void reopen_afterAddsAndRemoves_givesIdenticalResults() {
    List<float[]> queries = new ArrayList<>();
    List<List<SimilarCase>> before = fill(queries);

    try (InMemoryCaseStore s = open()) {
      assertThat(s.size()).isEqualTo(90);
      assertThat(results(s, queries)).isEqualTo(before);
      assertThat(s.get("c4").orElseThrow().metadata()).containsEntry("note", "n4");
    }
  }

  @Test
  void compact_thenReopen_givesIdenticalResultsFromSnapshot() throws IOException {
    List<float[]> queries = new ArrayList<>();
    List<List<SimilarCase>> before = fill(queries);
    try (InMemoryCaseStore s = open()) {
      s.compact();
    }

    assertThat(Files.size(dir.resolve(CaseLog.LOG_FILE))).isEqualTo(8);
    assertThat(Files.exists(dir.resolve(CaseLog.SNAPSHOT_FILE + ".tmp"))).isFalse();
    try (InMemoryCaseStore s = open()) {
      assertThat(results(s, queries)).isEqualTo(before);
      s.add(Case.of("after", new float[DIM], Label.FRAUD, T0, T0));
    }
    try (InMemoryCaseStore s = open()) {
      assertThat(s.size()).isEqualTo(91);
    }
  }

  @Test
  void reopen_logTruncatedMidRecord_keepsWholeRecordsAndKeepsWorking() throws IOException {
    SplittableRandom r = new SplittableRandom(3);
    List<Case> written = new ArrayList<>();
    try (InMemoryCaseStore s = open()) {
      for (int i = 0; i < 10; i++) {
        Case c = caseOf(i, r);
        written.add(c);
        s.add(c);
      }
    }
    Path log = dir.resolve(CaseLog.LOG_FILE);
    long size = Files.size(log);
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
      f.setLength(size - 5);
    }

    try (InMemoryCaseStore s = open()) {
      assertThat(s.size()).isEqualTo(9);
      assertThat(s.get("c8")).contains(written.get(8));
      assertThat(s.get("c9")).isEmpty();
      s.add(written.get(9));
    }
    try (InMemoryCaseStore s = open()) {
      assertThat(s.size()).isEqualTo(10);
      assertThat(s.get("c9")).contains(written.get(9));
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("cases.log.dropped-"));
    }
  }

  @Test
  void reopen_flippedBytesInRecord_keepsRecordsBeforeItWithIdenticalResults() throws IOException {
    SplittableRandom r = new SplittableRandom(5);
    List<float[]> queries = new ArrayList<>();
    List<List<SimilarCase>> firstFive;
    long fiveRecordsEnd;
    Path log = dir.resolve(CaseLog.LOG_FILE);
    try (InMemoryCaseStore s = open()) {
      for (int i = 0; i < 5; i++) {
        s.add(caseOf(i, r));
      }
      fiveRecordsEnd = Files.size(log);
      for (int q = 0; q < 10; q++) {
        queries.add(InMemoryCaseStoreTest.gaussian(r, DIM));
      }
      firstFive = results(s, queries);
      for (int i = 5; i < 10; i++) {
        s.add(caseOf(i, r));
      }
    }
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
      long at = fiveRecordsEnd + 20;
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0xFF);
    }

    try (InMemoryCaseStore s = open()) {
      assertThat(s.size()).isEqualTo(5);
      assertThat(results(s, queries)).isEqualTo(firstFive);
    }
  }

  @Test
  void reopen_corruptLength_recoversWithoutThrowing() throws IOException {
    try (InMemoryCaseStore s = open()) {
      s.add(Case.of("a", new float[DIM], Label.FRAUD, T0, T0));
      s.add(Case.of("b", new float[DIM], Label.FRAUD, T0, T0));
    }
    Path log = dir.resolve(CaseLog.LOG_FILE);
    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
      f.seek(f.length());
      f.writeInt(Integer.MAX_VALUE);
      f.writeInt(0);
      f.write(new byte[] {1, 2, 3});
    }

    try (InMemoryCaseStore s = open()) {
      assertThat(s.size()).isEqualTo(2);
    }
  }

  @Test
  void reopen_garbageFile_startsEmptyAndKeepsWorking() throws IOException {
    Files.write(dir.resolve(CaseLog.LOG_FILE), "not a case log at all".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    try (InMemoryCaseStore s = open()) {
      assertThat(s.size()).isZero();
      s.add(Case.of("a", new float[DIM], Label.FRAUD, T0, T0));
    }
    try (InMemoryCaseStore s = open()) {
      assertThat(s.size()).isEqualTo(1);
    }
  }

  @Test
  void reopen_corruptSnapshotTail_keepsWholeSnapshotRecordsAndLog() throws IOException {
    SplittableRandom r = new SplittableRandom(9);
    try (InMemoryCaseStore s = open()) {
      for (int i = 0; i < 6; i++) {
        s.add(caseOf(i, r));
      }
      s.compact();
      s.add(caseOf(6, r));
    }
    Path snap = dir.resolve(CaseLog.SNAPSHOT_FILE);
    try (RandomAccessFile f = new RandomAccessFile(snap.toFile(), "rw")) {
      f.setLength(f.length() - 3);
    }

    try (InMemoryCaseStore s = open()) {
      assertThat(s.size()).isEqualTo(6);
      assertThat(s.get("c5")).isEmpty();
      assertThat(s.get("c6")).isPresent();
    }
  }

  @Test
  void feedback_persistedStore_survivesRestart() {
    try (InMemoryCaseStore s = open()) {
      s.observe(dev.fraudengine.core.testing.Transactions.valid().id("t1").eventTime(T0).build(), new float[DIM]);
      s.feedback("t1", Label.FRAUD, T0.plusSeconds(3_600));
    }
    try (InMemoryCaseStore s = open()) {
      assertThat(s.get("t1").orElseThrow().labelTime()).isEqualTo(T0.plusSeconds(3_600));
    }
  }
}
