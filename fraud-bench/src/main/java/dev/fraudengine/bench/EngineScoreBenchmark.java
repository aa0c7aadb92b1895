package dev.fraudengine.bench;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.ExplainedScore;
import dev.fraudengine.core.FeatureContribution;
import dev.fraudengine.core.FeaturePipeline;
import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.FraudModel;
import dev.fraudengine.core.Rule;
import dev.fraudengine.core.RuleContext;
import dev.fraudengine.core.RuleSet;
import dev.fraudengine.core.Transaction;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What does {@link FraudEngine#score} cost on top of the components it runs? Single thread, trivial components,
 * so that what is left is the engine's own work: validating the transaction, recording what each rule reads,
 * assembling the reasons and the {@link Decision}, and updating the metrics. The target is under 2 µs a decision.
 *
 * <p>{@code config} chooses the engine:
 * <ul>
 *   <li>{@code bare}: no features, no models, no rules; validation, an empty decision and the metrics only;
 *   <li>{@code rulesOnly}: a stateless pipeline of four features of the transaction alone (amount, log amount,
 *       hour of day, e-commerce flag) and five Java-predicate rules (block, review, hold and two score rules),
 *       no models;
 *   <li>{@code modelsAndRules}: the same, plus two closed-form models (a logistic function of the log amount,
 *       weight 2; a linear score of hour and channel, weight 1) that give no explanation;
 *   <li>{@code explainedModelsAndRules}: the same, but the models explain their scores, as real ones do: their
 *       {@link FraudModel#explain} returns the terms of their formula, one to three contributions a decision,
 *       which the engine (at its default of three top features a model) turns into reasons.
 *   <li>{@code realistic}: the whole engine as a payment service would run it ({@link RealisticEngine}):
 *       {@code standard()} features over the state of a million cards, a 300-tree gradient-boosted model with
 *       explanations, the ONNX autoencoder anomaly model, a case store of 100,000 cases searched approximately, 30 compiled rules; each call scores a
 *       new payment one second after the previous one. Its set-up takes a minute or two.
 * </ul>
 * No listeners in any of them, and no case store but in {@code realistic}.
 *
 * <p>{@link #score()} is the engine, in average time and in sample time (for percentiles). {@link #components()}
 * is the baseline: the same pipeline, models and rules called directly on the same transactions, through a
 * minimal {@link RuleContext}, without the engine. The engine's overhead is {@code score - components} in the
 * same run, for each {@code config}; with {@code -prof gc}, {@code gc.alloc.rate.norm} gives the bytes allocated
 * per decision.
 *
 * <p>Data: {@value #TRANSACTIONS} transactions made in {@link #setUp()} from a {@link SplittableRandom} seeded with
 * {@value #SEED}: 512 cards, log-normal amounts in EUR (median 40), increasing event times about 30 s apart
 * over about 34 hours, 40 % e-commerce, a few foreign countries. The benchmark cycles through them in order. The
 * engine's clock is fixed one minute after the last event time, so that none is in the future. Every decision of
 * the set is checked once in {@code setUp}: a degraded one (a rule or model that fails) aborts the run.
 *
 * <p><b>JVM settings.</b> The fork runs as a service holding gigabytes of feature state would be deployed: a fixed
 * heap, {@code -XX:+UseTransparentHugePages} (the heap in 2 MB pages, so that a payment's scattered reads over the
 * state miss the TLB far less; needs the kernel's transparent huge pages in {@code madvise} or {@code always} mode,
 * {@code /sys/kernel/mm/transparent_hugepage/enabled}) and {@code -XX:+AlwaysPreTouch} (the heap's pages mapped at
 * start, not on a young collection's first use of them). Without the last two the same code is slower (measured
 * side by side in fraud-bench/README.md and BENCHMARKS.md); to run without them, give the heap alone on the command
 * line, which replaces the fork's settings: {@code -jvmArgsAppend "-Xms8g -Xmx8g"}.
 * <p>Run, from the repository root:
 * <pre>{@code
 * ./mvnw -B -q -pl fraud-bench -am package -DskipTests
 * java -jar fraud-bench/target/benchmarks.jar EngineScoreBenchmark -prof gc
 * }</pre>
 * A quicker, noisier run: {@code java -jar fraud-bench/target/benchmarks.jar EngineScoreBenchmark -f 1 -wi 3
 * -w 2s -i 5 -r 2s -prof gc}. One config only: add {@code -p config=modelsAndRules}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms8g", "-Xmx8g", "-XX:+UseTransparentHugePages", "-XX:+AlwaysPreTouch"})
public class EngineScoreBenchmark {
  /** How many transactions are generated; a power of two, so that the index wraps with a mask. */
  static final int TRANSACTIONS = 4096;
  /** The seed of the generated transactions. */
  static final long SEED = 20240917L;
  /** The engine's default number of feature contributions per model that become reasons. */
  private static final int TOP_FEATURES = 3;

  private static final Instant START = Instant.parse("2024-09-17T00:00:00Z");
  private static final double MEDIAN_AMOUNT = 40;
  private static final double AMOUNT_SIGMA = 1.0;
  private static final double MEAN_GAP_MILLIS = 30_000;
  private static final String[] COUNTRIES = {"FR", "FR", "FR", "FR", "FR", "FR", "FR", "FR", "FR", "FR", "FR",
      "FR", "FR", "FR", "FR", "FR", "DE", "ES", "BE", "NG"};
  private static final String[] CATEGORIES = {"5411", "5812", "5999", "4121", "5732", "7995"};

  @Param({"bare", "rulesOnly", "modelsAndRules", "explainedModelsAndRules", "realistic"})
  String config;

  private RealisticEngine realistic;

  private Transaction[] transactions;
  private int next;
  private FraudEngine engine;

  private FeaturePipeline pipeline;
  private FraudModel[] models;
  private double[] weights;
  private Rule[] rules;
  private DirectContext context;

  /**
   * Generates the transactions, builds the engine of {@code config} and its components for the baseline, and
   * checks that no decision of the set is degraded.
   *
   * @throws IllegalArgumentException if {@code config} is unknown
   * @throws IllegalStateException if a decision is degraded
   */
  @Setup(Level.Trial)
  public void setUp() {
    transactions = transactions(TRANSACTIONS, SEED);
    Instant now = transactions[TRANSACTIONS - 1].eventTime().plus(Duration.ofMinutes(1));

    RuleSet ruleSet = RuleSet.empty();
    pipeline = FeaturePipeline.none();
    models = new FraudModel[0];
    weights = new double[0];
    switch (config) {
      case "bare" -> { }
      case "rulesOnly" -> {
        pipeline = new TransactionFeatures();
        ruleSet = rules();
      }
      case "modelsAndRules", "explainedModelsAndRules" -> {
        boolean explains = config.equals("explainedModelsAndRules");
        pipeline = new TransactionFeatures();
        ruleSet = rules();
        models = new FraudModel[] {new AmountLogit(explains), new NightEcom(explains)};
        weights = new double[] {2, 1};
      }
      case "realistic" -> {
        setUpRealistic();
        return;
      }
      default -> throw new IllegalArgumentException("config must be bare, rulesOnly, modelsAndRules, "
          + "explainedModelsAndRules or realistic, but was '" + config + "'");
    }
    rules = ruleSet.rules().toArray(new Rule[0]);
    context = new DirectContext(pipeline.schema(), models);

    FraudEngine.Builder builder = FraudEngine.builder()
        .clock(Clock.fixed(now, ZoneOffset.UTC))
        .features(pipeline)
        .rules(ruleSet);
    for (int i = 0; i < models.length; i++) {
      builder.model(models[i], weights[i]);
    }
    engine = builder.build();

    for (Transaction tx : transactions) {
      Decision d = engine.score(tx);
      if (d.degraded()) {
        throw new IllegalStateException("decision of " + tx.id() + " is degraded: " + d.reasons());
      }
    }
  }

  /** The whole engine of {@link RealisticEngine}; checks that its first decisions are not degraded. */
  private void setUpRealistic() {
    realistic = RealisticEngine.build(SEED);
    engine = realistic.engine;
    pipeline = realistic.pipeline;
    models = realistic.models();
    weights = new double[] {3, 1};
    rules = realistic.rules.rules().toArray(new Rule[0]);
    context = new DirectContext(pipeline.schema(), models);
    int hits = 0;
    for (int i = 0; i < 1_000; i++) {
      Decision d = engine.score(realistic.next());
      if (d.degraded()) {
        throw new IllegalStateException("decision of " + d.transactionId() + " is degraded: " + d.reasons());
      }
      hits += d.ruleHits().isEmpty() ? 0 : 1;
    }
    System.out.printf("realistic engine ready: %s, %d rules; %.1f%% of decisions hit a rule%n",
        realistic.cases, rules.length, hits / 10.0);
  }

  /** Closes the engine. */
  @TearDown(Level.Trial)
  public void tearDown() {
    engine.close();
  }

  /**
   * Decides the next transaction with the engine.
   *
   * @return the decision
   */
  @Benchmark
  @BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
  public Decision score() {
    return engine.score(nextTransaction());
  }

  /**
   * Baseline: runs the engine's pipeline, models (score and explanation) and rules directly on the next
   * transaction, as the engine would but without validation, read recording, reasons, decision or metrics.
   *
   * @return the weighted model score plus the numbers of contributions and of rules that fired
   */
  @Benchmark
  public double components() {
    Transaction tx = nextTransaction();
    float[] features = pipeline.process(tx);
    double weighted = 0;
    double weightSum = 0;
    int count = 0;
    for (int i = 0; i < models.length; i++) {
      ExplainedScore e = models[i].scoreExplained(features, TOP_FEATURES);
      double s = e.score();
      context.scores[i] = s;
      weighted += weights[i] * s;
      weightSum += weights[i];
      count += e.contributions().size();
    }
    if (realistic != null) {
      count += realistic.cases.nearest(tx, features, 5).size();
    }
    context.reset(tx, features, weightSum > 0 ? weighted / weightSum : Double.NaN);
    for (Rule r : rules) {
      if (r.test(context)) {
        count++;
      }
    }
    return context.combined + count;
  }

  private Transaction nextTransaction() {
    if (realistic != null) {
      return realistic.next();
    }
    Transaction tx = transactions[next];
    next = (next + 1) & (TRANSACTIONS - 1);
    return tx;
  }

  /**
   * Generates valid EUR card payments in event-time order.
   *
   * @param n how many
   * @param seed the random seed
   * @return the transactions
   */
  static Transaction[] transactions(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Transaction[] txs = new Transaction[n];
    Instant time = START;
    for (int i = 0; i < n; i++) {
      time = time.plusMillis(1 + (long) (-Math.log(1 - random.nextDouble()) * MEAN_GAP_MILLIS));
      double amount = Math.exp(Math.log(MEDIAN_AMOUNT) + AMOUNT_SIGMA * random.nextGaussian());
      boolean ecom = random.nextDouble() < 0.4;
      Transaction.Builder b = Transaction.builder()
          .id(String.format("tx-%06d", i))
          .eventTime(time)
          .amount(Math.max(0.01, Math.round(amount * 100) / 100.0), "EUR")
          .card(String.format("card-%05d", random.nextInt(512)))
          .terminal(String.format("term-%04d", random.nextInt(200)))
          .channel(ecom ? "ecom" : "pos")
          .merchantCategory(CATEGORIES[random.nextInt(CATEGORIES.length)])
          .country(COUNTRIES[random.nextInt(COUNTRIES.length)]);
      if (ecom) {
        b.device(String.format("dev-%05d", random.nextInt(2048)))
            .ip("10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256));
      }
      txs[i] = b.build();
    }
    return txs;
  }

  /** The five rules of {@code rulesOnly} and {@code modelsAndRules}. */
  static RuleSet rules() {
    Set<String> blockedCards = Set.of("card-00017", "card-00042");
    Set<String> riskyCountries = Set.of("NG");
    return RuleSet.of("bench-1",
        Rule.block("blocked-card", ctx -> blockedCards.contains(ctx.transaction().cardId())),
        Rule.review("large-amount", ctx -> ctx.transaction().amount() > 500),
        Rule.hold("risky-country-ecom", ctx -> ctx.transaction().country() != null
            && riskyCountries.contains(ctx.transaction().country()) && "ecom".equals(ctx.transaction().channel())),
        Rule.score("night-ecom", 0.10, ctx -> ctx.feature("is_ecom") > 0.5 && ctx.feature("hour_of_day") < 5),
        Rule.score("amount-logit-high", 0.15, ctx -> ctx.modelScore(AmountLogit.ID) > 0.3));
  }

  /** Four features of the transaction alone. Stateless, hence thread-safe; remembers nothing. */
  static final class TransactionFeatures implements FeaturePipeline {
    static final int AMOUNT_LOG = 1;
    static final int HOUR_OF_DAY = 2;
    static final int IS_ECOM = 3;
    private static final FeatureSchema SCHEMA =
        FeatureSchema.of("bench", "1", "amount", "amount_log", "hour_of_day", "is_ecom");

    @Override
    public FeatureSchema schema() {
      return SCHEMA;
    }

    @Override
    public float[] process(Transaction tx) {
      long secondOfDay = Math.floorMod(tx.eventTime().getEpochSecond(), 86_400L);
      return new float[] {
          (float) tx.amount(),
          (float) Math.log1p(tx.amount()),
          (float) (secondOfDay / 3_600),
          "ecom".equals(tx.channel()) ? 1f : 0f};
    }
  }

  /**
   * A logistic function of the log amount: about 0.09 at 40 EUR, 0.41 at 1,000 EUR. If it explains, its one
   * contribution is its term in the logit.
   */
  static final class AmountLogit implements FraudModel {
    static final String ID = "amount-logit";
    private static final double SLOPE = 0.6;
    private final boolean explains;

    AmountLogit(boolean explains) {
      this.explains = explains;
    }

    @Override
    public String id() {
      return ID;
    }

    @Override
    public String version() {
      return "1";
    }

    @Override
    public double score(float[] features) {
      return 1 / (1 + Math.exp(4.5 - SLOPE * features[TransactionFeatures.AMOUNT_LOG]));
    }

    @Override
    public List<FeatureContribution> explain(float[] features, int limit) {
      if (!explains) {
        return List.of();
      }
      float logAmount = features[TransactionFeatures.AMOUNT_LOG];
      return List.of(new FeatureContribution("amount_log", logAmount, SLOPE * logAmount));
    }
  }

  /**
   * A linear score of the channel and the hour: e-commerce and night payments score higher. If it explains, its
   * contributions are its non-zero terms, largest first.
   */
  static final class NightEcom implements FraudModel {
    private static final double ECOM = 0.15;
    private static final double NIGHT = 0.2;
    private final boolean explains;

    NightEcom(boolean explains) {
      this.explains = explains;
    }
    @Override
    public String id() {
      return "night-ecom";
    }

    @Override
    public String version() {
      return "1";
    }

    @Override
    public double score(float[] features) {
      return 0.05 + ECOM * features[TransactionFeatures.IS_ECOM]
          + (features[TransactionFeatures.HOUR_OF_DAY] < 6 ? NIGHT : 0);
    }

    @Override
    public List<FeatureContribution> explain(float[] features, int limit) {
      if (!explains) {
        return List.of();
      }
      float ecom = features[TransactionFeatures.IS_ECOM];
      float hour = features[TransactionFeatures.HOUR_OF_DAY];
      FeatureContribution night = new FeatureContribution("hour_of_day", hour, hour < 6 ? NIGHT : 0);
      FeatureContribution channel = new FeatureContribution("is_ecom", ecom, ECOM * ecom);
      if (night.contribution() == 0) {
        return channel.contribution() == 0 ? List.of() : List.of(channel);
      }
      return channel.contribution() == 0 || limit < 2 ? List.of(night) : List.of(night, channel);
    }
  }

  /**
   * The baseline's {@link RuleContext}: the same lookups as the engine's (features by name through a map, model
   * scores by id), without recording what the rules read. Reused for every call of one thread.
   */
  static final class DirectContext implements RuleContext {
    private final Map<String, Integer> featureIndex;
    private final String[] modelIds;
    final double[] scores;
    private Transaction tx;
    private float[] features;
    double combined;

    DirectContext(FeatureSchema schema, FraudModel[] models) {
      Map<String, Integer> index = new HashMap<>();
      List<String> names = schema.features();
      for (int i = 0; i < names.size(); i++) {
        index.put(names.get(i), i);
      }
      this.featureIndex = Map.copyOf(index);
      this.modelIds = new String[models.length];
      for (int i = 0; i < models.length; i++) {
        modelIds[i] = models[i].id();
      }
      this.scores = new double[models.length];
    }

    void reset(Transaction tx, float[] features, double combined) {
      this.tx = tx;
      this.features = features;
      this.combined = combined;
    }

    @Override
    public Transaction transaction() {
      return tx;
    }

    @Override
    public double feature(String name) {
      Integer i = featureIndex.get(name);
      if (i == null) {
        throw new IllegalArgumentException("unknown feature '" + name + "'");
      }
      return features[i];
    }

    @Override
    public double feature(int index) {
      return features[index];
    }

    @Override
    public double modelScore(String modelId) {
      for (int i = 0; i < modelIds.length; i++) {
        if (modelIds[i].equals(modelId)) {
          return scores[i];
        }
      }
      return Double.NaN;
    }

    @Override
    public double modelScore() {
      return combined;
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
