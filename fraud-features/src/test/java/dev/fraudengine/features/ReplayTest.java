package dev.fraudengine.features;

import static dev.fraudengine.features.Txs.days;
import static dev.fraudengine.features.Txs.tx;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.Label;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayTest {
  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration WEEK = Duration.ofDays(7);

  @TempDir
  Path dir;

  private static OnlineFeaturePipeline riskPipeline() {
    return OnlineFeaturePipelines.of(Feature.delayedRisk(Entity.TERMINAL, Duration.ofDays(30), Duration.ZERO)
        .orElse(0));
  }

  private static List<Replay.Labelled> history() {
    return List.of(
        Replay.Labelled.of(tx("f", days(0), "c1", "t1", 10), Label.FRAUD),
        Replay.Labelled.of(tx("a", days(3), "c2", "t1", 10), Label.LEGITIMATE),
        Replay.Labelled.of(tx("b", days(6.9), "c3", "t1", 10), null),
        Replay.Labelled.of(tx("c", days(7), "c4", "t1", 10), Label.LEGITIMATE));
  }

  @Test
  void toMatrix_labelDelay_noFeatureSeesALabelBeforeItIsKnown() {
    TrainingMatrix m = Replay.of(riskPipeline()).labelDelay(WEEK).toMatrix(history().stream());
    assertThat(m.ids()).containsExactly("f", "a", "b", "c");
    assertThat(m.get(1, 0)).isZero();
    assertThat(m.get(2, 0)).isZero();
    assertThat(m.get(3, 0)).isEqualTo(1f / 3);
    assertThat(m.label(0)).isEqualTo(1);
    assertThat(m.label(1)).isZero();
    assertThat(m.label(2)).isEqualTo(-1);
    assertThat(m.rows()).isEqualTo(4);
    assertThat(m.columns()).isEqualTo(1);
  }

  @Test
  void toMatrix_ownLabelTime_overridesDelay() {
    List<Replay.Labelled> rows = List.of(
        new Replay.Labelled(tx("f", days(0), "c1", "t1", 10), Label.FRAUD, Txs.at(days(1))),
        Replay.Labelled.of(tx("a", days(2), "c2", "t1", 10), null));
    TrainingMatrix m = Replay.of(riskPipeline()).labelDelay(WEEK).toMatrix(rows.stream());
    assertThat(m.get(1, 0)).isEqualTo(1f);
    List<Replay.Labelled> delayed = List.of(Replay.Labelled.of(rows.get(0).transaction(), Label.FRAUD), rows.get(1));
    assertThat(Replay.of(riskPipeline()).labelDelay(WEEK).toMatrix(delayed.stream()).get(1, 0)).isZero();
  }

  @Test
  void replay_sameStreamAsLiveCalls_givesSameVectors() {
    OnlineFeaturePipeline live = FeaturePipelines.handbook();
    TrainingMatrix m = Replay.of(FeaturePipelines.handbook()).labelDelay(Duration.ZERO).toMatrix(history().stream());
    for (int i = 0; i < history().size(); i++) {
      Replay.Labelled row = history().get(i);
      assertThat(live.process(row.transaction())).containsExactly(m.row(i));
      if (row.label() != null) {
        live.feedback(row.transaction().id(), row.label(), row.transaction().eventTime());
      }
    }
  }

  @Test
  void run_restoreWithAnotherSeedMidRun_labelsScheduledBeforeStillReachTheirEvents() {
    // one payment a day at one terminal, every other one fraud; labels known a week later
    List<Replay.Labelled> rows = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Label label = i % 2 == 0 ? Label.FRAUD : Label.LEGITIMATE;
      rows.add(Replay.Labelled.of(tx("t" + i, days(i), "c" + i, "t1", 10), label));
    }
    TrainingMatrix unbroken = Replay.of(riskPipeline()).labelDelay(WEEK).toMatrix(rows.stream());
    // another pipeline (another label index seed) in the very state the replay is in after row 10, through the
    // public calls; the replay restores its snapshot then, with the labels of rows 4 to 10 still scheduled
    OnlineFeaturePipeline other = riskPipeline();
    for (int i = 0; i <= 10; i++) {
      if (i >= 7) {
        other.feedback("t" + (i - 7), rows.get(i - 7).label(), Txs.at(days(i)));
      }
      other.process(rows.get(i).transaction());
    }
    Path file = dir.resolve("other.snap");
    other.snapshot(file);
    OnlineFeaturePipeline p = riskPipeline();
    List<float[]> got = new ArrayList<>();
    Replay.of(p).labelDelay(WEEK).run(rows.stream(), (tx, f, label) -> {
      got.add(f);
      if (tx.id().equals("t10")) {
        p.restore(file);
      }
    });
    for (int i = 0; i < rows.size(); i++) {
      assertThat(got.get(i)).as("row %d", i).containsExactly(unbroken.row(i));
    }
    assertThat(p.stats().labelsUnmatched()).isZero();
    assertThat(p.stats().labelsApplied()).isEqualTo(20);
  }

  @Test
  void run_labelTimeBeyondInstantRange_throwsAsInstantPlusDoes() {
    List<Replay.Labelled> rows = List.of(Replay.Labelled.of(tx("f", days(0), "c1", "t1", 10), Label.FRAUD));
    Duration huge = Duration.ofSeconds(Long.MAX_VALUE);
    assertThatThrownBy(() -> Txs.T0.plus(huge)).isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> Replay.of(riskPipeline()).labelDelay(huge).toMatrix(rows.stream()))
        .isInstanceOf(ArithmeticException.class);
    Duration past = Duration.ofSeconds(Instant.MAX.getEpochSecond() - Txs.T0.getEpochSecond(), 999_999_999)
        .plusNanos(1);
    assertThatThrownBy(() -> Txs.T0.plus(past)).isInstanceOf(DateTimeException.class);
    assertThatThrownBy(() -> Replay.of(riskPipeline()).labelDelay(past).toMatrix(rows.stream()))
        .isInstanceOf(DateTimeException.class);
    // the last instant is a valid label time, which feedback, as the public one does, cannot take in milliseconds
    Duration last = past.minusNanos(1);
    OnlineFeaturePipeline live = riskPipeline();
    live.process(rows.get(0).transaction());
    assertThatThrownBy(() -> live.feedback("f", Label.FRAUD, Txs.T0.plus(last)))
        .isInstanceOf(ArithmeticException.class);
    assertThatThrownBy(() -> Replay.of(riskPipeline()).labelDelay(last).toMatrix(rows.stream()))
        .isInstanceOf(ArithmeticException.class);
  }

  @Test
  void writeCsv_handbookColumns_writesHeaderAndRows() {
    StringWriter out = new StringWriter();
    long n = Replay.of(FeaturePipelines.handbook()).writeCsv(history().stream(), out, "TRANSACTION_ID",
        List.copyOf(FeaturePipelines.handbookColumns().values()), "TX_FRAUD");
    String[] lines = out.toString().split("\n");
    assertThat(n).isEqualTo(4);
    assertThat(lines).hasSize(5);
    assertThat(lines[0]).startsWith("TRANSACTION_ID,TX_AMOUNT,TX_DURING_WEEKEND,").endsWith(",TX_FRAUD");
    assertThat(lines[1]).isEqualTo("f,10,0,0,1,10,1,10,1,10,0,0,0,0,0,0,1");
    assertThat(lines[3]).endsWith(",");
  }

  @Test
  void matrixCsv_roundTripsValuesAndNaN() {
    OnlineFeaturePipeline p = OnlineFeaturePipelines.of(Feature.amountMean(Entity.DEVICE, DAY), Feature.amount());
    TrainingMatrix m = Replay.of(p).toMatrix(Stream.of(Replay.Labelled.of(tx("x", days(0), "c", "t", 12.5), null)));
    StringWriter out = new StringWriter();
    m.writeCsv(out);
    assertThat(out.toString()).isEqualTo("id,device.amount_mean_1d,tx.amount,label\nx,NaN,12.5,\n");
  }

  @Test
  void writeCsv_wrongColumnCount_isRejected() {
    assertThatThrownBy(() -> Replay.of(FeaturePipelines.handbook()).writeCsv(Stream.empty(), new StringWriter(),
        "id", List.of("a"), null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("featureColumns").hasMessageContaining("15");
    assertThatThrownBy(() -> Replay.of(FeaturePipelines.handbook()).labelDelay(Duration.ofDays(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("labelDelay")
        .hasMessageContaining("PT-24H");
  }

  private Path gz(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(content.getBytes(StandardCharsets.UTF_8));
    }
    return file;
  }

  private static final String HEADER =
      "TRANSACTION_ID,TX_DATETIME,CUSTOMER_ID,TERMINAL_ID,TX_AMOUNT,TX_TIME_SECONDS,TX_TIME_DAYS,TX_FRAUD,"
          + "TX_FRAUD_SCENARIO\n";

  @Test
  void readFdh_validFile_readsTransactionsAndLabels() throws IOException {
    Path file = gz("ok.csv.gz", HEADER + "0,2018-04-01 00:00:31,596,3156,57.16,31,0,0,0\n"
        + "1,2018-04-01 00:02:10,4961,3412,81.51,130,0,1,1\n");
    try (Stream<Replay.Labelled> rows = Replay.readFdh(file)) {
      List<Replay.Labelled> list = rows.toList();
      assertThat(list).hasSize(2);
      assertThat(list.get(0).transaction().eventTime()).hasToString("2018-04-01T00:00:31Z");
      assertThat(list.get(0).transaction().cardId()).isEqualTo("596");
      assertThat(list.get(0).transaction().terminalId()).isEqualTo("3156");
      assertThat(list.get(0).transaction().amount()).isEqualTo(57.16);
      assertThat(list.get(0).label()).isEqualTo(Label.LEGITIMATE);
      assertThat(list.get(1).label()).isEqualTo(Label.FRAUD);
    }
  }

  @Test
  void readFdh_repeatedIds_shareOneStringPerCardAndTerminal() throws IOException {
    Path file = gz("shared.csv.gz", HEADER + "0,2018-04-01 00:00:31,596,3156,57.16,31,0,0,0\n"
        + "1,2018-04-01 00:02:10,596,3156,81.51,130,0,1,1\n");
    try (Stream<Replay.Labelled> rows = Replay.readFdh(file)) {
      List<Replay.Labelled> list = rows.toList();
      assertThat(list.get(1).transaction().cardId()).isSameAs(list.get(0).transaction().cardId());
      assertThat(list.get(1).transaction().terminalId()).isSameAs(list.get(0).transaction().terminalId());
    }
  }

  @Test
  void readFdh_badInput_namesLineAndProblem() throws IOException {
    Path noColumn = gz("a.csv.gz", "TRANSACTION_ID,TX_DATETIME\n");
    assertThatThrownBy(() -> Replay.readFdh(noColumn)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CUSTOMER_ID");
    Path badAmount = gz("b.csv.gz", HEADER + "0,2018-04-01 00:00:31,596,3156,abc,31,0,0,0\n");
    assertThatThrownBy(() -> consume(badAmount)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 2").hasMessageContaining("TX_AMOUNT").hasMessageContaining("abc");
    Path badDate = gz("c.csv.gz", HEADER + "0,2018-02-30 00:00:31,596,3156,1,31,0,0,0\n");
    assertThatThrownBy(() -> consume(badDate)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TX_DATETIME").hasMessageContaining("2018-02-30");
    Path badLabel = gz("d.csv.gz", HEADER + "0,2018-02-03 00:00:31,596,3156,1,31,0,7,0\n");
    assertThatThrownBy(() -> consume(badLabel)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TX_FRAUD").hasMessageContaining("7");
    Path shortRow = gz("e.csv.gz", HEADER + "0,2018-02-03 00:00:31,596\n");
    assertThatThrownBy(() -> consume(shortRow)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cells");
    Path empty = gz("f.csv.gz", "");
    assertThatThrownBy(() -> Replay.readFdh(empty)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("header");
  }

  private static void consume(Path file) {
    try (Stream<Replay.Labelled> rows = Replay.readFdh(file)) {
      rows.forEach(r -> { });
    }
  }
}
