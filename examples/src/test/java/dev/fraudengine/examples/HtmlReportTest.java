package dev.fraudengine.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.features.FeaturePipelines;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {
  private static String report() {
    List<Simulator.Row> rows = Fixtures.smallStream();
    EngineRun run = new EngineRun(Fixtures.START.plus(Duration.ofDays(20)), null, Duration.ofDays(7), false,
        System.err);
    try (FraudEngine engine = FraudEngine.builder().features(FeaturePipelines.standard())
        .rules(LiveRules.RULES).build()) {
      run.run(engine, rows.stream().map(r -> InputRecord.good("s", 1, r.transaction(), r.label(), r.pattern())),
          new Progress(System.err, "", () -> 0, false));
    }
    return HtmlReport.render(run, "test <report>");
  }

  /** A rule set without the model, for an engine without one. */
  static final class LiveRules {
    static final dev.fraudengine.core.RuleSet RULES = dev.fraudengine.core.RuleCompiler.builder()
        .schema(FeaturePipelines.standard().schema()).build()
        .compile("t", "big: review if amount > 5 * card.amount_mean_30d\nnight: score +0.5 if hour < 5\n");
  }

  @Test
  void render_report_hasEveryChartAsInlineSvgAndEveryTable() {
    String html = report();

    for (String chart : List.of("roc-curve", "pr-curve", "score-distribution", "verdicts-over-time",
        "latency-histogram")) {
      Matcher m = Pattern.compile("<figure id=\"" + chart + "\">(.*?)</figure>", Pattern.DOTALL).matcher(html);
      assertThat(m.find()).as(chart).isTrue();
      assertThat(m.group(1)).as(chart).contains("<svg").containsPattern("<(polyline|rect) [^>]*(points|height)=");
    }
    for (String table : List.of("summary", "verdicts", "threshold-table", "top-rules", "top-reasons")) {
      Matcher m = Pattern.compile("<table id=\"" + table + "\">(.*?)</table>", Pattern.DOTALL).matcher(html);
      assertThat(m.find()).as(table).isTrue();
      assertThat(m.group(1).split("<tr>").length - 1).as(table).isGreaterThanOrEqualTo(2);
    }
    assertThat(html).contains("<td>big</td>").contains("RULE_REVIEW");
  }

  @Test
  void render_report_isSelfContainedAndEscapesText() {
    String html = report();

    assertThat(html).doesNotContain("<script").doesNotContain("src=").doesNotContain("href=")
        .contains("test &lt;report&gt;");
    assertThat(html.split("<figure").length - 1).isEqualTo(html.split("</figure>").length - 1);
  }
}
