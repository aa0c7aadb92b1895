package dev.fraudengine.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;

  static Path model;
  static Path stream;

  @BeforeAll
  static void train() throws IOException {
    model = Fixtures.trainedModel(dir);
    stream = dir.resolve("stream.csv");
  }

  @Test
  void train_modelDirectory_recordsThePipeline() throws IOException {
    assertThat(ModelDirectory.metadata(model).schema().name()).isEqualTo("standard");
    assertThat(Files.exists(model.resolve("model.json"))).isTrue();
  }

  @Test
  void eval_json_hasTheFiguresAndScoresOutHasEveryTestRow() throws IOException {
    Path scores = dir.resolve("scores.csv");
    Fixtures.Result r = Fixtures.run("eval", "--model", model.toString(), "--in", stream.toString(), "--test-from",
        "2025-01-21", "--json", "--no-progress", "--scores-out", scores.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode o = JSON.readTree(r.out());
    assertThat(o.get("auc").asDouble()).isGreaterThan(0.8);
    assertThat(o.get("ap").asDouble()).isBetween(0.0, 1.0);
    assertThat(o.get("cp100").asDouble()).isBetween(0.0, 1.0);
    assertThat(o.get("frauds").asLong()).isPositive();
    assertThat(o.get("patterns").size()).isPositive();
    List<String> lines = Files.readAllLines(scores);
    assertThat(lines.get(0)).isEqualTo("transaction_id,card_id,event_time,label,score,verdict,pattern");
    assertThat(lines).hasSize(o.get("n").asInt() + 1);
    // each row carries its fraud pattern: the frauds of a pattern are what the JSON counts for it, and a
    // legitimate row has none
    Map<String, Long> frauds = lines.stream().skip(1).map(l -> l.split(",", -1))
        .filter(f -> f[3].equals("1") && !f[6].isEmpty())
        .collect(Collectors.groupingBy(f -> f[6], Collectors.counting()));
    o.get("patterns").fields().forEachRemaining(
        p -> assertThat(frauds.get(p.getKey())).as(p.getKey()).isEqualTo(p.getValue().get("frauds").asLong()));
    assertThat(frauds.keySet()).hasSize(o.get("patterns").size());
    assertThat(lines.stream().skip(1).map(l -> l.split(",", -1)).filter(f -> f[3].equals("0")))
        .allMatch(f -> f[6].isEmpty());
  }

  @Test
  void eval_modelMissing_exits2WithClearMessage() {
    Fixtures.Result r = Fixtures.run("eval", "--model", dir.resolve("nope").toString(), "--in", stream.toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--model must be a model directory").doesNotContain("Exception");
  }

  @Test
  void eval_inputMissing_exits2NamingTheFile() {
    Fixtures.Result r = Fixtures.run("eval", "--model", model.toString(), "--in", "missing.csv");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--in must be a readable file, but 'missing.csv' does not exist");
  }

  @Test
  void eval_headerOfAnotherFormat_exits1WithHintAndNoStackTrace() {
    Fixtures.Result r = Fixtures.run("eval", "--model", model.toString(), "--format", "fdh", "--in",
        stream.toString(), "--no-progress");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("TX_DATETIME").contains("--verbose").doesNotContain("\tat ");
  }

  @Test
  void eval_verbose_printsTheStackTrace() {
    Fixtures.Result r = Fixtures.run("eval", "--model", model.toString(), "--format", "fdh", "--in",
        stream.toString(), "--no-progress", "--verbose");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("\tat ");
  }

  private Path scoreInput() throws IOException {
    Path in = dir.resolve("payments.jsonl");
    Files.writeString(in, String.join("\n",
        "{\"id\":\"p1\",\"event_time\":\"2025-03-01T10:00:00Z\",\"amount\":25.0,\"currency\":\"EUR\",\"card_id\":\"c1\"}",
        "{\"id\":\"p2\",\"event_time\":\"2025-03-01T10:01:00Z\",\"amount\":-4,\"currency\":\"XXQ\",\"card_id\":\"c1\"}",
        "{broken",
        "{\"id\":\"p4\",\"event_time\":\"2025-03-01T10:02:00Z\",\"amount\":900,\"currency\":\"EUR\",\"card_id\":\"c2\"}",
        ""));
    return in;
  }

  @Test
  void score_badLines_areReportedWithLineNumbersCountedAndTheRunGoesOn() throws IOException {
    Path out = dir.resolve("decisions.jsonl");
    Fixtures.Result r = Fixtures.run("score", "--model", model.toString(), "--in", scoreInput().toString(), "--out",
        out.toString(), "--no-progress");

    assertThat(r.exitCode()).isZero();
    assertThat(r.err()).contains("payments.jsonl:2: 2 problems: amount=-4.0 (must be greater than 0); currency=")
        .contains("payments.jsonl:3: 1 problem: not valid JSON")
        .contains("scored 2 of 4 lines").contains("2 lines rejected");
    List<String> decisions = Files.readAllLines(out);
    assertThat(decisions).hasSize(2);
    JsonNode d = JSON.readTree(decisions.get(1));
    assertThat(d.get("transaction_id").asText()).isEqualTo("p4");
    assertThat(d.get("verdict").asText()).isIn("APPROVE", "REVIEW", "HOLD", "BLOCK");
    assertThat(d.get("model_scores").get(0).get("model").asText()).isEqualTo("gbt");
  }

  @Test
  void score_strict_stopsAtTheFirstBadLineWithExit3() throws IOException {
    Path out = dir.resolve("strict.jsonl");
    Fixtures.Result r = Fixtures.run("score", "--model", model.toString(), "--in", scoreInput().toString(), "--out",
        out.toString(), "--strict", "--no-progress");

    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.err()).contains("payments.jsonl:2:").doesNotContain("payments.jsonl:3:");
    assertThat(Files.readAllLines(out)).hasSize(1);
  }

  @Test
  void backtest_json_reportsEveryRuleAndThePolicy() throws IOException {
    Path rules = dir.resolve("rules.txt");
    Files.writeString(rules, "big: review if amount > 300\nnight: score +0.2 if hour < 5\nnever: block if amount < 0\n");
    Fixtures.Result r = Fixtures.run("backtest", "--rules", rules.toString(), "--in", stream.toString(), "--from",
        "2025-01-10", "--json", "--no-progress");

    assertThat(r.exitCode()).as(r.err()).isZero();
    JsonNode o = JSON.readTree(r.out());
    assertThat(o.get("rules")).hasSize(3);
    JsonNode big = o.get("rules").get(0);
    assertThat(big.get("id").asText()).isEqualTo("big");
    assertThat(big.get("hits").asLong()).isEqualTo(big.get("tp").asLong() + big.get("fp").asLong()).isPositive();
    assertThat(o.get("rules").get(2).get("hits").asLong()).isZero();
    assertThat(o.get("rules").get(2).get("precision").isNull()).isTrue();
    assertThat(o.get("policy").get("verdicts").get("REVIEW").get("count").asLong()).isPositive();
    assertThat(o.get("policy").has("cp100")).isTrue();
    assertThat(o.get("policy").has("alert_rate")).isTrue();
  }

  @Test
  void backtest_ruleWithUnknownFeature_exits1WithLineAndColumn() throws IOException {
    Path rules = dir.resolve("bad-rules.txt");
    Files.writeString(rules, "ok: review if amount > 300\nbad: review if card.txn_cont_1h > 3\n");
    Fixtures.Result r = Fixtures.run("backtest", "--rules", rules.toString(), "--in", stream.toString(),
        "--no-progress");

    assertThat(r.exitCode()).isEqualTo(1);
    assertThat(r.err()).contains("2:").contains("card.txn_cont_1h").contains("card.txn_count_1h");
  }

  @Test
  void train_badDate_exits2WithTheExpectedForm() {
    Fixtures.Result r = Fixtures.run("train", "--in", stream.toString(), "--train-from", "July", "--out", "x");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("must be a date like 2018-08-08, but was 'July'");
  }

  @Test
  void train_unknownPipeline_exits2() {
    Fixtures.Result r = Fixtures.run("train", "--in", stream.toString(), "--pipeline", "fancy", "--out", "x");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("pipeline must be handbook, handbook-plus or standard, but was 'fancy'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"demo", "simulate", "train", "eval", "score", "backtest", "serve", "features", "prequential"})
  void help_everyCommand_showsExamplesAndExitCodes(String command) {
    Fixtures.Result r = Fixtures.run(command, "--help");

    assertThat(r.exitCode()).isZero();
    assertThat(r.out()).contains("Exit codes:").contains("a bad input line, with --strict")
        .contains("bad usage");
    if (!command.equals("features")) {
      assertThat(r.out()).contains("Examples:").contains("fraud " + command);
    }
  }

  @Test
  void unknownOption_exits2() {
    Fixtures.Result r = Fixtures.run("simulate", "--colour", "--out", dir.resolve("u.csv").toString());

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("Unknown option: '--colour'");
  }
}
