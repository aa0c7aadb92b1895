package dev.fraudengine.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.RuleCompiler;
import dev.fraudengine.core.RuleHit;
import dev.fraudengine.core.RuleSet;
import dev.fraudengine.features.EngineReplay;
import dev.fraudengine.features.FeaturePipelines;
import dev.fraudengine.features.Replay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The same stream gives the same rule hits live, in shadow and in the backtest report. */
class LiveShadowBacktestTest {
  private static final String RULES = String.join("\n",
      "velocity: review if card.txn_count_1h >= 3",
      "big: hold if amount > 5 * card.amount_mean_30d",
      "risky_terminal: score +0.2 if terminal.risk_7d_delay7d > 0.1",
      "night: score +0.1 if hour >= 2 and hour < 5",
      "");

  @TempDir
  Path dir;

  private static RuleSet compile() {
    return RuleCompiler.builder().schema(FeaturePipelines.standard().schema()).build().compile("parity", RULES);
  }

  private static Map<String, Long> hits(FraudEngine engine, List<Simulator.Row> rows, Predicate<RuleHit> which) {
    Map<String, Long> hits = new TreeMap<>();
    EngineReplay.of(engine).run(rows.stream().map(r -> Replay.Labelled.of(r.transaction(), r.label())),
        (row, d) -> d.ruleHits().stream().filter(which)
            .forEach(h -> hits.merge(h.ruleId(), 1L, Long::sum)));
    return hits;
  }

  @Test
  void ruleHits_liveShadowAndBacktest_areTheSame() throws IOException {
    List<Simulator.Row> rows = Fixtures.smallStream();
    Map<String, Long> live;
    try (FraudEngine engine = FraudEngine.builder().features(FeaturePipelines.standard()).rules(compile()).build()) {
      live = hits(engine, rows, h -> !h.shadow());
    }
    Map<String, Long> shadow;
    try (FraudEngine engine = FraudEngine.builder().features(FeaturePipelines.standard()).shadowRules(compile())
        .build()) {
      shadow = hits(engine, rows, RuleHit::shadow);
    }
    Path csv = dir.resolve("stream.csv");
    SimulateCommand.write(rows, csv);
    Path rules = dir.resolve("parity.txt");
    Files.writeString(rules, RULES);
    Fixtures.Result r = Fixtures.run("backtest", "--rules", rules.toString(), "--in", csv.toString(), "--json",
        "--no-progress", "--label-delay", "7d");
    assertThat(r.exitCode()).as(r.err()).isZero();
    Map<String, Long> backtest = new TreeMap<>();
    for (JsonNode rule : new ObjectMapper().readTree(r.out()).get("rules")) {
      if (rule.get("hits").asLong() > 0) {
        backtest.put(rule.get("id").asText(), rule.get("hits").asLong());
      }
    }

    assertThat(live).hasSize(4);
    assertThat(shadow).isEqualTo(live);
    assertThat(backtest).isEqualTo(live);
  }
}
