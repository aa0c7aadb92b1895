package dev.fraudengine.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class FeaturesCommandTest {
  private static final String FDH =
      "TRANSACTION_ID,TX_DATETIME,CUSTOMER_ID,TERMINAL_ID,TX_AMOUNT,TX_TIME_SECONDS,TX_TIME_DAYS,TX_FRAUD,"
          + "TX_FRAUD_SCENARIO\n"
          + "0,2018-04-01 00:00:31,596,3156,57.16,31,0,1,1\n"
          + "1,2018-04-01 08:02:10,596,3156,81.50,28930,0,0,0\n"
          + "2,2018-04-08 10:00:00,7,3156,10.00,640800,7,0,0\n";

  @TempDir
  Path dir;

  private Path input() throws IOException {
    Path file = dir.resolve("tx.csv.gz");
    try (GZIPOutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
      out.write(FDH.getBytes(StandardCharsets.UTF_8));
    }
    return file;
  }

  private int run(StringWriter err, String... args) {
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    CommandLine cli = new CommandLine(new FeaturesCommand(new PrintStream(stdout, true, StandardCharsets.UTF_8)));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void features_handbookOnFdhFile_writesHandbookColumnsPerTransaction() throws IOException {
    Path out = dir.resolve("out.csv");
    int status = run(new StringWriter(), "--pipeline", "handbook", "--format", "fdh", "--in", input().toString(),
        "--label-delay", "7d", "--out", out.toString());
    assertThat(status).isZero();
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).isEqualTo("TRANSACTION_ID,TX_AMOUNT,TX_DURING_WEEKEND,TX_DURING_NIGHT,"
        + "CUSTOMER_ID_NB_TX_1DAY_WINDOW,CUSTOMER_ID_AVG_AMOUNT_1DAY_WINDOW,CUSTOMER_ID_NB_TX_7DAY_WINDOW,"
        + "CUSTOMER_ID_AVG_AMOUNT_7DAY_WINDOW,CUSTOMER_ID_NB_TX_30DAY_WINDOW,CUSTOMER_ID_AVG_AMOUNT_30DAY_WINDOW,"
        + "TERMINAL_ID_NB_TX_1DAY_WINDOW,TERMINAL_ID_RISK_1DAY_WINDOW,TERMINAL_ID_NB_TX_7DAY_WINDOW,"
        + "TERMINAL_ID_RISK_7DAY_WINDOW,TERMINAL_ID_NB_TX_30DAY_WINDOW,TERMINAL_ID_RISK_30DAY_WINDOW");
    // 2018-04-01 is a Sunday; the second payment of card 596 averages 57.16 and 81.50.
    assertThat(lines.get(2)).isEqualTo("1,81.5,1,0,2,69.33,2,69.33,2,69.33,0,0,0,0,0,0");
    // A week later, the terminal's two earlier payments fall in (t-8d, t-7d], one of them fraud.
    assertThat(lines.get(3)).isEqualTo("2,10,1,0,1,10,1,10,1,10,2,0.5,2,0.5,2,0.5");
  }

  @Test
  void features_labelDelayLongerThanHistory_hidesTheFraudLabel() throws IOException {
    Path out = dir.resolve("out.csv");
    assertThat(run(new StringWriter(), "--in", input().toString(), "--label-delay", "30d", "--out",
        out.toString())).isZero();
    assertThat(Files.readAllLines(out).get(3)).endsWith(",2,0,2,0,2,0");
  }

  @Test
  void features_standardPipeline_writesFeatureNames() throws IOException {
    Path out = dir.resolve("std.csv");
    assertThat(run(new StringWriter(), "--pipeline", "standard", "--in", input().toString(), "--out",
        out.toString())).isZero();
    List<String> lines = Files.readAllLines(out);
    assertThat(lines.get(0)).startsWith("TRANSACTION_ID,tx.amount,tx.weekend").contains("card.geo_speed_kmh");
    assertThat(lines).hasSize(4);
  }

  @Test
  void features_handbookPlusPipeline_writesItsFeatureNames() throws IOException {
    Path out = dir.resolve("plus.csv");
    assertThat(run(new StringWriter(), "--pipeline", "handbook-plus", "--in", input().toString(), "--out",
        out.toString())).isZero();
    List<String> lines = Files.readAllLines(out);
    assertThat(lines.get(0)).startsWith("TRANSACTION_ID,tx.amount,tx.weekend").contains("card.amount_ratio_90d");
    assertThat(lines.get(0).split(",")).hasSize(1 + 37);
  }

  @Test
  void features_badArguments_failWithClearMessage() throws IOException {
    StringWriter err = new StringWriter();
    assertThat(run(err, "--in", input().toString(), "--label-delay", "7x", "--out", "o.csv")).isEqualTo(2);
    assertThat(err.toString()).contains("--label-delay").contains("7x");
    err = new StringWriter();
    assertThat(run(err, "--in", input().toString(), "--label-delay", "-1d", "--out", "o.csv")).isEqualTo(2);
    assertThat(err.toString()).contains("negative");
    err = new StringWriter();
    assertThat(run(err, "--pipeline", "fancy", "--in", input().toString(), "--out", "o.csv")).isEqualTo(2);
    assertThat(err.toString()).contains("fancy").contains("handbook, handbook-plus or standard");
    err = new StringWriter();
    assertThat(run(err, "--in", dir.resolve("absent.csv.gz").toString(), "--out", "o.csv")).isEqualTo(2);
    assertThat(err.toString()).contains("--in").contains("absent.csv.gz");
    err = new StringWriter();
    Path bad = dir.resolve("bad.csv");
    Files.writeString(bad, "TRANSACTION_ID,TX_DATETIME\n1,2018-04-01 00:00:00\n");
    assertThat(run(err, "--in", bad.toString(), "--out", dir.resolve("o.csv").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("CUSTOMER_ID");
  }

  @Test
  void fraudCli_featuresSubcommand_isRegistered() {
    assertThat(FraudCli.run("features", "--help")).isZero();
  }
}
