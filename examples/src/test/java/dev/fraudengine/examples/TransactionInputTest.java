package dev.fraudengine.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.Label;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionInputTest {
  @TempDir
  Path dir;

  private List<InputRecord> read(InputFormat format, String name, String text) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, text);
    try (TransactionInput in = TransactionInput.open(format, List.of(f)); Stream<InputRecord> s = in.stream()) {
      return s.toList();
    }
  }

  @Test
  void csv_goodLine_becomesTransactionWithLabelAndPattern() throws IOException {
    List<InputRecord> rows = read(InputFormat.csv, "a.csv", "id,event_time,amount,currency,card_id,device_id,label,"
        + "fraud_pattern,attr.segment\n"
        + "t1,2025-01-02T10:00:00Z,12.5,EUR,c1,d1,1,card_testing,\"gold, vip\"\n");

    assertThat(rows).hasSize(1);
    InputRecord r = rows.get(0);
    assertThat(r.isBad()).isFalse();
    assertThat(r.line()).isEqualTo(2);
    assertThat(r.transaction().amount()).isEqualTo(12.5);
    assertThat(r.transaction().deviceId()).isEqualTo("d1");
    assertThat(r.transaction().attributes()).containsEntry("segment", "gold, vip");
    assertThat(r.transaction().eventTime()).isEqualTo(Instant.parse("2025-01-02T10:00:00Z"));
    assertThat(r.label()).isEqualTo(Label.FRAUD);
    assertThat(r.pattern()).isEqualTo("card_testing");
  }

  @Test
  void csv_badLine_reportsLineNumberAndEveryProblem_andReadingGoesOn() throws IOException {
    List<InputRecord> rows = read(InputFormat.csv, "b.csv", "id,event_time,amount,currency,card_id,label\n"
        + "t1,2025-01-02T10:00:00Z,12.5,EUR,c1,0\n"
        + "t2,yesterday,-3,EURO,,maybe\n"
        + "t3,2025-01-02T11:00:00Z,1,EUR,c3,\n");

    assertThat(rows).hasSize(3);
    InputRecord bad = rows.get(1);
    assertThat(bad.isBad()).isTrue();
    assertThat(bad.describe()).startsWith(dir.resolve("b.csv") + ":3: ");
    assertThat(bad.problems()).anyMatch(p -> p.startsWith("event_time"))
        .anyMatch(p -> p.startsWith("amount"))
        .anyMatch(p -> p.startsWith("currency"))
        .anyMatch(p -> p.startsWith("card_id"))
        .anyMatch(p -> p.startsWith("label"));
    assertThat(rows.get(2).isBad()).isFalse();
    assertThat(rows.get(2).label()).isNull();
  }

  @Test
  void csv_wrongCellCount_isABadLine() throws IOException {
    List<InputRecord> rows = read(InputFormat.csv, "c.csv", "id,event_time,amount,currency,card_id\nt1,x\n");

    assertThat(rows.get(0).problems()).containsExactly("the line must have 5 cells, like the header, but has 2");
  }

  @Test
  void csv_headerWithoutRequiredColumn_isRefusedNamingIt() throws IOException {
    assertThatThrownBy(() -> read(InputFormat.csv, "d.csv", "id,amount,currency,card_id\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(":1:")
        .hasMessageContaining("event_time");
  }

  @Test
  void csv_unknownColumn_isRefusedNamingIt() throws IOException {
    assertThatThrownBy(() -> read(InputFormat.csv, "e.csv", "id,event_time,amount,currency,card_id,colour\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown column colour");
  }

  @Test
  void jsonl_goodAndBadLines_areReadWithLineNumbers() throws IOException {
    List<InputRecord> rows = read(InputFormat.jsonl, "a.jsonl",
        "{\"id\":\"t1\",\"event_time\":\"2025-01-02T10:00:00Z\",\"amount\":5,\"currency\":\"EUR\",\"card_id\":\"c1\","
            + "\"latitude\":48.8,\"longitude\":2.3,\"attributes\":{\"k\":\"v\"},\"label\":0}\n"
            + "{not json\n"
            + "\n"
            + "{\"id\":\"t3\",\"event_time\":\"2025-01-02T10:00:00Z\",\"amount\":\"ten\",\"currency\":\"EUR\","
            + "\"card_id\":\"c1\",\"colour\":\"red\",\"latitude\":100,\"longitude\":2}\n");

    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).transaction().hasLocation()).isTrue();
    assertThat(rows.get(0).label()).isEqualTo(Label.LEGITIMATE);
    assertThat(rows.get(1).line()).isEqualTo(2);
    assertThat(rows.get(1).problems()).singleElement().asString().startsWith("not valid JSON");
    assertThat(rows.get(2).line()).isEqualTo(4);
    assertThat(rows.get(2).problems()).hasSize(3)
        .anyMatch(p -> p.startsWith("amount: must be a number"))
        .anyMatch(p -> p.startsWith("colour: unknown field"))
        .anyMatch(p -> p.startsWith("latitude=100.0"));
  }

  @Test
  void fdh_rows_keepScenarioAsPatternNotAsAttribute() throws IOException {
    List<InputRecord> rows = read(InputFormat.fdh, "f.csv", "TRANSACTION_ID,TX_DATETIME,CUSTOMER_ID,TERMINAL_ID,"
        + "TX_AMOUNT,TX_TIME_SECONDS,TX_TIME_DAYS,TX_FRAUD,TX_FRAUD_SCENARIO\n"
        + "0,2018-04-01 00:00:31,596,3156,57.16,31,0,0,0\n"
        + "1,2018-04-01 00:02:10,4961,3412,81.51,130,0,1,3\n"
        + "2,2018-04-01 00:07:56,,3412,abc,476,0,2,0\n");

    assertThat(rows.get(0).pattern()).isNull();
    assertThat(rows.get(1).label()).isEqualTo(Label.FRAUD);
    assertThat(rows.get(1).pattern()).isEqualTo("compromised_card");
    assertThat(rows.get(1).transaction().attributes()).isEmpty();
    assertThat(rows.get(1).transaction().currency()).isEqualTo("EUR");
    assertThat(rows.get(2).line()).isEqualTo(4);
    assertThat(rows.get(2).problems()).hasSize(3)
        .anyMatch(p -> p.startsWith("TX_AMOUNT"))
        .anyMatch(p -> p.startsWith("TX_FRAUD"))
        .anyMatch(p -> p.startsWith("card_id"));
  }

  @Test
  void open_severalFiles_readsThemInOrderAsOneStream() throws IOException {
    Path a = dir.resolve("1.jsonl");
    Path b = dir.resolve("2.jsonl");
    Files.writeString(a, "{\"id\":\"a\",\"event_time\":\"2025-01-02T10:00:00Z\",\"amount\":5,\"currency\":\"EUR\","
        + "\"card_id\":\"c1\"}\n");
    Files.writeString(b, "{\"id\":\"b\",\"event_time\":\"2025-01-02T11:00:00Z\",\"amount\":5,\"currency\":\"EUR\","
        + "\"card_id\":\"c1\"}\n");
    try (TransactionInput in = TransactionInput.open(InputFormat.jsonl, List.of(a, b))) {
      assertThat(in.stream().map(r -> r.transaction().id() + "@" + r.line())).containsExactly("a@1", "b@1");
    }
  }
}
