package dev.fraudengine.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudengine.core.testing.HandbookData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Parity with the Fraud Detection Handbook: replays its raw transactions (April to August 2018) through
 * {@link FeaturePipelines#handbook()}, with every label fed back 7 days after its transaction, and compares every
 * July row with the handbook's own feature file. Skips when the data is absent (see {@link FdhData}).
 */
class HandbookParityTest {
  private static final String RAW = "transactions-2018-04-to-08.csv.gz";
  private static final String KEY = "features-2018-07.csv.gz";
  private static final int JULY_ROWS = 296_928;
  private static final int ALLOWED_CUSTOMER_TIES = 20;

  @Test
  void handbook_replayOfHandbookData_matchesAnswerKeyOnEveryJulyRow() throws IOException {
    Path dir = HandbookData.require(RAW);
    OnlineFeaturePipeline pipeline = FeaturePipelines.handbook();
    List<String> columns = List.copyOf(FeaturePipelines.handbookColumns().values());
    Map<String, double[]> expected = readAnswerKey(dir.resolve(KEY), columns);
    assertThat(expected).hasSize(JULY_ROWS);

    int[] compared = {0};
    int[] customerRows = {0};
    int[] otherRows = {0};
    List<String> samples = new ArrayList<>();
    long start = System.nanoTime();
    long replayed;
    try (Stream<Replay.Labelled> rows = Replay.readFdh(dir.resolve(RAW))) {
      replayed = Replay.of(pipeline).run(rows, (tx, features, label) -> {
        double[] want = expected.get(tx.id());
        if (want == null) {
          return;
        }
        compared[0]++;
        boolean customer = false;
        boolean other = false;
        for (int i = 0; i < want.length; i++) {
          if (!close(features[i], want[i])) {
            if (columns.get(i).startsWith("CUSTOMER_ID")) {
              customer = true;
            } else {
              other = true;
            }
            if (samples.size() < 30) {
              samples.add(tx.id() + " " + tx.eventTime() + " " + columns.get(i) + ": got " + features[i]
                  + ", want " + want[i]);
            }
          }
        }
        customerRows[0] += customer ? 1 : 0;
        otherRows[0] += other ? 1 : 0;
      });
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("handbook parity: replayed %,d transactions in %.1f s (%,.0f tx/s incl. gzip+CSV parsing); "
            + "compared %,d July rows: %d customer-feature rows differ (same-second ties), %d other rows differ; %s%n",
        replayed, seconds, replayed / seconds, compared[0], customerRows[0], otherRows[0], pipeline.stats());
    samples.forEach(s -> System.out.println("  mismatch " + s));

    assertThat(replayed).isEqualTo(1_466_282);
    assertThat(compared[0]).isEqualTo(JULY_ROWS);
    assertThat(otherRows[0]).as("terminal and calendar mismatches: %s", samples).isZero();
    assertThat(customerRows[0]).as("customer mismatches: %s", samples).isLessThanOrEqualTo(ALLOWED_CUSTOMER_TIES);
  }

  /** Equal within 1e-6 relative (values are float vectors compared with double answers), or both NaN. */
  static boolean close(float got, double want) {
    if (Double.isNaN(want) || Float.isNaN(got)) {
      return Double.isNaN(want) && Float.isNaN(got);
    }
    return Math.abs(got - want) <= 1e-6 * Math.max(Math.abs(got), Math.abs(want)) + 1e-9;
  }

  /** Reads the answer key: transaction id to the 15 feature values, in the order of {@code columns}. */
  private static Map<String, double[]> readAnswerKey(Path file, List<String> columns) throws IOException {
    Map<String, double[]> out = new HashMap<>(JULY_ROWS * 2);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(file), 1 << 16), StandardCharsets.UTF_8), 1 << 16)) {
      List<String> header = Arrays.asList(r.readLine().split(","));
      int[] at = columns.stream().mapToInt(header::indexOf).toArray();
      assertThat(at).doesNotContain(-1);
      int idAt = header.indexOf("TRANSACTION_ID");
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] cells = line.split(",", -1);
        double[] v = new double[at.length];
        for (int i = 0; i < at.length; i++) {
          v[i] = Double.parseDouble(cells[at[i]]);
        }
        out.put(cells[idAt], v);
      }
    }
    return out;
  }
}
