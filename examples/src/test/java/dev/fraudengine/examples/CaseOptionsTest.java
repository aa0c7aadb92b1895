package dev.fraudengine.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.SimilarCase;
import dev.fraudengine.features.EngineReplay;
import dev.fraudengine.features.Replay;
import dev.fraudengine.models.training.TrainingData;
import dev.fraudengine.rag.Embedder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --cases}: the case embedder of a model directory, the store in eval and backtest, and no leakage. */
class CaseOptionsTest {
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
  void train_modelDirectory_embedderEqualsEmbedderFitOnTheTrainingRows() {
    TrainingData data = TrainCommand.replay(ModelDirectory.pipeline("standard"),
        Fixtures.smallStream().stream().map(r -> Replay.Labelled.of(r.transaction(), r.label())), null,
        Instant.parse("2025-01-21T00:00:00Z"), Duration.ofDays(7));
    Embedder fitted = Embedder.fit(Arrays.asList(data.features()), null);
    Embedder read = CaseEmbedding.read(model, ModelDirectory.schema(model, null));

    assertThat(read.inputDimension()).isEqualTo(data.schema().size());
    float[] any = data.features()[data.rows() / 2];
    assertThat(read.embed(any)).containsExactly(fitted.embed(any), org.assertj.core.data.Offset.offset(1e-4f));
  }

  @Test
  void eval_cases_scoresOutCarriesTheCaseSignals() throws IOException {
    Path scores = dir.resolve("cases-scores.csv");
    Fixtures.Result r = Fixtures.run("eval", "--model", model.toString(), "--in", stream.toString(), "--test-from",
        "2025-01-21", "--json", "--no-progress", "--cases", "--case-sample", "5", "--scores-out", scores.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    List<String> lines = Files.readAllLines(scores);
    assertThat(lines.get(0))
        .isEqualTo("transaction_id,card_id,event_time,label,score,verdict,nearest_fraud_similarity,fraud_share,pattern");
    assertThat(lines).hasSize(JSON.readTree(r.out()).get("n").asInt() + 1);
    List<String[]> withCases = lines.stream().skip(1).map(l -> l.split(",", -1)).filter(f -> !f[7].isEmpty())
        .toList();
    assertThat(withCases).hasSizeGreaterThan((lines.size() - 1) / 2);
    assertThat(withCases).allSatisfy(f -> {
      assertThat(Double.parseDouble(f[6])).isBetween(0.0, 1.0);
      assertThat(Double.parseDouble(f[7])).isBetween(0.0, 1.0);
    });
    assertThat(withCases).anySatisfy(f -> assertThat(Double.parseDouble(f[7])).isPositive());
  }

  @Test
  void backtest_casesAndRules_rulesReadTheCaseSignalsOnlyWithCases() throws IOException {
    Path rules = dir.resolve("cases.rules");
    Files.writeString(rules, "has_cases: score +0.01 if cases.fraud_share >= 0\n");
    String[] args = {"backtest", "--rules", rules.toString(), "--model", model.toString(), "--in",
        stream.toString(), "--json", "--no-progress"};

    Fixtures.Result without = Fixtures.run(args);
    String[] withCases = Stream.concat(Arrays.stream(args), Stream.of("--cases")).toArray(String[]::new);
    Fixtures.Result with = Fixtures.run(withCases);

    assertThat(without.exitCode()).as(without.err()).isZero();
    assertThat(with.exitCode()).as(with.err()).isZero();
    assertThat(hits(without)).isZero();
    assertThat(hits(with)).isPositive();
  }

  private static long hits(Fixtures.Result r) throws IOException {
    JsonNode rule = JSON.readTree(r.out()).get("rules").get(0);
    assertThat(rule.get("id").asText()).isEqualTo("has_cases");
    return rule.get("hits").asLong();
  }

  @Test
  void engine_cases_aCaseIsFoundOnlyFromItsLabelTime() {
    Duration delay = Duration.ofDays(3);
    CaseOptions options = new CaseOptions();
    options.enabled = true;
    options.legitimateSample = 1;
    options.nearest = 5;
    List<Simulator.Row> rows = Fixtures.smallStream();
    List<Decision> decisions = new ArrayList<>();
    List<Instant> times = new ArrayList<>();
    try (FraudEngine engine = options.apply(ModelDirectory.engine(model, null), model).build()) {
      EngineReplay.of(engine).labelDelay(delay).run(
          rows.stream().map(r -> Replay.Labelled.of(r.transaction(), r.label())), (row, d) -> {
            decisions.add(d);
            times.add(row.transaction().eventTime());
          });
    }

    Instant firstLabel = rows.get(0).transaction().eventTime().plus(delay);
    Duration closest = Duration.ofDays(365);
    int withCases = 0;
    for (int i = 0; i < decisions.size(); i++) {
      Instant t = times.get(i);
      List<SimilarCase> found = decisions.get(i).similarCases();
      if (t.isBefore(firstLabel)) {
        assertThat(found).as("decision at %s, before any label", t).isEmpty();
      }
      withCases += found.isEmpty() ? 0 : 1;
      for (SimilarCase c : found) {
        Instant labelTime = c.eventTime().plus(delay);
        assertThat(labelTime).as("case %s found at %s", c.caseId(), t).isBeforeOrEqualTo(t);
        Duration age = Duration.between(labelTime, t);
        closest = age.compareTo(closest) < 0 ? age : closest;
      }
    }
    assertThat(withCases).isGreaterThan(decisions.size() / 2);
    assertThat(closest).as("a case is found soon after its label arrives").isLessThan(Duration.ofHours(1));
  }

  @Test
  void eval_casesWithoutEmbedder_exits2WithClearMessage() throws IOException {
    Path old = dir.resolve("old-model");
    Files.createDirectories(old);
    for (String f : List.of("model.json", "metadata.json")) {
      Files.copy(model.resolve(f), old.resolve(f), StandardCopyOption.REPLACE_EXISTING);
    }

    Fixtures.Result r = Fixtures.run("eval", "--model", old.toString(), "--in", stream.toString(), "--cases",
        "--no-progress");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--cases needs case-embedder.json").doesNotContain("Exception");
  }

  @Test
  void backtest_casesWithoutModel_exits2() throws IOException {
    Path rules = dir.resolve("plain.rules");
    Files.writeString(rules, "big: review if amount > 1000\n");

    Fixtures.Result r = Fixtures.run("backtest", "--rules", rules.toString(), "--in", stream.toString(), "--cases",
        "--no-progress");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--cases needs --model");
  }

  @Test
  void eval_caseSampleOutOfRange_exits2NamingTheValue() {
    Fixtures.Result r = Fixtures.run("eval", "--model", model.toString(), "--in", stream.toString(), "--cases",
        "--case-sample", "0", "--no-progress");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--case-sample must be in [1, 1000000], but was 0");
  }
}
