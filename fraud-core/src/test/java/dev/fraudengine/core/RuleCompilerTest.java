package dev.fraudengine.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.fraudengine.core.testing.TestModels;
import dev.fraudengine.core.testing.Transactions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleCompilerTest {
  private static final FeatureSchema SCHEMA = FeatureSchema.of("test", "3",
      "card.txn_count_1h", "card.avg_amount_30d", "card.distinct_devices_24h", "card.first_seen_device",
      "terminal.risk_30d_delay7d");

  private final NamedLists lists = new NamedLists()
      .define("trusted_cards", List.of("card-vip"))
      .define("blocked_devices", List.of("dev-bad"));
  private final RuleCompiler compiler = RuleCompiler.builder().schema(SCHEMA).models("gbt").lists(lists).build();

  /** A pipeline that returns fixed features. */
  private static FeaturePipeline fixed(float... values) {
    return new FeaturePipeline() {
      @Override
      public FeatureSchema schema() {
        return SCHEMA;
      }

      @Override
      public float[] process(Transaction tx) {
        return values.clone();
      }
    };
  }

  private Decision decide(String rules, Transaction tx, double modelScore, float... features) {
    try (FraudEngine engine = FraudEngine.builder().clock(Clock.fixed(Transactions.NOW, ZoneOffset.UTC))
        .features(fixed(features)).model(TestModels.constant("gbt", modelScore))
        .rules(compiler.compile("v1", rules)).build()) {
      return engine.score(tx);
    }
  }

  private static final float NA = Float.NaN;

  @Test
  void compile_issueExample_decidesAsWritten() {
    String rules = """
        # the example of the rule language
        allow  if @trusted_cards contains card_id
        block  if @blocked_devices contains device_id
        hold   if card.distinct_devices_24h >= 3 and amount > 1000
        review if card.txn_count_1h > 10
        score +0.15 if card.first_seen_device and amount > 5 * card.avg_amount_30d
        score -0.10 if card.txn_count_1h < 2 and terminal.risk_30d_delay7d == 0
        """;

    RuleSet set = compiler.compile("2026-11-21", rules);

    assertThat(set.rules()).extracting(Rule::id).containsExactly("allow_line2", "block_line3", "hold_line4",
        "review_line5", "score_line6", "score_line7");
    assertThat(set.rules().get(4).weight()).isEqualTo(0.15);
    assertThat(set.rules().get(5).description()).isEqualTo("score -0.10 if card.txn_count_1h < 2 and "
        + "terminal.risk_30d_delay7d == 0");

    Transaction big = Transactions.valid().amount(1500, "EUR").device("dev-ok").build();
    assertThat(decide(rules, big, 0.1, 0, 100, 3, 0, 0).verdict()).isEqualTo(Verdict.HOLD);
    assertThat(decide(rules, big.toBuilder().device("dev-bad").build(), 0.1, 0, 100, 3, 0, 0).verdict())
        .isEqualTo(Verdict.BLOCK);
    assertThat(decide(rules, big.toBuilder().card("card-vip").device("dev-bad").build(), 0.1, 0, 100, 3, 0, 0)
        .verdict()).isEqualTo(Verdict.APPROVE);
    Decision scored = decide(rules, Transactions.valid().amount(600, "EUR").build(), 0.2, 0, 100, 1, 1, NA);
    assertThat(scored.score()).isCloseTo(0.35, within(1e-9));
    assertThat(scored.ruleHits()).extracting(RuleHit::ruleId).containsExactly("score_line6");
    assertThat(scored.ruleHits().get(0).values()).containsEntry("amount", 600.0)
        .containsEntry("card.first_seen_device", 1.0).containsEntry("card.avg_amount_30d", 100.0);
  }

  @Test
  void missingValues_compareFalse_notInvertsAndIsMissingTests() {
    Transaction tx = Transactions.valid().build();
    String rules = """
        a: score +0.1 if card.txn_count_1h > 1
        b: score +0.1 if card.txn_count_1h <= 1
        c: score +0.1 if card.txn_count_1h != 5
        d: score +0.1 if card.txn_count_1h == card.txn_count_1h
        e: score +0.1 if not (card.txn_count_1h > 1)
        f: score +0.1 if is_missing(card.txn_count_1h)
        g: score +0.1 if device_id == "x" or device_id != "x"
        h: score +0.1 if is_missing(device_id) and card.txn_count_1h + 1 in [1, 2]
        """;

    Decision d = decide(rules, tx, 0, NA, 0, 0, 0, 0);

    assertThat(d.ruleHits()).extracting(RuleHit::ruleId).containsExactly("e", "f");
  }

  @Test
  void operators_precedenceAndArithmetic() {
    Transaction tx = Transactions.valid().amount(100, "EUR").channel("ecom").country("FR").build();
    String rules = """
        p1: score +0.01 if 1 + 2 * 3 == 7
        p2: score +0.01 if (1 + 2) * 3 == 9
        p3: score +0.01 if -amount / 4 == -25
        p4: score +0.01 if true or false and false
        p5: score +0.01 if not false and not not true
        p6: score +0.01 if channel in ["ecom", "moto"] and country != "DE"
        p7: score +0.01 if amount / 0 > 0 or amount / 0 <= 0
        p8: score +0.01 if 1_000 > 999.5 and 2e3 == 2000
        p9: score +0.01 if model.gbt >= 0.5 and model.gbt < 0.51
        """;

    Decision d = decide(rules, tx, 0.5, 0, 0, 0, 0, 0);

    assertThat(d.ruleHits()).extracting(RuleHit::ruleId)
        .containsExactly("p1", "p2", "p3", "p4", "p5", "p6", "p8", "p9");
  }

  @Test
  void transactionFields_hourWeekdayAndAttributes() {
    // 2026-11-21 is a Saturday; EVENT_TIME is 11:00 UTC.
    String rules = """
        weekend: score +0.1 if weekday >= 6 and hour == 11
        attr: score +0.1 if attributes.segment == "smb"
        masked: review if card_id == "card-1234567890"
        """;
    Transaction tx = Transactions.valid().card("card-1234567890").attribute("segment", "smb").build();

    Decision d = decide(rules, tx, 0, 0, 0, 0, 0, 0);

    assertThat(d.ruleHits()).extracting(RuleHit::ruleId).containsExactly("weekend", "attr", "masked");
    assertThat(d.ruleHits().get(0).values()).containsEntry("weekday", 6.0).containsEntry("hour", 11.0);
    assertThat(d.ruleHits().get(2).values()).containsEntry("card_id", "'card…' (15 chars, masked)");
  }

  @Test
  void caseSignals_readable() {
    RuleSet set = compiler.compile("v1", "near: block if cases.nearest_fraud_similarity > 0.9 and cases.fraud_share >= 0.5");
    CaseStore store = (tx, f, k) -> List.of(
        new SimilarCase("f1", 0.95, Label.FRAUD, null, Transactions.EVENT_TIME.minusSeconds(60)));
    try (FraudEngine engine = FraudEngine.builder().clock(Clock.fixed(Transactions.NOW, ZoneOffset.UTC))
        .features(fixed(0, 0, 0, 0, 0)).caseStore(store).rules(set).build()) {
      assertThat(engine.score(Transactions.valid().build()).verdict()).isEqualTo(Verdict.BLOCK);
    }
  }

  @Test
  void compile_everyErrorReportedWithLineColumnAndNearestNames() {
    String rules = """
        review if card.txn_cnt_1h > 10
        block if amount > 1000 and
        hold if @blocked_card contains device_id
        score +0.15 if channel > "a"
        score +2 if amount > 1
        frobnicate if amount > 1
        review if amount = 3
        review if model.xgb > 0.5
        review if amount in ["a"]
        """;

    assertThatThrownBy(() -> compiler.compile("v1", rules))
        .isInstanceOfSatisfying(RuleCompileException.class, e -> {
          assertThat(e.errors()).extracting(RuleCompileError::line).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
          assertThat(e.errors().get(0)).isEqualTo(new RuleCompileError(1, 11,
              "unknown name 'card.txn_cnt_1h'; nearest: card.txn_count_1h"));
          assertThat(e.errors().get(1).message()).isEqualTo("expected a value, but found the end of the line");
          assertThat(e.errors().get(2).message()).isEqualTo("unknown list '@blocked_card'; nearest: @blocked_devices");
          assertThat(e.errors().get(3).message()).contains("texts compare with == and != only");
          assertThat(e.errors().get(4).message()).contains("a score weight must be in [-1, 1]");
          assertThat(e.errors().get(5).message()).startsWith("expected an action");
          assertThat(e.errors().get(5).column()).isEqualTo(1);
          assertThat(e.errors().get(6)).isEqualTo(new RuleCompileError(7, 18, "'=' is not an operator: compare with '=='"));
          assertThat(e.errors().get(7).message()).contains("unknown name 'model.xgb'").contains("model.gbt");
          assertThat(e.errors().get(8).message()).contains("a number is compared with a list of numbers");
        })
        .hasMessageContaining("9 errors in rules <string>")
        .hasMessageContaining("<string>:1:11: unknown name");
  }

  @Test
  void compile_typeErrors_reported() {
    assertThatThrownBy(() -> compiler.compile("v1", "review if channel"))
        .isInstanceOf(RuleCompileException.class).hasMessageContaining("a condition must be true or false");
    assertThatThrownBy(() -> compiler.compile("v1", "review if amount and channel"))
        .isInstanceOf(RuleCompileException.class).hasMessageContaining("'and' needs a condition, but this is a text");
    assertThatThrownBy(() -> compiler.compile("v1", "review if channel + 1 > 2"))
        .isInstanceOf(RuleCompileException.class).hasMessageContaining("'+' needs a number, but this is a text");
    assertThatThrownBy(() -> compiler.compile("v1", "review if amount == 'x'"))
        .isInstanceOf(RuleCompileException.class).hasMessageContaining("cannot compare a number with a text");
    assertThatThrownBy(() -> compiler.compile("v1", "review if @trusted_cards contains amount"))
        .isInstanceOf(RuleCompileException.class).hasMessageContaining("a list holds texts, but this is a number");
    assertThatThrownBy(() -> compiler.compile("v1", "x: review if amount > 1\nx: block if amount > 2"))
        .isInstanceOf(RuleCompileException.class).hasMessageContaining("rule 'x' is already defined on line 1");
    assertThatThrownBy(() -> compiler.compile("v1", "review if amount > 1 1"))
        .isInstanceOf(RuleCompileException.class).hasMessageContaining("1:22: unexpected '1' after the condition");
    assertThatThrownBy(() -> compiler.compile("v1", "review if name == 'abc"))
        .isInstanceOf(RuleCompileException.class).hasMessageContaining("unterminated text");
  }

  @Test
  void compile_commentsBlankLinesAndHashInsideText() {
    RuleSet set = compiler.compile("v1", "\n# nothing\n   \nx: review if channel == 'a#b' # trailing\n");

    assertThat(set.rules()).singleElement().satisfies(r -> {
      assertThat(r.id()).isEqualTo("x");
      assertThat(r.description()).isEqualTo("x: review if channel == 'a#b'");
    });
  }

  @Test
  void compile_fromFile_namesTheFileInErrors(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("rules.txt");
    Files.writeString(file, "review if amount > 10\nblock if nope > 1\n");

    assertThatThrownBy(() -> compiler.compile("v1", file)).isInstanceOf(RuleCompileException.class)
        .hasMessageContaining(file + ":2:10: unknown name 'nope'");
  }

  @Test
  void lists_replacedAtRunTime_seenByCompiledRulesWithoutRecompiling(@TempDir Path dir) throws Exception {
    RuleSet set = compiler.compile("v1", "blocked: block if device_id in @blocked_devices");
    Transaction tx = Transactions.valid().device("dev-new").build();
    try (FraudEngine engine = FraudEngine.builder().clock(Clock.fixed(Transactions.NOW, ZoneOffset.UTC))
        .features(fixed(0, 0, 0, 0, 0)).rules(set).build()) {
      assertThat(engine.score(tx).verdict()).isEqualTo(Verdict.APPROVE);

      Path file = dir.resolve("blocked.txt");
      Files.writeString(file, "# devices seen in the fraud ring\ndev-new\n  dev-old  \n\n");
      lists.load("blocked_devices", file);

      assertThat(lists.get("blocked_devices")).containsExactlyInAnyOrder("dev-new", "dev-old");
      assertThat(engine.score(tx.toBuilder().id("tx-2").build()).verdict()).isEqualTo(Verdict.BLOCK);
    }
  }

  @Test
  void lists_badInput_rejectedAndListUnchanged() {
    assertThatThrownBy(() -> lists.replace("blocked_devices", List.of("a", " ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not hold blank values");
    assertThat(lists.get("blocked_devices")).containsExactly("dev-bad");
    assertThatThrownBy(() -> lists.replace("nope", List.of("a"))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no list named 'nope'");
    assertThatThrownBy(() -> lists.define("Bad-Name", Set.of())).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lower snake case");
    assertThatThrownBy(() -> lists.load("x", Path.of("/no/such/file")))
        .isInstanceOf(java.io.UncheckedIOException.class).hasMessageContaining("/no/such/file");
  }

  @Test
  void compiledRule_inEngineWithOtherSchema_refusedAtBuild() {
    RuleSet set = compiler.compile("v1", "review if card.txn_count_1h > 1");

    assertThatThrownBy(() -> FraudEngine.builder().rules(set).build()).isInstanceOf(FraudEngineException.class)
        .hasMessageContaining("FEATURE_SCHEMA_MISMATCH").hasMessageContaining("test@3");
  }

  @Test
  void editDistance_andNearest() {
    assertThat(RuleCompiler.editDistance("kitten", "sitting")).isEqualTo(3);
    assertThat(RuleCompiler.nearest("amout", Set.of("amount", "hour", "ip"), "")).isEqualTo("; nearest: amount");
  }
}
