package dev.fraudengine.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Scores payments: one call per transaction gives a {@link Decision} with a verdict, a score, a risk level and
 * the reasons behind them.
 *
 * <pre>{@code
 * try (FraudEngine engine = FraudEngine.builder()
 *     .rules(RuleSet.of("v1", Rule.review("large", ctx -> ctx.transaction().amount() > 1_000)))
 *     .build()) {
 *   Decision d = engine.score(tx);
 * }
 * }</pre>
 *
 * <p>One decision: the transaction is validated (a bad one is refused before anything changes); the feature
 * pipeline computes its features as of its event time and records it; each model scores the features; the case
 * store finds the nearest known cases; the rules are evaluated; the {@link VerdictPolicy} turns the weighted model
 * scores plus the SCORE rules into a score, a risk level and a verdict, which hard rules may override
 * (precedence ALLOW &gt; BLOCK &gt; HOLD &gt; REVIEW, see {@link RuleAction}); the listeners are handed the decision
 * off the scoring thread.
 *
 * <p><b>Threading.</b> An engine is thread-safe: any number of threads may call any method at once. Its
 * configuration is fixed when it is built, except the rule sets, which {@link #swapRules} replaces atomically. <b>Errors.</b> {@code score} throws only for bad input ({@link InvalidTransactionException},
 * {@link NullPointerException}) or a closed engine; a failing component degrades the decision instead.
 */
public interface FraudEngine extends AutoCloseable {

  /**
   * Starts a builder.
   *
   * @return a new builder with no models, no rules, no features and the default policy
   */
  static Builder builder() {
    return new Builder();
  }

  /**
   * Decides one transaction.
   *
   * @param tx the transaction
   * @return the decision
   * @throws InvalidTransactionException listing every problem, if the transaction is refused; the engine is
   *     then exactly as it was, but for its rejection counters
   * @throws NullPointerException if {@code tx} is {@code null}
   * @throws FraudEngineException with {@link ErrorCode#ENGINE_CLOSED} after {@link #close()}
   */
  Decision score(Transaction tx);

  /**
   * Decides a batch of transactions in order, on the calling thread.
   *
   * <p>The whole batch is validated first: if any transaction is bad, none is scored and the exception lists
   * the problems of every bad one, each field prefixed with its position ({@code "[3].amount"}).
   *
   * @param txs the transactions, in event order
   * @return the decisions, in the same order
   * @throws InvalidTransactionException if any transaction is refused
   * @throws NullPointerException if the list or an element is {@code null}
   * @throws FraudEngineException with {@link ErrorCode#ENGINE_CLOSED} after {@link #close()}
   */
  List<Decision> scoreAll(List<Transaction> txs);

  /**
   * Decides one transaction on the engine's executor.
   *
   * @param tx the transaction
   * @return a future completed with the decision, or exceptionally with the exceptions {@link #score} throws
   *     (or {@link FraudEngineException} with {@link ErrorCode#ENGINE_OVERLOADED} if the executor refused it)
   * @throws NullPointerException if {@code tx} is {@code null}
   */
  CompletableFuture<Decision> scoreAsync(Transaction tx);

  /**
   * Brings back the confirmed label of an earlier transaction, for label-delayed features and the case store.
   *
   * @param transactionId the labelled transaction's id
   * @param label its label
   * @param labelTime when the label became known
   * @throws NullPointerException if an argument is {@code null}
   * @throws IllegalArgumentException if the id is blank
   * @throws FraudEngineException with {@link ErrorCode#ENGINE_CLOSED} after {@link #close()}
   */
  void feedback(String transactionId, Label label, Instant labelTime);

  /**
   * Replaces the live rule set, atomically: every decision runs wholly under the old set or wholly under the new
   * one, and the decision records the version it ran under.
   *
   * @param live the new rule set
   * @throws FraudEngineException with {@link ErrorCode#FEATURE_SCHEMA_MISMATCH} if a rule cannot read this engine's
   *     features; the old set then stays in place
   * @throws NullPointerException if {@code live} is {@code null}
   */
  void swapRules(RuleSet live);

  /**
   * Replaces the shadow rule set, atomically: its rules are evaluated on every decision and recorded as shadow
   * hits, never acted on.
   *
   * @param shadow the new shadow rule set ({@link RuleSet#empty()} to stop shadowing)
   * @throws FraudEngineException with {@link ErrorCode#FEATURE_SCHEMA_MISMATCH} if a rule cannot read this engine's
   *     features; the old set then stays in place
   * @throws NullPointerException if {@code shadow} is {@code null}
   */
  void swapShadowRules(RuleSet shadow);

  /**
   * Replaces a model, live or shadow, by a new version with the same id, atomically and under load: every decision
   * runs wholly with the old version or wholly with the new one, and records which. The replaced model is closed
   * once no decision uses it any more. Load the new version first: if loading fails, nothing is swapped and the
   * old version keeps serving.
   *
   * @param replacement the new model; its id names the model it replaces, its weight stays
   * @throws IllegalArgumentException if the engine has no model with that id
   * @throws FraudEngineException with {@link ErrorCode#FEATURE_SCHEMA_MISMATCH} if the replacement cannot read this
   *     engine's features; the old model then keeps serving
   * @throws NullPointerException if {@code replacement} is {@code null}
   */
  void swapModel(FraudModel replacement);

  /**
   * Returns the live rule set.
   *
   * @return the rule set new decisions run under
   */
  RuleSet rules();

  /**
   * Returns a snapshot of the engine's counters and latency percentiles.
   *
   * @return the metrics
   */
  EngineMetrics metrics();

  /**
   * Returns the state of the engine and each of its models.
   *
   * @return the health report
   */
  EngineHealth health();

  /**
   * Returns the schema of the feature vectors this engine computes.
   *
   * @return the pipeline's schema
   */
  FeatureSchema featureSchema();

  /**
   * Stops the engine: later calls to {@code score} fail; the listeners are given a moment to drain their
   * queues; models, the case store and the pipeline are closed. Never throws; faults are logged. Idempotent.
   */
  @Override
  void close();

  /**
   * Builds a {@link FraudEngine}. Setters check their argument at once; {@link #build()} checks that the parts
   * fit together. Not thread-safe; build once and share the engine.
   */
  final class Builder {
    FeaturePipeline pipeline = FeaturePipeline.none();
    final List<FraudModel> models = new ArrayList<>();
    final List<Double> weights = new ArrayList<>();
    final List<FraudModel> shadowModels = new ArrayList<>();
    CaseStore caseStore;
    int nearestCases = 5;
    RuleSet rules = RuleSet.empty();
    RuleSet shadowRules = RuleSet.empty();
    VerdictPolicy policy = VerdictPolicy.defaults();
    final List<DecisionListener> listeners = new ArrayList<>();
    int listenerQueueCapacity = 10_000;
    Clock clock = Clock.systemUTC();
    final TransactionValidator.Builder limits = TransactionValidator.builder();
    int topFeatures = 3;
    Executor asyncExecutor;
    Suppressions suppressions;
    AlertBudget alertBudget;
    Duration failureLogInterval = Duration.ofMinutes(1);

    Builder() {}

    /**
     * Sets the feature pipeline. Default: {@link FeaturePipeline#none()}.
     *
     * @param pipeline the pipeline; the engine closes it
     * @return this builder
     */
    public Builder features(FeaturePipeline pipeline) {
      this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
      return this;
    }

    /**
     * Adds a model with weight 1.
     *
     * @param model the model; the engine closes it
     * @return this builder
     */
    public Builder model(FraudModel model) {
      return model(model, 1);
    }

    /**
     * Adds a model with a weight in the combination: the combined model score is the weighted mean of the
     * scores of the models that answered.
     *
     * @param model the model; the engine closes it
     * @param weight positive and finite
     * @return this builder
     * @throws IllegalArgumentException if the weight is not positive and finite
     */
    public Builder model(FraudModel model, double weight) {
      Objects.requireNonNull(model, "model");
      if (!(weight > 0) || Double.isInfinite(weight)) {
        throw new IllegalArgumentException("weight of model '" + model.id() + "' must be positive and finite, but was "
            + weight);
      }
      models.add(model);
      weights.add(weight);
      return this;
    }

    /**
     * Adds a shadow (challenger) model: scored on every decision and recorded in
     * {@link Decision#shadowModelScores()}, never part of the score or the verdict. Its failures are counted but do
     * not make decisions degraded.
     *
     * @param model the model; the engine closes it
     * @return this builder
     */
    public Builder shadowModel(FraudModel model) {
      shadowModels.add(Objects.requireNonNull(model, "model"));
      return this;
    }

    /**
     * Sets the case store. Default: none.
     *
     * @param caseStore the store; the engine closes it
     * @return this builder
     */
    public Builder caseStore(CaseStore caseStore) {
      this.caseStore = Objects.requireNonNull(caseStore, "caseStore");
      return this;
    }

    /**
     * Sets how many nearest cases each decision asks the case store for. Default 5.
     *
     * @param k in [1, 100]
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder nearestCases(int k) {
      if (k < 1 || k > 100) {
        throw new IllegalArgumentException("nearestCases must be in [1, 100], but was " + k);
      }
      this.nearestCases = k;
      return this;
    }

    /**
     * Sets the rules. Default: {@link RuleSet#empty()}.
     *
     * @param rules the rule set
     * @return this builder
     */
    public Builder rules(RuleSet rules) {
      this.rules = Objects.requireNonNull(rules, "rules");
      return this;
    }

    /**
     * Sets rules evaluated on every decision and recorded as shadow hits, never acted on: to try a rule on live
     * traffic before switching it on. Default: none.
     *
     * @param shadowRules the shadow rule set
     * @return this builder
     */
    public Builder shadowRules(RuleSet shadowRules) {
      this.shadowRules = Objects.requireNonNull(shadowRules, "shadowRules");
      return this;
    }

    /**
     * Sets the exemptions of entities from rules. Default: none.
     *
     * @param suppressions the suppressions, which may change while the engine runs
     * @return this builder
     */
    public Builder suppressions(Suppressions suppressions) {
      this.suppressions = Objects.requireNonNull(suppressions, "suppressions");
      return this;
    }

    /**
     * Sets an alert budget that moves the REVIEW and HOLD thresholds to keep the alert rate near it. Default:
     * none, the policy's thresholds apply.
     *
     * @param budget the budget; one budget serves one engine
     * @return this builder
     */
    public Builder alertBudget(AlertBudget budget) {
      this.alertBudget = Objects.requireNonNull(budget, "budget");
      return this;
    }

    /**
     * Sets the verdict policy. Default: {@link VerdictPolicy#defaults()}.
     *
     * @param policy the policy
     * @return this builder
     */
    public Builder policy(VerdictPolicy policy) {
      this.policy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Adds a decision listener, called off the scoring thread.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(DecisionListener listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Sets how many decisions may wait for each listener before further ones are dropped. Default 10,000.
     *
     * @param capacity in [1, 10,000,000]
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder listenerQueueCapacity(int capacity) {
      if (capacity < 1 || capacity > 10_000_000) {
        throw new IllegalArgumentException("listenerQueueCapacity must be in [1, 10000000], but was " + capacity);
      }
      this.listenerQueueCapacity = capacity;
      return this;
    }

    /**
     * Sets the clock that tells "now" for the future-time check and the uptime. Features never read it: they
     * use each transaction's event time. Default: the system UTC clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets how far in the future an event time may be. Default 5 minutes.
     *
     * @param maxClockSkew zero or positive
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder maxClockSkew(Duration maxClockSkew) {
      limits.maxClockSkew(maxClockSkew);
      return this;
    }

    /**
     * Sets the largest amount accepted, in major units. Default 1,000,000,000.
     *
     * @param maxAmount positive and finite
     * @return this builder
     * @throws IllegalArgumentException if not positive and finite
     */
    public Builder maxAmount(double maxAmount) {
      limits.maxAmount(maxAmount);
      return this;
    }

    /**
     * Sets the longest id accepted (transaction, card, terminal, device, IP...). Default 128.
     *
     * @param maxIdLength in [1, 4096]
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxIdLength(int maxIdLength) {
      limits.maxIdLength(maxIdLength);
      return this;
    }

    /**
     * Sets how many top feature contributions of each model become reasons. Default 3; 0 turns them off.
     *
     * @param topFeatures in [0, 20]
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder topFeatures(int topFeatures) {
      if (topFeatures < 0 || topFeatures > 20) {
        throw new IllegalArgumentException("topFeatures must be in [0, 20], but was " + topFeatures);
      }
      this.topFeatures = topFeatures;
      return this;
    }

    /**
     * Sets the executor of {@link FraudEngine#scoreAsync}. Default: a pool of one daemon thread per core, owned
     * and shut down by the engine. An executor given here is not shut down by the engine.
     *
     * @param executor the executor
     * @return this builder
     */
    public Builder asyncExecutor(Executor executor) {
      this.asyncExecutor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets how often a repeating component failure is logged; failures in between are counted and summed up in
     * the next log line. Default 1 minute.
     *
     * @param interval positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     */
    public Builder failureLogInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("failureLogInterval must be positive, but was " + interval);
      }
      this.failureLogInterval = interval;
      return this;
    }

    /**
     * Makes the engine.
     *
     * @return an immutable, thread-safe engine
     * @throws IllegalStateException if two models share an id
     * @throws FraudEngineException with {@link ErrorCode#FEATURE_SCHEMA_MISMATCH} if a model or rule cannot
     *     read the pipeline's vectors
     */
    public FraudEngine build() {
      Set<String> ids = new HashSet<>();
      List<FraudModel> all = new ArrayList<>(models);
      all.addAll(shadowModels);
      for (FraudModel m : all) {
        if (!ids.add(m.id())) {
          throw new IllegalStateException("model ids must be unique, but '" + m.id() + "' was added twice");
        }
      }
      FeatureSchema schema = pipeline.schema();
      for (FraudModel m : all) {
        m.checkSchema(schema);
      }
      for (Rule r : rules.rules()) {
        r.checkSchema(schema);
      }
      for (Rule r : shadowRules.rules()) {
        r.checkSchema(schema);
      }
      return new DefaultFraudEngine(this);
    }
  }
}
