package dev.fraudengine.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudengine.features.FeaturePipelines;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir
  Path dir;

  @Test
  void demoRules_compileAgainstTheStandardPipelineAndTheModel() {
    assertThat(DemoCommand.rules(FeaturePipelines.standard()).rules()).hasSizeGreaterThanOrEqualTo(5);
  }

  @Test
  void demo_smallStream_printsTheSummaryAndWritesTheReport() throws IOException {
    Path report = dir.resolve("demo.html");
    Fixtures.Result r = Fixtures.run("demo", "--cards", "300", "--terminals", "40", "--days", "30", "--fraud-rate",
        "0.02", "--seed", "3", "--no-progress", "--report", report.toString());

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("1. simulated").contains("2. trained gradient-boosted trees")
        .contains("ROC AUC").contains("average precision").contains("APPROVE").contains("BLOCK")
        .contains("precision").contains("recall").contains("latency per decision: p50")
        .contains("example decisions:").contains("fraud pattern");
    assertThat(Files.readString(report)).contains("<figure id=\"roc-curve\">");
  }

  @Test
  void demo_tooFewDays_exits2() {
    Fixtures.Result r = Fixtures.run("demo", "--days", "5");

    assertThat(r.exitCode()).isEqualTo(2);
    assertThat(r.err()).contains("--days must be at least 21, but was 5");
  }
}
