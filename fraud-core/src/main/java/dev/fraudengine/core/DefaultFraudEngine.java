package dev.fraudengine.core;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine behind {@link FraudEngine#builder()}.
 *
 * <p>All configuration is final and read-only after construction; the only mutable state is in the components
 * (which are thread-safe by contract), the lock-free {@link MetricsRecorder}, the per-model failure records, the
 * listener queues and each scoring thread's own rule context ({@link Evaluation}, reused from decision to decision).
 * A decision therefore takes no lock of the engine's own; it allocates its feature vector, its result lists, its
 * reasons and the decision. Reasons are counted before they are made and go into one array, which becomes the
 * decision's list without a further copy; the texts of model-score messages are kept per model (there are 1,001 of
 * them), and a feature contribution's message is one string concatenation with no intermediate strings.
 */
final class DefaultFraudEngine implements FraudEngine {
  private static final Logger LOG = LoggerFactory.getLogger(FraudEngine.class);
  private static final Duration LISTENER_DRAIN = Duration.ofSeconds(5);
  private static final RuleAction[] PRECEDENCE = {
      RuleAction.ALLOW, RuleAction.BLOCK, RuleAction.HOLD, RuleAction.REVIEW};
  /** Most important first among the reasons that carry a part of the score. */
  private static final Comparator<Reason> BY_ABSOLUTE_WEIGHT =
      (a, b) -> Double.compare(Math.abs(b.weight()), Math.abs(a.weight()));
  /** The fractional part of a number written in thousandths: "" for 0, then ".001" to ".999" without trailing zeros. */
  private static final String[] FRACTIONS = fractions();
  /** Marks a rule that threw; never part of a decision. */
  private static final RuleHit RULE_FAILED = new RuleHit("-", RuleAction.SCORE, 0, "-", Map.of(), false);

  private final FeaturePipeline pipeline;
  private final FeatureSchema schema;
  private final String schemaId;
  private final Map<String, Integer> featureIndex;
  private final AtomicReference<ModelSet> models;
  private final Duration failureLogInterval;
  private final CaseStore caseStore;
  private final int nearestCases;
  /** The live and shadow rule sets, swapped together as one value so that a decision never sees half of a swap. */
  private record Rules(RuleSet live, RuleSet shadow) {}

  private final AtomicReference<Rules> rules;
  private final Suppressions suppressions;
  private final AlertBudget budget;
  private final VerdictPolicy policy;
  private final TransactionValidator validator;
  private final int topFeatures;
  private final MetricsRecorder metrics;
  private final List<ListenerDispatcher> listeners;
  private final Executor asyncExecutor;
  private final ExecutorService ownedExecutor;
  private final BurstLog pipelineLog;
  private final BurstLog caseStoreLog;
  /** Logs a failure to observe (once per burst); made once, not per decision. */
  private final Consumer<RuntimeException> observeFailed;
  private final BurstLog ruleLog;
  /** Each scoring thread's rule context, reused from decision to decision. */
  private final ThreadLocal<Evaluation> evaluations;
  private volatile boolean closed;

  DefaultFraudEngine(FraudEngine.Builder b) {
    this.pipeline = b.pipeline;
    this.schema = pipeline.schema();
    this.schemaId = schema.name() + "@" + schema.version();
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < schema.size(); i++) {
      index.put(schema.features().get(i), i);
    }
    this.featureIndex = Map.copyOf(index);
    this.failureLogInterval = b.failureLogInterval;
    List<ModelSlot> slots = new ArrayList<>();
    for (int i = 0; i < b.models.size(); i++) {
      slots.add(new ModelSlot(b.models.get(i), b.weights.get(i), false, LOG, failureLogInterval));
    }
    List<ModelSlot> shadows = new ArrayList<>();
    for (FraudModel m : b.shadowModels) {
      shadows.add(new ModelSlot(m, 1, true, LOG, failureLogInterval));
    }
    this.models = new AtomicReference<>(new ModelSet(slots, shadows));
    this.caseStore = b.caseStore;
    this.nearestCases = b.nearestCases;
    this.rules = new AtomicReference<>(new Rules(b.rules, b.shadowRules));
    this.suppressions = b.suppressions;
    this.budget = b.alertBudget;
    if (budget != null) {
      budget.bind(b.policy);
    }
    this.policy = b.policy;
    this.validator = b.limits.clock(b.clock).build();
    this.topFeatures = b.topFeatures;
    this.metrics = new MetricsRecorder(b.clock);
    List<ListenerDispatcher> dispatchers = new ArrayList<>();
    for (int i = 0; i < b.listeners.size(); i++) {
      dispatchers.add(new ListenerDispatcher(b.listeners.get(i), i, b.listenerQueueCapacity,
          metrics.listenerDropped, metrics.listenerFailures, LOG, b.failureLogInterval));
    }
    this.listeners = List.copyOf(dispatchers);
    if (b.asyncExecutor != null) {
      this.asyncExecutor = b.asyncExecutor;
      this.ownedExecutor = null;
    } else {
      this.ownedExecutor = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
          daemonThreads("fraud-score-"));
      this.asyncExecutor = ownedExecutor;
    }
    this.pipelineLog = new BurstLog(LOG, "feature pipeline '" + schemaId + "'", b.failureLogInterval);
    this.caseStoreLog = new BurstLog(LOG, "case store", b.failureLogInterval);
    this.observeFailed = caseStoreLog::failed;
    this.ruleLog = new BurstLog(LOG, "rule", b.failureLogInterval);
    this.evaluations = ThreadLocal.withInitial(() -> new Evaluation(schema, featureIndex));
  }

  @Override
  public Decision score(Transaction tx) {
    long start = System.nanoTime();
    Objects.requireNonNull(tx, "tx");
    ensureOpen();
    List<InputProblem> problems = validator.problems(tx);
    if (!problems.isEmpty()) {
      metrics.rejected(problems);
      throw new InvalidTransactionException(tx.id(), problems);
    }
    return decide(tx, start);
  }

  @Override
  public List<Decision> scoreAll(List<Transaction> txs) {
    Objects.requireNonNull(txs, "txs");
    ensureOpen();
    List<InputProblem> all = new ArrayList<>();
    for (int i = 0; i < txs.size(); i++) {
      Transaction tx = Objects.requireNonNull(txs.get(i), () -> "txs contains null");
      List<InputProblem> problems = validator.problems(tx);
      if (!problems.isEmpty()) {
        metrics.rejected(problems);
        for (InputProblem p : problems) {
          all.add(new InputProblem("[" + i + "]." + p.field(), p.value(), p.code(), p.reason()));
        }
      }
    }
    if (!all.isEmpty()) {
      throw new InvalidTransactionException(null, all);
    }
    List<Decision> decisions = new ArrayList<>(txs.size());
    for (Transaction tx : txs) {
      decisions.add(decide(tx, System.nanoTime()));
    }
    return decisions;
  }

  @Override
  public CompletableFuture<Decision> scoreAsync(Transaction tx) {
    Objects.requireNonNull(tx, "tx");
    CompletableFuture<Decision> future = new CompletableFuture<>();
    try {
      asyncExecutor.execute(() -> {
        try {
          future.complete(score(tx));
        } catch (RuntimeException e) {
          future.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      future.completeExceptionally(closed
          ? new FraudEngineException(ErrorCode.ENGINE_CLOSED, "the engine is closed")
          : new FraudEngineException(ErrorCode.ENGINE_OVERLOADED, "the async executor refused the transaction", e));
    }
    return future;
  }

  /** Decides a validated transaction with the models current when it starts. */
  private Decision decide(Transaction tx, long start) {
    ModelSet set = ModelSet.acquire(models, LOG);
    try {
      return decide(tx, start, set);
    } finally {
      set.release(LOG);
    }
  }

  private Decision decide(Transaction tx, long start, ModelSet set) {
    List<ModelSlot> live = set.live;
    boolean degraded = false;
    List<Reason> faults = null;

    float[] features;
    boolean haveFeatures = true;
    try {
      features = pipeline.process(tx);
      if (features.length != schema.size()) {
        throw new IllegalStateException("the pipeline returned " + features.length + " features, its schema "
            + schemaId + " has " + schema.size());
      }
    } catch (PartialFeaturesException e) {
      pipelineLog.failed(e);
      features = e.features();
      degraded = true;
      faults = fault(faults, ReasonCode.FEATURES_PARTIAL, "some features could not be computed and are missing",
          Map.of("error", String.valueOf(e.getMessage())));
      if (features.length != schema.size()) {
        features = new float[schema.size()];
        Arrays.fill(features, Float.NaN);
        haveFeatures = false;
      }
    } catch (RuntimeException e) {
      pipelineLog.failed(e);
      features = new float[schema.size()];
      Arrays.fill(features, Float.NaN);
      haveFeatures = false;
      degraded = true;
      faults = fault(faults, ReasonCode.FEATURES_UNAVAILABLE, "features could not be computed; decided by rules only",
          Map.of("error", String.valueOf(e)));
    }

    int n = live.size();
    double[] scores = new double[n];
    // One model call gives the score and its contributions when decisions carry them.
    List<FeatureContribution>[] explanations = topFeatures > 0 && haveFeatures ? contributionArray(n) : null;
    double weightSum = 0;
    double weighted = 0;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < n; i++) {
      ModelSlot m = live.get(i);
      double s;
      if (explanations != null) {
        ExplainedScore e = m.scoreExplained(features, topFeatures);
        s = e == null ? Double.NaN : e.score();
        explanations[i] = e == null ? List.of() : e.contributions();
      } else {
        s = haveFeatures ? m.score(features) : Double.NaN;
      }
      scores[i] = s;
      if (Double.isNaN(s)) {
        if (haveFeatures) {
          degraded = true;
          faults = fault(faults, ReasonCode.MODEL_FAILED, "model '" + m.id + "' failed and was left out",
              Values.of("model", m.id, "version", m.version));
        }
        continue;
      }
      weightSum += m.weight;
      weighted += m.weight * s;
      min = Math.min(min, s);
      max = Math.max(max, s);
    }
    double combined = weightSum > 0 ? weighted / weightSum : Double.NaN;
    double agreement = max > min ? 1 - (max - min) : 1;
    List<ModelScore> shadowScores = List.of();
    if (haveFeatures && !set.shadow.isEmpty()) {
      shadowScores = new ArrayList<>(set.shadow.size());
      for (ModelSlot m : set.shadow) {
        double s = m.score(features);
        if (!Double.isNaN(s)) {
          shadowScores.add(new ModelScore(m.id, m.version, s, m.weight));
        }
      }
    }

    CaseSignals cases = CaseSignals.NONE;
    if (caseStore != null && haveFeatures) {
      // Observing is the store's memory of the transaction for later feedback: a failure to observe is logged once
      // per burst and does not degrade the decision, which is whole without it.
      try {
        cases = CaseSignals.of(caseStore.nearestThenObserve(tx, features, nearestCases, observeFailed));
      } catch (RuntimeException e) {
        caseStoreLog.failed(e);
        degraded = true;
        faults = fault(faults, ReasonCode.CASE_STORE_FAILED, "similar cases could not be searched",
            Map.of("error", String.valueOf(e)));
      }
    }

    Rules ruleSets = rules.get();
    Evaluation eval = evaluations.get();
    if (eval.inUse()) {
      eval = new Evaluation(schema, featureIndex);
    }
    eval.start(tx, features, live, scores, combined, cases);
    RuleHit[] hits = null;
    int hitCount = 0;
    double ruleScore = 0;
    RuleAction hard = null;
    try {
      for (Rule r : ruleSets.live().rules()) {
        RuleHit hit = evaluate(r, eval, false);
        if (hit == RULE_FAILED) {
          degraded = true;
          faults = fault(faults, ReasonCode.RULE_FAILED, "rule '" + r.id() + "' failed and counted as not fired",
              Map.of("rule", r.id()));
        } else if (hit != null) {
          hits = add(hits, hitCount++, hit);
          if (r.action() == RuleAction.SCORE) {
            ruleScore += r.weight();
          } else if (hard == null || r.action().ordinal() < hard.ordinal()) {
            hard = r.action();
          }
        }
      }
      for (Rule r : ruleSets.shadow().rules()) {
        RuleHit hit = evaluate(r, eval, true);
        if (hit != null && hit != RULE_FAILED) {
          hits = add(hits, hitCount++, hit);
        }
      }
    } finally {
      eval.finish();
    }

    double score = clamp((Double.isNaN(combined) ? 0 : combined) + ruleScore);
    RiskLevel level = budget != null ? budget.riskLevel(score) : policy.riskLevel(score);
    Verdict verdict = policy.verdict(level);
    if (hard == RuleAction.ALLOW) {
      verdict = Verdict.APPROVE;
    } else if (hard != null) {
      verdict = verdict.max(hard.verdict());
    }

    ModelScore[] scored = new ModelScore[n];
    int scoredCount = 0;
    for (int i = 0; i < n; i++) {
      if (!Double.isNaN(scores[i])) {
        ModelSlot m = live.get(i);
        scored[scoredCount++] = new ModelScore(m.id, m.version, scores[i], m.weight);
      }
    }
    List<ModelScore> modelScores = ImmutableLists.of(scored, scoredCount);
    List<RuleHit> ruleHits = hits == null ? List.of() : ImmutableLists.of(hits, hitCount);
    List<Reason> reasons = reasons(ruleHits, live, scores, explanations, weightSum, cases, faults);
    long latency = System.nanoTime() - start;
    Decision d = new Decision(tx.id(), verdict, level, score, modelScores, shadowScores, agreement, ruleHits,
        cases.neighbours(),
        reasons, degraded, schemaId, ruleSets.live().version(), latency);
    if (budget != null) {
      budget.record(score, tx.eventTime(), d.isAlert());
    }
    metrics.decided(verdict, degraded, latency);
    for (int i = 0; i < listeners.size(); i++) {
      listeners.get(i).offer(tx, d);
    }
    return d;
  }

  private RuleHit evaluate(Rule r, Evaluation eval, boolean shadow) {
    eval.startRule();
    boolean fired;
    try {
      fired = r.test(eval);
    } catch (RuntimeException e) {
      metrics.ruleFailures.increment();
      ruleLog.failed(e);
      return RULE_FAILED;
    }
    if (!fired || suppressions != null && suppressions.isSuppressed(r.id(), eval.transaction())) {
      return null;
    }
    Map<String, Object> read = eval.readValues();
    Map<String, Object> fields = r.transactionValues(eval.transaction());
    return new RuleHit(r.id(), r.action(), r.weight(), r.description(), fields.isEmpty() ? read : merge(fields, read),
        shadow);
  }

  /**
   * Orders the reasons: hard rule hits in precedence order, then model scores, feature contributions and score
   * rules by the absolute weight of their part of the score, then evidence (similar fraud cases), then faults.
   *
   * <p>The reasons are counted first and written into one array of that size, whose scored part is sorted in place
   * and which becomes the decision's list without a copy of its own: a decision carries five to ten reasons, and
   * growing, sorting through a sub-list and copying a list of them cost more than the reasons' own values.
   */
  private List<Reason> reasons(List<RuleHit> hits, List<ModelSlot> models, double[] scores,
      List<FeatureContribution>[] explanations, double weightSum, CaseSignals cases, List<Reason> faults) {
    int hard = 0;
    int scoreRules = 0;
    for (int i = 0; i < hits.size(); i++) {
      RuleHit h = hits.get(i);
      if (!h.shadow()) {
        if (h.action() == RuleAction.SCORE) {
          scoreRules++;
        } else {
          hard++;
        }
      }
    }
    int modelReasons = 0;
    for (int i = 0; i < scores.length; i++) {
      if (!Double.isNaN(scores[i])) {
        modelReasons += 1 + (explanations == null ? 0 : Math.min(explanations[i].size(), topFeatures));
      }
    }
    SimilarCase evidence = null;
    for (SimilarCase c : cases.neighbours()) {
      if (c.label() == Label.FRAUD) {
        evidence = c;
        break;
      }
    }
    Reason[] out = new Reason[hard + modelReasons + scoreRules + (evidence == null ? 0 : 1)
        + (faults == null ? 0 : faults.size())];
    int n = 0;
    if (hard > 0) {
      for (RuleAction action : PRECEDENCE) {
        for (int i = 0; i < hits.size(); i++) {
          RuleHit h = hits.get(i);
          if (!h.shadow() && h.action() == action) {
            out[n++] = ruleReason(h, 1);
          }
        }
      }
    }
    int firstScored = n;
    for (int i = 0; i < scores.length; i++) {
      double score = scores[i];
      if (Double.isNaN(score)) {
        continue;
      }
      ModelSlot m = models.get(i);
      double share = m.weight / weightSum * score;
      out[n++] = new Reason(ReasonCode.MODEL_SCORE, m.scoreMessage(score), share,
          Values.wrap("model", m.id, "version", m.version, "score", score, "weight", m.boxedWeight));
      if (explanations != null) {
        n = addContributions(out, n, explanations[i], m, share);
      }
    }
    if (scoreRules > 0) {
      for (int i = 0; i < hits.size(); i++) {
        RuleHit h = hits.get(i);
        if (!h.shadow() && h.action() == RuleAction.SCORE) {
          out[n++] = ruleReason(h, h.weight());
        }
      }
    }
    // Stable, as the order of equal weights is part of the decision.
    Arrays.sort(out, firstScored, n, BY_ABSOLUTE_WEIGHT);
    if (evidence != null) {
      Map<String, Object> values = evidence.fraudType() == null
          ? Values.of("case", evidence.caseId(), "similarity", evidence.similarity(), "fraudShare", cases.fraudShare())
          : Values.of("case", evidence.caseId(), "similarity", evidence.similarity(), "fraudType",
              evidence.fraudType(), "fraudShare", cases.fraudShare());
      out[n++] = new Reason(ReasonCode.SIMILAR_FRAUD_CASE,
          "similar to known fraud case '" + evidence.caseId() + "' (similarity " + decimal(evidence.similarity())
              + ")", 0, values);
    }
    if (faults != null) {
      for (int i = 0; i < faults.size(); i++) {
        out[n++] = faults.get(i);
      }
    }
    return ImmutableLists.of(out, n);
  }

  /**
   * Writes a model's top feature contributions from {@code out[n]} on, sharing the model's part of the score among
   * them; returns the index after the last one.
   */
  private int addContributions(Reason[] out, int n, List<FeatureContribution> top, ModelSlot m, double share) {
    double total = 0;
    for (int i = 0; i < top.size(); i++) {
      total += Math.abs(top.get(i).contribution());
    }
    int limit = Math.min(top.size(), topFeatures);
    for (int i = 0; i < limit; i++) {
      FeatureContribution c = top.get(i);
      double weight = total > 0 ? share * c.contribution() / total : 0;
      String message = contributionMessage(c.feature(), c.value(),
          c.contribution() >= 0 ? m.raisedSuffix : m.loweredSuffix);
      out[n++] = new Reason(ReasonCode.FEATURE_CONTRIBUTION, message, weight,
          Values.wrap("model", m.id, "feature", c.feature(), "value", c.value(), "contribution", c.contribution()));
    }
    return n;
  }

  @SuppressWarnings("unchecked")
  private static List<FeatureContribution>[] contributionArray(int n) {
    return (List<FeatureContribution>[]) new List<?>[n];
  }

  private static Map<String, Object> merge(Map<String, Object> first, Map<String, Object> second) {
    Object[] kv = new Object[2 * (first.size() + second.size())];
    int i = 0;
    for (Map.Entry<String, Object> e : first.entrySet()) {
      kv[i++] = e.getKey();
      kv[i++] = e.getValue();
    }
    for (Map.Entry<String, Object> e : second.entrySet()) {
      if (!first.containsKey(e.getKey())) {
        kv[i++] = e.getKey();
        kv[i++] = e.getValue();
      }
    }
    return Values.of(i == kv.length ? kv : Arrays.copyOf(kv, i));
  }

  private static Reason ruleReason(RuleHit h, double weight) {
    Object[] kv = new Object[2 + 2 * h.values().size()];
    kv[0] = "rule";
    kv[1] = h.ruleId();
    int i = 2;
    for (Map.Entry<String, Object> e : h.values().entrySet()) {
      if (!e.getKey().equals("rule")) {
        kv[i++] = e.getKey();
        kv[i++] = e.getValue();
      }
    }
    Map<String, Object> values = Values.of(i == kv.length ? kv : Arrays.copyOf(kv, i));
    String code = switch (h.action()) {
      case ALLOW -> ReasonCode.RULE_ALLOW;
      case BLOCK -> ReasonCode.RULE_BLOCK;
      case HOLD -> ReasonCode.RULE_HOLD;
      case REVIEW -> ReasonCode.RULE_REVIEW;
      case SCORE -> ReasonCode.RULE_SCORE;
    };
    return new Reason(code, h.description(), weight, values);
  }

  private static List<Reason> fault(List<Reason> faults, String code, String message, Map<String, Object> values) {
    List<Reason> list = faults == null ? new ArrayList<>(2) : faults;
    list.add(new Reason(code, message, 0, values));
    return list;
  }

  /** Stores a hit at {@code index}, growing the array when it is full; returns the array. */
  private static RuleHit[] add(RuleHit[] hits, int index, RuleHit hit) {
    RuleHit[] a = hits == null ? new RuleHit[4] : index == hits.length ? Arrays.copyOf(hits, 2 * index) : hits;
    a[index] = hit;
    return a;
  }

  private static double clamp(double v) {
    return v < 0 ? 0 : (v > 1 ? 1 : v);
  }

  /**
   * Writes a number for a message with at most three decimals, without {@code Double.toString} (slow on the
   * JDKs before 19, and this runs for several reasons per decision).
   */
  static String decimal(double v) {
    if (!Double.isFinite(v) || Math.abs(v) >= 1e15) {
      return Double.toString(v);
    }
    long thousandths = Math.round(v * 1000);
    return thousandths < 0
        ? "-" + (-thousandths / 1000) + FRACTIONS[(int) (-thousandths % 1000)]
        : thousandths / 1000 + FRACTIONS[(int) (thousandths % 1000)];
  }

  /**
   * Returns a feature contribution's message, {@code <feature> = <decimal(value)><suffix>}, as one string
   * concatenation of the texts, the whole part and the fraction (from {@link #FRACTIONS}), which allocates the
   * message and nothing else.
   */
  static String contributionMessage(String feature, double value, String suffix) {
    if (!Double.isFinite(value) || Math.abs(value) >= 1e15) {
      return feature + " = " + value + suffix;
    }
    long thousandths = Math.round(value * 1000);
    return thousandths < 0
        ? feature + " = -" + (-thousandths / 1000) + FRACTIONS[(int) (-thousandths % 1000)] + suffix
        : feature + " = " + thousandths / 1000 + FRACTIONS[(int) (thousandths % 1000)] + suffix;
  }

  private static String[] fractions() {
    String[] f = new String[1000];
    f[0] = "";
    for (int i = 1; i < 1000; i++) {
      String digits = Integer.toString(1000 + i).substring(1);
      int end = digits.length();
      while (digits.charAt(end - 1) == '0') {
        end--;
      }
      f[i] = "." + digits.substring(0, end);
    }
    return f;
  }

  @Override
  public void feedback(String transactionId, Label label, Instant labelTime) {
    Objects.requireNonNull(transactionId, "transactionId");
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(labelTime, "labelTime");
    if (transactionId.isBlank()) {
      throw new IllegalArgumentException("transactionId must not be blank");
    }
    ensureOpen();
    RuntimeException failure = null;
    try {
      pipeline.feedback(transactionId, label, labelTime);
    } catch (RuntimeException e) {
      failure = new FraudEngineException(ErrorCode.FEATURE_STATE_FAILED,
          "the feature pipeline could not record the label of " + transactionId, e);
    }
    if (caseStore != null) {
      try {
        caseStore.feedback(transactionId, label, labelTime);
      } catch (RuntimeException e) {
        FraudEngineException f = new FraudEngineException(ErrorCode.CASE_STORE_FAILED,
            "the case store could not record the label of " + transactionId, e);
        if (failure == null) {
          failure = f;
        } else {
          failure.addSuppressed(f);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public EngineMetrics metrics() {
    ModelSet set = models.get();
    List<ModelSlot> all = new ArrayList<>(set.live);
    all.addAll(set.shadow);
    return metrics.snapshot(all, budget == null ? null : budget.status());
  }

  @Override
  public void swapRules(RuleSet live) {
    Objects.requireNonNull(live, "live");
    checkRules(live);
    ensureOpen();
    Rules before = rules.getAndUpdate(r -> new Rules(live, r.shadow()));
    LOG.info("rule set {} replaced {}", live.version(), before.live().version());
  }

  @Override
  public void swapShadowRules(RuleSet shadow) {
    Objects.requireNonNull(shadow, "shadow");
    checkRules(shadow);
    ensureOpen();
    rules.getAndUpdate(r -> new Rules(r.live(), shadow));
    LOG.info("shadow rule set is now {}", shadow.version());
  }

  @Override
  public void swapModel(FraudModel replacement) {
    Objects.requireNonNull(replacement, "replacement");
    replacement.checkSchema(schema);
    ensureOpen();
    while (true) {
      ModelSet current = models.get();
      ModelSlot old = current.find(replacement.id());
      if (old == null) {
        throw new IllegalArgumentException("no model '" + replacement.id() + "' to replace; the engine has "
            + ids(current));
      }
      ModelSlot fresh = new ModelSlot(replacement, old.weight, old.shadow, LOG, failureLogInterval);
      ModelSet next = new ModelSet(replaced(current.live, old, fresh), replaced(current.shadow, old, fresh));
      if (models.compareAndSet(current, next)) {
        current.retire(List.of(old), LOG);
        LOG.info("model '{}' version {} replaced version {}", fresh.id, fresh.version, old.version);
        return;
      }
    }
  }

  private static List<ModelSlot> replaced(List<ModelSlot> slots, ModelSlot old, ModelSlot fresh) {
    List<ModelSlot> out = new ArrayList<>(slots.size());
    for (ModelSlot m : slots) {
      out.add(m == old ? fresh : m);
    }
    return out;
  }

  private static List<String> ids(ModelSet set) {
    List<String> ids = new ArrayList<>();
    set.live.forEach(m -> ids.add(m.id));
    set.shadow.forEach(m -> ids.add(m.id + " (shadow)"));
    return ids;
  }

  @Override
  public RuleSet rules() {
    return rules.get().live();
  }

  private void checkRules(RuleSet set) {
    for (Rule r : set.rules()) {
      r.checkSchema(schema);
    }
  }

  @Override
  public EngineHealth health() {
    ModelSet set = models.get();
    List<ModelSlot> all = new ArrayList<>(set.live);
    all.addAll(set.shadow);
    List<ModelHealth> states = new ArrayList<>(all.size());
    boolean failing = false;
    for (ModelSlot m : all) {
      ModelHealth h = m.health();
      failing |= !m.shadow && h.state() == ModelHealth.State.FAILING;
      states.add(h);
    }
    EngineHealth.Status status = closed ? EngineHealth.Status.CLOSED
        : failing ? EngineHealth.Status.DEGRADED : EngineHealth.Status.UP;
    return new EngineHealth(status, states, schemaId, rules.get().live().version());
  }

  @Override
  public FeatureSchema featureSchema() {
    return schema;
  }

  private void ensureOpen() {
    if (closed) {
      throw new FraudEngineException(ErrorCode.ENGINE_CLOSED, "the engine is closed");
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (ownedExecutor != null) {
      ownedExecutor.shutdown();
      try {
        if (!ownedExecutor.awaitTermination(LISTENER_DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
          ownedExecutor.shutdownNow();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        ownedExecutor.shutdownNow();
      }
    }
    for (ListenerDispatcher l : listeners) {
      l.close(LISTENER_DRAIN);
    }
    ModelSet last = models.getAndSet(new ModelSet(List.of(), List.of()));
    List<ModelSlot> all = new ArrayList<>(last.live);
    all.addAll(last.shadow);
    last.retire(all, LOG);
    if (caseStore != null) {
      closeQuietly(caseStore, "case store");
    }
    closeQuietly(pipeline, "feature pipeline '" + schemaId + "'");
  }

  private static void closeQuietly(AutoCloseable c, String what) {
    try {
      c.close();
    } catch (Exception e) {
      LOG.warn("closing the {} failed", what, e);
    }
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
