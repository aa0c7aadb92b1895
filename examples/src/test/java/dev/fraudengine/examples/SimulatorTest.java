package dev.fraudengine.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.Label;
import dev.fraudengine.core.TransactionValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulatorTest {
  private static final Instant START = Instant.parse("2025-01-01T00:00:00Z");

  @TempDir
  Path dir;

  @Test
  void generate_sameSeed_givesTheSameStream_otherSeedAnother() {
    Simulator.Config c = new Simulator.Config(200, 30, 20, 0.02, 11, START);
    List<Simulator.Row> a = Simulator.generate(c);
    List<Simulator.Row> b = Simulator.generate(c);
    List<Simulator.Row> other = Simulator.generate(new Simulator.Config(200, 30, 20, 0.02, 12, START));

    assertThat(a).isEqualTo(b);
    assertThat(other).isNotEqualTo(a);
  }

  @Test
  void generate_fraudRate_isReachedWithEveryPattern_andPatternOnlyOnFraud() {
    List<Simulator.Row> rows = Simulator.generate(new Simulator.Config(400, 50, 40, 0.02, 3, START));
    long frauds = rows.stream().filter(r -> r.label() == Label.FRAUD).count();

    assertThat(frauds / (double) rows.size()).isBetween(0.017, 0.023);
    assertThat(rows.stream().map(Simulator.Row::pattern).filter(p -> p != null).collect(Collectors.toSet()))
        .containsExactlyInAnyOrderElementsOf(Arrays.stream(Simulator.Pattern.values()).map(p -> p.label).toList());
    assertThat(rows).allMatch(r -> (r.pattern() != null) == (r.label() == Label.FRAUD));
    assertThat(rows).allMatch(r -> TransactionValidator.defaults().problems(r.transaction()).isEmpty());
    assertThat(rows).allMatch(r -> r.transaction().attributes().isEmpty());
  }

  @Test
  void generate_rows_areInEventTimeOrderWithSequentialIds() {
    List<Simulator.Row> rows = Simulator.generate(new Simulator.Config(100, 20, 10, 0.01, 5, START));

    for (int i = 1; i < rows.size(); i++) {
      assertThat(rows.get(i).transaction().eventTime()).isAfterOrEqualTo(rows.get(i - 1).transaction().eventTime());
    }
    assertThat(rows.get(0).transaction().id()).isEqualTo("tx-00000001");
  }

  @Test
  void generate_unusualHoursFraud_happensBetween2And5() {
    List<Simulator.Row> rows = Simulator.generate(new Simulator.Config(300, 30, 30, 0.02, 9, START));

    assertThat(rows.stream().filter(r -> "unusual_hours".equals(r.pattern())))
        .isNotEmpty()
        .allMatch(r -> {
          int hour = r.transaction().eventTime().atZone(java.time.ZoneOffset.UTC).getHour();
          return hour >= 2 && hour < 5;
        });
  }

  @Test
  void config_outOfRange_isRefusedNamingTheParameter() {
    assertThatThrownBy(() -> new Simulator.Config(0, 10, 10, 0.01, 1, START))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cards must be in");
    assertThatThrownBy(() -> new Simulator.Config(10, 10, 10, 0.9, 1, START))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fraud rate must be in [0, 0.5]");
    assertThatThrownBy(() -> new Simulator.Config(10, 10, 0, 0.1, 1, START))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("days must be in");
  }

  @Test
  void simulateCommand_jsonlOut_isReadBackWithoutBadLines() throws IOException {
    Path out = dir.resolve("s.jsonl");
    Fixtures.Result r = Fixtures.run("simulate", "--cards", "50", "--terminals", "10", "--days", "10", "--seed", "1",
        "--out", out.toString());

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("frauds by pattern");
    try (TransactionInput in = TransactionInput.open(InputFormat.jsonl, List.of(out));
        Stream<InputRecord> s = in.stream()) {
      List<InputRecord> rows = s.toList();
      assertThat(rows).isNotEmpty().noneMatch(InputRecord::isBad);
      assertThat(rows.size()).isEqualTo(Files.readAllLines(out).size());
    }
  }

  @Test
  void simulateCommand_badFraudRate_exits2WithTheOptionName() {
    Fixtures.Result r = Fixtures.run("simulate", "--fraud-rate", "2", "--out", dir.resolve("x.csv").toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--fraud-rate must be in [0, 0.5], but was 2.0");
  }
}
