package dev.fraudengine.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.core.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoCommandTest {

  @Test
  void demoRules_onBuiltInStream_giveTheIntendedVerdicts() {
    Map<String, Verdict> verdicts = new LinkedHashMap<>();
    try (FraudEngine engine = FraudEngine.builder().rules(DemoCommand.rules()).build()) {
      for (Transaction tx : DemoCommand.stream()) {
        Decision d = engine.score(tx);
        verdicts.put(tx.id(), d.verdict());
      }
    }

    assertThat(verdicts).containsEntry("tx-0001", Verdict.APPROVE)
        .containsEntry("tx-0003", Verdict.REVIEW)   // above 1,000
        .containsEntry("tx-0004", Verdict.BLOCK)    // blocked card
        .containsEntry("tx-0005", Verdict.HOLD)     // large online payment
        .containsEntry("tx-0006", Verdict.APPROVE)  // trusted card overrides hold and review
        .containsEntry("tx-0008", Verdict.BLOCK)    // sanctioned country
        .containsEntry("tx-0009", Verdict.HOLD);    // night + foreign card + no device: score 0.60
  }

  @Test
  void demo_printsEveryDecisionAndTheMetrics() {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int status = new DemoCommand(new PrintStream(buffer, true, StandardCharsets.UTF_8)).call();
    String out = buffer.toString(StandardCharsets.UTF_8);

    assertThat(status).isZero();
    assertThat(out).contains("tx-0001", "tx-0012", "RULE_BLOCK blocked-card", "RULE_ALLOW trusted-card")
        .contains("decisions: 12  (APPROVE 5, REVIEW 2, HOLD 3, BLOCK 2)").contains("latency per decision: p50");
  }

  @Test
  void cli_helpAndUnknownCommand_exitCodes() {
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(FraudCli.run("--help")).isZero();
      assertThat(FraudCli.run("no-such-command")).isEqualTo(2);
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage: fraud").contains("demo");
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no-such-command");
  }
}
