package dev.fraudengine.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fraudengine.core.testing.CountingPipeline;
import dev.fraudengine.core.testing.MutableClock;
import dev.fraudengine.core.testing.TestModels;
import dev.fraudengine.core.testing.Transactions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransactionValidationTest {
  private final MutableClock clock = new MutableClock(Transactions.NOW);
  private CountingPipeline pipeline;
  private FraudEngine engine;

  @BeforeEach
  void setUp() {
    pipeline = new CountingPipeline();
    engine = FraudEngine.builder().features(pipeline).model(TestModels.constant("m", 0.1)).clock(clock)
        .maxClockSkew(Duration.ofMinutes(2)).build();
  }

  @AfterEach
  void tearDown() {
    engine.close();
  }

  private InvalidTransactionException rejected(Transaction tx) {
    try {
      engine.score(tx);
    } catch (InvalidTransactionException e) {
      return e;
    }
    throw new AssertionError("accepted " + tx);
  }

  @Test
  void score_manyProblems_listsEveryOneInOneException() {
    Transaction tx = Transactions.valid()
        .id(" ")
        .amount(Double.NaN, "XYZ")
        .eventTime(Transactions.NOW.plus(Duration.ofHours(1)))
        .card("c".repeat(200))
        .device("dev\n1")
        .location(91, -181)
        .build();

    InvalidTransactionException e = rejected(tx);

    assertThat(e.problems()).extracting(InputProblem::field)
        .containsExactly("id", "eventTime", "amount", "currency", "cardId", "deviceId", "latitude", "longitude");
    assertThat(e.problems()).extracting(InputProblem::code).containsExactly(
        InputProblem.Code.BLANK, InputProblem.Code.IN_FUTURE, InputProblem.Code.NOT_FINITE,
        InputProblem.Code.UNKNOWN_CODE, InputProblem.Code.TOO_LONG, InputProblem.Code.CONTROL_CHARACTER,
        InputProblem.Code.OUT_OF_RANGE, InputProblem.Code.OUT_OF_RANGE);
    assertThat(e).hasMessageContaining("8 problems").hasMessageContaining("currency='XYZ'")
        .hasMessageContaining("latitude=91.0").hasMessageContaining("deviceId='…' (5 chars, masked)");
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, -12.5, 2e9})
  void score_badAmount_rejectsWithAmountProblem(double amount) {
    InvalidTransactionException e = rejected(Transactions.valid().amount(amount, "EUR").build());

    assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.field()).isEqualTo("amount"));
    assertThat(e).hasMessageContaining("amount");
  }

  @Test
  void score_amountNeverSet_rejectsAsMissing() {
    Transaction tx = Transaction.builder().id("t").eventTime(Transactions.EVENT_TIME).card("c").build();

    InvalidTransactionException e = rejected(tx);

    assertThat(e.problems()).extracting(InputProblem::field).containsExactly("amount", "currency");
    assertThat(e).hasMessageContaining("amount=NaN (is required");
  }

  @Test
  void score_missingIdTimeAndCard_rejectsEach() {
    Transaction tx = Transaction.builder().amount(10, "EUR").build();

    InvalidTransactionException e = rejected(tx);

    assertThat(e.problems()).extracting(InputProblem::metricKey)
        .containsExactly("id.MISSING", "eventTime.MISSING", "cardId.MISSING");
  }

  @Test
  void score_eventTimeWithinSkew_accepted_beyondSkew_rejected() {
    assertThat(engine.score(Transactions.valid().eventTime(Transactions.NOW.plusSeconds(119)).build())).isNotNull();

    InvalidTransactionException e =
        rejected(Transactions.valid().id("tx-2").eventTime(Transactions.NOW.plusSeconds(121)).build());

    assertThat(e.problems()).singleElement()
        .satisfies(p -> assertThat(p.code()).isEqualTo(InputProblem.Code.IN_FUTURE));
    assertThat(e).hasMessageContaining("eventTime=2026-11-21T12:02:01Z");
  }

  @Test
  void score_unknownCountryOrLowerCaseCurrency_rejected() {
    InvalidTransactionException e = rejected(Transactions.valid().amount(5, "eur").country("XX").build());

    assertThat(e.problems()).extracting(InputProblem::metricKey)
        .containsExactly("currency.UNKNOWN_CODE", "country.UNKNOWN_CODE");
  }

  @Test
  void score_controlCharacterInPlainField_escapedInMessage() {
    InvalidTransactionException e = rejected(Transactions.valid().channel("ecom\u0000").build());

    assertThat(e).hasMessageContaining("channel='ecom\\u0000' (must not hold control characters)");
  }

  @Test
  void score_halfALocation_rejectedAsIncomplete() {
    InvalidTransactionException e = rejected(Transactions.valid().location(48.85, Double.NaN).build());

    assertThat(e.problems()).singleElement().satisfies(p -> {
      assertThat(p.field()).isEqualTo("longitude");
      assertThat(p.code()).isEqualTo(InputProblem.Code.INCOMPLETE);
    });
  }

  @Test
  void score_badAttributes_rejected() {
    Transaction tx = Transactions.valid().attribute("note", "x".repeat(300)).attribute("k\t", "v").build();

    InvalidTransactionException e = rejected(tx);

    assertThat(e.problems()).extracting(InputProblem::code)
        .containsExactly(InputProblem.Code.TOO_LONG, InputProblem.Code.CONTROL_CHARACTER);
    assertThat(e).hasMessageContaining("attributes.'note'");
  }

  @Test
  void score_longCardId_masksItInTheMessage() {
    String card = "4111111111111111" + "9".repeat(200);

    InvalidTransactionException e = rejected(Transactions.valid().card(card).build());

    assertThat(e).hasMessageContaining("'4111…' (216 chars, masked)");
    assertThat(e.getMessage()).doesNotContain("41111111");
  }

  @Test
  void score_badInput_changesNothingButRejectionCounters() {
    engine.score(Transactions.valid().id("a").build());
    var stateBefore = pipeline.state();
    EngineMetrics before = engine.metrics();

    rejected(Transactions.valid().id("b").amount(-1, "EUR").build());
    rejected(Transactions.valid().id("c").eventTime(null).build());

    assertThat(pipeline.state()).isEqualTo(stateBefore);
    EngineMetrics after = engine.metrics();
    assertThat(after.decisions()).isEqualTo(before.decisions());
    assertThat(after.decisionsByVerdict()).isEqualTo(before.decisionsByVerdict());
    assertThat(after.latency().count()).isEqualTo(before.latency().count());
    assertThat(after.rejected()).isEqualTo(2);
    assertThat(after.rejectedByReason()).containsEntry("amount.NOT_POSITIVE", 1L)
        .containsEntry("eventTime.MISSING", 1L);

    Decision next = engine.score(Transactions.valid().id("d").build());
    assertThat(next.reasons()).isNotEmpty();
    assertThat(pipeline.state()).containsEntry("card-1", 2);
    assertThat(engine.metrics().decisions()).isEqualTo(2);
  }

  @Test
  void scoreAll_oneBadTransaction_scoresNoneAndNamesItsPosition() {
    List<Transaction> batch = List.of(
        Transactions.valid().id("a").build(),
        Transactions.valid().id("b").amount(0, "EUR").build(),
        Transactions.valid().id("c").build());

    assertThatThrownBy(() -> engine.scoreAll(batch))
        .isInstanceOf(InvalidTransactionException.class)
        .hasMessageContaining("[1].amount=0.0 (must be greater than 0)");

    assertThat(pipeline.state()).isEmpty();
    assertThat(engine.metrics().decisions()).isZero();
    assertThat(engine.scoreAll(List.of(batch.get(0), batch.get(2)))).extracting(Decision::transactionId)
        .containsExactly("a", "c");
  }

  @Test
  void validator_customLimits_applied() {
    TransactionValidator v = TransactionValidator.builder().clock(clock).maxAmount(100).maxIdLength(4).build();

    assertThat(v.problems(Transactions.valid().id("12345").amount(101, "EUR").card("c").terminal("t").build()))
        .extracting(InputProblem::metricKey).containsExactly("id.TOO_LONG", "amount.TOO_LARGE");
    assertThat(v.problems(Transactions.valid().id("1234").amount(100, "EUR").card("c").terminal("t").build()))
        .isEmpty();
  }

  @Test
  void validatorBuilder_badLimits_rejected() {
    assertThatThrownBy(() -> TransactionValidator.builder().maxAmount(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxAmount must be positive and finite, but was -1.0");
    assertThatThrownBy(() -> TransactionValidator.builder().maxIdLength(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxIdLength");
    assertThatThrownBy(() -> TransactionValidator.builder().maxClockSkew(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxClockSkew");
  }

  @Test
  void transaction_attributes_areCopiedAndImmutable() {
    var attrs = new java.util.HashMap<String, String>();
    attrs.put("k", "v");
    Transaction tx = Transactions.valid().build();
    Transaction copy = new Transaction(tx.id(), tx.eventTime(), tx.amount(), tx.currency(), tx.cardId(),
        tx.terminalId(), null, null, null, null, null, Double.NaN, Double.NaN, null, attrs);
    attrs.put("k2", "v2");

    assertThat(copy.attributes()).containsOnlyKeys("k");
    assertThatThrownBy(() -> copy.attributes().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(copy.toBuilder().attribute("k3", "v3").build().attributes()).containsOnlyKeys("k", "k3");
  }
}
