package dev.fraudengine.rag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudengine.core.Label;
import dev.fraudengine.core.SimilarCase;
import dev.fraudengine.core.testing.HandbookData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Parity of approximate and exact search on embeddings of the Fraud Detection Handbook transactions: recall@10 of
 * the JVector backend against exact search over 100,000 cases. Skips when the data folder is absent: set
 * {@code -Dfraud.data.dir=...} or keep the repository beside {@code shared/data/fdh}.
 */
class HandbookRecallTest {
  private static final String FILE = "transactions-2018-04-to-08.csv.gz";
  private static final int CASES = 100_000;
  private static final int QUERIES = 500;
  private static final int K = 10;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  @Test
  void approximate_handbookEmbeddings100k_recallAt10AtLeast095() throws IOException {
    Path data = HandbookData.require(FILE).resolve(FILE);
    long t0 = System.nanoTime();
    List<Row> rows = read(data, CASES + QUERIES);
    List<float[]> features = new ArrayList<>(rows.size());
    for (Row r : rows) {
      features.add(r.features);
    }
    Embedder embedder = Embedder.fit(features.subList(0, CASES), null);
    long t1 = System.nanoTime();
    try (InMemoryCaseStore store = InMemoryCaseStore.builder(embedder).searchMode(SearchMode.AUTO).build()) {
      List<Case> cases = new ArrayList<>(CASES);
      for (int i = 0; i < CASES; i++) {
        Row r = rows.get(i);
        cases.add(Case.of(r.id, embedder.embed(r.features), r.fraud ? Label.FRAUD : Label.LEGITIMATE, r.time,
            r.time));
      }
      store.addAll(cases);
      long t2 = System.nanoTime();
      int hits = 0;
      long exactNanos = 0;
      long approxNanos = 0;
      for (int q = 0; q < QUERIES; q++) {
        float[] v = embedder.embed(rows.get(CASES + q).features);
        long a = System.nanoTime();
        List<SimilarCase> exact = store.nearest(v, K, Instant.MAX, SearchMode.EXACT);
        long b = System.nanoTime();
        List<SimilarCase> approx = store.nearest(v, K, Instant.MAX, SearchMode.APPROXIMATE);
        long c = System.nanoTime();
        exactNanos += b - a;
        approxNanos += c - b;
        double kth = exact.get(K - 1).similarity();
        for (SimilarCase s : approx) {
          if (s.similarity() >= kth) {
            hits++;
          }
        }
      }
      double recall = hits / (double) (QUERIES * K);
      System.out.printf("handbook recall@%d=%.4f over %d queries, %d cases; read+fit %.1f s, build %.1f s, "
          + "mean exact %.1f us, mean approximate %.1f us (test timing, not a benchmark)%n", K, recall, QUERIES,
          CASES, (t1 - t0) / 1e9, (t2 - t1) / 1e9, exactNanos / 1e3 / QUERIES, approxNanos / 1e3 / QUERIES);
      assertThat(recall).isGreaterThanOrEqualTo(0.95);
    }
  }

  /** A transaction and the simple features the test computes for it, as of just before it. */
  private record Row(String id, Instant time, boolean fraud, float[] features) {}

  private static final class Running {
    int count;
    double sum;
    long last;
  }

  /**
   * Reads the first rows and computes per-transaction features: amount, log amount, time of day (sine, cosine),
   * weekend, the card's count, mean amount, amount over that mean and log seconds since its last transaction, and
   * the terminal's count and mean amount; earlier transactions only, {@code NaN} where there are none.
   */
  private static List<Row> read(Path file, int limit) throws IOException {
    List<Row> rows = new ArrayList<>(limit);
    Map<String, Running> cards = new HashMap<>();
    Map<String, Running> terminals = new HashMap<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.US_ASCII), 1 << 16)) {
      in.readLine();
      String line;
      while (rows.size() < limit && (line = in.readLine()) != null) {
        String[] f = line.split(",", -1);
        Instant time = LocalDateTime.parse(f[1], TIME).toInstant(ZoneOffset.UTC);
        double amount = Double.parseDouble(f[4]);
        long seconds = time.getEpochSecond();
        double hour = (seconds % 86_400) / 3_600.0;
        int dow = LocalDateTime.parse(f[1], TIME).getDayOfWeek().getValue();
        Running card = cards.computeIfAbsent(f[2], k -> new Running());
        Running term = terminals.computeIfAbsent(f[3], k -> new Running());
        float nan = Float.NaN;
        float cardMean = card.count == 0 ? nan : (float) (card.sum / card.count);
        float[] x = {
            (float) amount,
            (float) Math.log1p(amount),
            (float) Math.sin(2 * Math.PI * hour / 24),
            (float) Math.cos(2 * Math.PI * hour / 24),
            dow >= 6 ? 1 : 0,
            card.count,
            cardMean,
            card.count == 0 ? nan : (float) (amount / Math.max(0.01, cardMean)),
            card.count == 0 ? nan : (float) Math.log1p(seconds - card.last),
            term.count,
            term.count == 0 ? nan : (float) (term.sum / term.count)};
        card.count++;
        card.sum += amount;
        card.last = seconds;
        term.count++;
        term.sum += amount;
        rows.add(new Row("fdh-" + f[0], time, "1".equals(f[7]), x));
      }
    }
    return rows;
  }
}
