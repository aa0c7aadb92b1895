package dev.fraudengine.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrequentialCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;

  static Path stream;

  @BeforeAll
  static void simulate() throws IOException {
    stream = dir.resolve("stream.csv");
    SimulateCommand.write(Fixtures.smallStream(), stream);
  }

  @Test
  void prequential_twoWindows_reportsEachWeekAndTheirMeanAndSpread() throws IOException {
    Fixtures.Result r = Fixtures.run("prequential", "--in", stream.toString(), "--first-test", "2025-01-18",
        "--last-test", "2025-01-23", "--train-days", "7", "--gap-days", "3", "--test-days", "5", "--rounds", "40",
        "--json");

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode o = JSON.readTree(r.out());
    JsonNode weeks = o.get("weeks");
    assertThat(weeks).hasSize(2);
    assertThat(weeks.get(0).get("train_from").asText()).isEqualTo("2025-01-08");
    assertThat(weeks.get(0).get("train_to").asText()).isEqualTo("2025-01-14");
    assertThat(weeks.get(0).get("test_to").asText()).isEqualTo("2025-01-22");
    assertThat(weeks.get(1).get("test_from").asText()).isEqualTo("2025-01-23");
    double auc0 = weeks.get(0).get("auc").asDouble();
    double auc1 = weeks.get(1).get("auc").asDouble();
    assertThat(auc0).isGreaterThan(0.7);
    assertThat(o.get("mean").get("auc").asDouble()).isCloseTo((auc0 + auc1) / 2, Offset.offset(1e-9));
    assertThat(o.get("std").get("auc").asDouble())
        .isCloseTo(Math.abs(auc0 - auc1) / Math.sqrt(2), Offset.offset(1e-9));
    assertThat(o.get("mean").get("cp").asDouble()).isBetween(0.0, 1.0);
    assertThat(o.get("patterns").size()).isPositive();
  }

  @Test
  void prequential_text_printsOneLinePerWindowAndTheSummary() {
    Fixtures.Result r = Fixtures.run("prequential", "--in", stream.toString(), "--first-test", "2025-01-20",
        "--last-test", "2025-01-20", "--gap-days", "3", "--rounds", "20", "--pipeline", "handbook-plus");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("2025-01-10..2025-01-16 2025-01-20..2025-01-26").contains("1 weeks: ROC AUC");
  }

  @Test
  void prequential_lastTestBeforeFirst_exits2() {
    Fixtures.Result r = Fixtures.run("prequential", "--in", stream.toString(), "--first-test", "2025-01-20",
        "--last-test", "2025-01-10");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--last-test must not be before --first-test");
  }

  @Test
  void prequential_negativeGap_exits2() {
    Fixtures.Result r = Fixtures.run("prequential", "--in", stream.toString(), "--first-test", "2025-01-20",
        "--last-test", "2025-01-20", "--gap-days", "-1");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--gap-days must not be negative, but was -1");
  }

  @Test
  void prequential_badEta_exits2NamingTheOption() {
    Fixtures.Result r = Fixtures.run("prequential", "--in", stream.toString(), "--first-test", "2025-01-20",
        "--last-test", "2025-01-20", "--eta", "1.5");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--eta must be in (0, 1], but was 1.5");
  }
}
