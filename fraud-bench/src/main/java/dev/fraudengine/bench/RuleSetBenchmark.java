package dev.fraudengine.bench;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FeaturePipeline;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.NamedLists;
import dev.fraudengine.core.Rule;
import dev.fraudengine.core.RuleCompiler;
import dev.fraudengine.core.RuleContext;
import dev.fraudengine.core.RuleSet;
import dev.fraudengine.core.Transaction;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What does a compiled rule cost? 30 rules written in the rule language (comparisons, arithmetic, {@code and}/
 * {@code or}/{@code not}, {@code in [..]}, named lists, {@code is_missing}) over a 20-feature vector. Target:
 * under 50 ns a rule on average.
 *
 * <ul>
 *   <li>{@link #evaluate}: the 30 rules' conditions on one transaction through a plain {@link RuleContext} (array
 *       reads, no recording): the cost of the compiled evaluators themselves; divide by 30.
 *   <li>{@link #engineWithRules} and {@link #engineWithoutRules}: the same transaction through engines that differ
 *       only by the rule set; their difference, divided by 30, is a rule's cost in the engine, including the
 *       recording of what it read and the hits and reasons of the rules that fire.
 * </ul>
 *
 * <p>Data: 1,024 transactions and feature vectors from {@code SplittableRandom(7)}, cycled; a fifth of the values
 * missing, the others skewed towards small values, so that rules fire now and then, as in production; {@code setUp}
 * prints the share of transactions that fire a rule and the hits per transaction.
 *
 * <p>Run: {@code java -jar fraud-bench/target/benchmarks.jar RuleSetBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class RuleSetBenchmark {
  static final int RULES = 30;
  private static final int N = 1_024;
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final String[] FEATURES = {
      "card.txn_count_1h", "card.txn_count_1d", "card.txn_count_7d", "card.avg_amount_1d", "card.avg_amount_30d",
      "card.amount_zscore_30d", "card.distinct_devices_24h", "card.distinct_ips_24h", "card.first_seen_device",
      "card.seconds_since_last", "card.speed_kmh", "card.risk_30d_delay7d", "terminal.txn_count_1d",
      "terminal.risk_7d_delay7d", "terminal.risk_30d_delay7d", "device.distinct_cards_24h",
      "ip.distinct_cards_24h", "tx.night", "tx.weekend", "card.age_days"};

  static final String RULE_FILE = """
      blocked_card: block if @blocked_cards contains card_id
      blocked_device: block if device_id in @blocked_devices
      trusted: allow if @trusted_cards contains card_id and amount < 5000
      sanctioned: block if country in ["KP", "IR", "SY"]
      many_devices: hold if card.distinct_devices_24h >= 3 and amount > 1000
      fast_card: review if card.txn_count_1h > 10
      fast_day: review if card.txn_count_1d > 40 and card.avg_amount_1d > 200
      shared_device: review if device.distinct_cards_24h >= 4
      shared_ip: review if ip.distinct_cards_24h >= 6 and not (channel == "pos")
      impossible_travel: hold if card.speed_kmh > 900
      new_device_big: score +0.15 if card.first_seen_device and amount > 5 * card.avg_amount_30d
      zscore: score +0.10 if card.amount_zscore_30d > 3
      risky_terminal: score +0.20 if terminal.risk_7d_delay7d > 0.2
      risky_terminal_30: score +0.10 if terminal.risk_30d_delay7d > 0.1 and terminal.txn_count_1d > 5
      risky_card: score +0.25 if card.risk_30d_delay7d > 0
      night_ecom: score +0.05 if tx.night and channel == "ecom"
      weekend_big: score +0.05 if tx.weekend and amount > 2000
      rapid_repeat: score +0.10 if card.seconds_since_last < 30 and amount > 100
      old_card: score -0.10 if card.age_days > 1500 and terminal.risk_30d_delay7d < 0.0001
      small_known: score -0.05 if amount < 5 and card.txn_count_7d > 5
      unknown_history: score +0.05 if is_missing(card.avg_amount_30d) and amount > 500
      round_amount: score +0.03 if amount == 1000 or amount == 500 or amount == 2000
      mcc_risky: score +0.05 if merchant_category in ["6051", "7995", "4829"]
      many_ips: score +0.05 if card.distinct_ips_24h > 3
      ratio_day: score +0.05 if amount / (card.avg_amount_1d + 1) > 10
      quiet_card: score +0.05 if card.txn_count_7d == 0 and card.txn_count_1d >= 3
      hour_band: score +0.02 if hour >= 1 and hour < 5
      foreign: score +0.05 if country != "FR" and not is_missing(country)
      combined: score +0.05 if (card.txn_count_1h > 3 or card.distinct_devices_24h > 1) and amount > 300
      model_edge: review if amount > 9000 and card.txn_count_1d > 2
      """;

  private final float[][] vectors = new float[N][];
  private final Transaction[] txs = new Transaction[N];
  private RuleSet rules;
  private FraudEngine withRules;
  private FraudEngine withoutRules;
  private ArrayContext context;
  private int next;

  /** Returns the i-th vector for the transaction being scored; engines read features through it. */
  private final class Vectors implements FeaturePipeline {
    private final FeatureSchema schema;

    Vectors(FeatureSchema schema) {
      this.schema = schema;
    }

    @Override
    public FeatureSchema schema() {
      return schema;
    }

    @Override
    public float[] process(Transaction tx) {
      return vectors[Integer.parseInt(tx.id(), 2, tx.id().length(), 10)];
    }
  }

  /** Builds the data, the rule set and the two engines. */
  @Setup(Level.Trial)
  public void setUp() {
    FeatureSchema schema = new FeatureSchema("bench", "1", List.of(FEATURES));
    NamedLists lists = new NamedLists();
    List<String> blocked = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      blocked.add("card-x" + i);
    }
    lists.define("blocked_cards", blocked).define("blocked_devices", List.of("dev-bad-1", "dev-bad-2"))
        .define("trusted_cards", List.of("card-7", "card-77"));
    rules = RuleCompiler.builder().schema(schema).lists(lists).build().compile("bench-1", RULE_FILE);
    if (rules.rules().size() != RULES) {
      throw new IllegalStateException("expected " + RULES + " rules, compiled " + rules.rules().size());
    }
    SplittableRandom random = new SplittableRandom(7);
    String[] countries = new String[50];
    java.util.Arrays.fill(countries, "FR");
    countries[0] = "DE";
    String[] mccs = {"5411", "5812", "5411", "5999", "5411", "5812", "5411", "5999", "5411", "6051"};
    for (int i = 0; i < N; i++) {
      float[] v = new float[FEATURES.length];
      for (int f = 0; f < v.length; f++) {
        v[f] = random.nextInt(5) == 0 ? Float.NaN : feature(f, random.nextInt(100) < 3, random.nextDouble());
      }
      vectors[i] = v;
      txs[i] = Transaction.builder().id("tx" + i).eventTime(START.plusSeconds(86_400L * (i / 64) + 8 * 3_600 + 600L * (i % 64)))
          .amount(Math.round(Math.exp(3.5 + random.nextGaussian()) * 100) / 100.0 + 0.01, "EUR")
          .card("card-" + random.nextInt(500)).device("dev-" + random.nextInt(800))
          .channel(random.nextBoolean() ? "ecom" : "pos").country(countries[random.nextInt(countries.length)])
          .merchantCategory(mccs[random.nextInt(mccs.length)]).build();
    }
    Clock clock = Clock.fixed(START.plusSeconds(86_400L * (N / 64 + 1)), ZoneOffset.UTC);
    withRules = FraudEngine.builder().clock(clock).features(new Vectors(schema)).rules(rules).build();
    withoutRules = FraudEngine.builder().clock(clock).features(new Vectors(schema)).build();
    context = new ArrayContext();
    int firing = 0;
    long hits = 0;
    java.util.Map<String, Integer> perRule = new java.util.TreeMap<>();
    for (Transaction tx : txs) {
      Decision d = withRules.score(tx);
      d.ruleHits().forEach(hit -> perRule.merge(hit.ruleId(), 1, Integer::sum));
      int h = d.ruleHits().size();
      hits += h;
      firing += h > 0 ? 1 : 0;
    }
    System.out.printf("RuleSetBenchmark data: %.1f%% of transactions fire a rule, %.2f hits a transaction%n",
        100.0 * firing / N, hits / (double) N);
    System.out.println("RuleSetBenchmark hits per rule: " + perRule);
  }

  /** A typical value of a feature, or (when {@code extreme}) one that makes its rules fire. */
  private static float feature(int f, boolean extreme, double u) {
    double v = switch (FEATURES[f]) {
      case "card.first_seen_device", "tx.night", "tx.weekend" -> extreme ? 1 : 0;
      case "card.speed_kmh" -> extreme ? 1_000 + u * 500 : u * 100;
      case "card.seconds_since_last" -> extreme ? u * 20 : 600 + u * 86_400;
      case "card.age_days" -> extreme ? 2_000 : u * 1_000;
      case "card.avg_amount_1d", "card.avg_amount_30d" -> extreme ? 1 + u * 4 : 30 + u * 100;
      case "card.amount_zscore_30d" -> extreme ? 4 : u * 2;
      case "card.risk_30d_delay7d", "terminal.risk_7d_delay7d", "terminal.risk_30d_delay7d" ->
          extreme ? 0.3 + u * 0.5 : 0;
      case "card.distinct_devices_24h", "card.distinct_ips_24h", "device.distinct_cards_24h",
          "ip.distinct_cards_24h" -> extreme ? 6 : 1;
      default -> extreme ? 12 + u * 40 : 1 + u * 2;
    };
    return (float) v;
  }

  /** Closes the engines. */
  @TearDown(Level.Trial)
  public void tearDown() {
    withRules.close();
    withoutRules.close();
  }

  /**
   * The 30 conditions on one transaction, outside the engine.
   *
   * @param bh sinks the results
   */
  @Benchmark
  public void evaluate(Blackhole bh) {
    int i = next++ & (N - 1);
    context.reset(txs[i], vectors[i]);
    for (Rule r : rules.rules()) {
      bh.consume(r.test(context));
    }
  }

  /**
   * One decision of the engine with the 30 rules.
   *
   * @return the decision
   */
  @Benchmark
  public Decision engineWithRules() {
    return withRules.score(txs[next++ & (N - 1)]);
  }

  /**
   * The baseline: one decision of the same engine without rules.
   *
   * @return the decision
   */
  @Benchmark
  public Decision engineWithoutRules() {
    return withoutRules.score(txs[next++ & (N - 1)]);
  }

  /** A context over arrays, recording nothing. */
  static final class ArrayContext implements RuleContext {
    private Transaction tx;
    private float[] features;

    void reset(Transaction tx, float[] features) {
      this.tx = tx;
      this.features = features;
    }

    @Override
    public Transaction transaction() {
      return tx;
    }

    @Override
    public double feature(String name) {
      for (int i = 0; i < FEATURES.length; i++) {
        if (FEATURES[i].equals(name)) {
          return features[i];
        }
      }
      throw new IllegalArgumentException("unknown feature '" + name + "'");
    }

    @Override
    public double feature(int index) {
      return features[index];
    }

    @Override
    public double modelScore(String modelId) {
      return Double.NaN;
    }

    @Override
    public double modelScore() {
      return Double.NaN;
    }

    @Override
    public double nearestFraudSimilarity() {
      return 0;
    }

    @Override
    public double fraudShare() {
      return Double.NaN;
    }
  }
}
