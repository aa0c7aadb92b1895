package dev.fraudengine.bench;

import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.FraudModel;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.NamedLists;
import dev.fraudengine.core.RuleCompiler;
import dev.fraudengine.core.RuleSet;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.features.FeaturePipelines;
import dev.fraudengine.features.OnlineFeaturePipeline;
import dev.fraudengine.models.GradientBoostedTrees;
import dev.fraudengine.models.onnx.Autoencoder;
import dev.fraudengine.models.onnx.AutoencoderModel;
import dev.fraudengine.models.onnx.AutoencoderTrainer;
import dev.fraudengine.rag.Case;
import dev.fraudengine.rag.Embedder;
import dev.fraudengine.rag.InMemoryCaseStore;
import dev.fraudengine.rag.SearchMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import ml.dmlc.xgboost4j.java.Booster;
import ml.dmlc.xgboost4j.java.DMatrix;
import ml.dmlc.xgboost4j.java.XGBoost;
import ml.dmlc.xgboost4j.java.XGBoostError;

/**
 * The whole engine in a realistic configuration, for the benchmarks that ask what a real decision costs:
 * {@code standard()} features with the state of {@value #CARDS} cards, {@value #TERMINALS} terminals and their
 * devices and IPs; a gradient-boosted model of 300 trees of depth 6 trained on those features (weight 3) and the
 * ONNX autoencoder anomaly model (37-64-16-64-37, scored through ONNX Runtime, weight 1); a case store of
 * {@value #CASES} known cases searched approximately; the 30 rules of {@code standard-30.rules}; reasons on every
 * decision (three top features). Building it takes a minute or two and a few GB of heap.
 *
 * <p>Traffic: card and terminal popularity are skewed (a card is drawn as {@code CARDS * u^2}); each card has a
 * home location, one or two devices and a home IP; 2 % of payments are synthetic fraud (large amounts at new
 * devices, far from home). Event times move forward one second a payment (about 86,000 payments a day across the
 * million cards), so the 2.5 million payments of the setup span 29 days: the day, week and month windows and the
 * 7-day-delayed label windows all hold history, as they would in production. The state never sees a late event.
 */
final class RealisticEngine implements AutoCloseable {
  static final int CARDS = 1_000_000;
  static final int TERMINALS = 100_000;
  static final int CASES = 100_000;
  static final int TREES = 300;
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final long GAP_MILLIS = 1_000;

  final OnlineFeaturePipeline pipeline;
  final GradientBoostedTrees model;
  final AutoencoderModel anomaly;
  final InMemoryCaseStore cases;
  private final Embedder embedder;
  final RuleSet rules;
  final FraudEngine engine;
  private final SplittableRandom random;
  private long clock;
  private long ids;

  private RealisticEngine(long seed, Path workDir) throws XGBoostError, IOException {
    random = new SplittableRandom(seed);
    pipeline = FeaturePipelines.standard();
    FeatureSchema schema = pipeline.schema();
    // Every card once, then skewed traffic: a month of history for a million cards.
    for (int c = 0; c < CARDS; c++) {
      pipeline.process(transaction(c, random.nextInt(TERMINALS), false));
    }
    List<float[]> rows = new ArrayList<>();
    List<Boolean> labels = new ArrayList<>();
    List<Transaction> labelled = new ArrayList<>();
    for (int i = 0; i < 1_500_000; i++) {
      boolean fraud = random.nextDouble() < 0.02;
      Transaction tx = next(fraud);
      float[] f = pipeline.process(tx);
      if (i % 10 == 0) {
        rows.add(f);
        labels.add(fraud);
        labelled.add(tx);
      }
      if (fraud && i % 3 == 0) {
        pipeline.feedback(tx.id(), Label.FRAUD, tx.eventTime());
      }
    }
    model = train(schema, rows, labels, workDir);
    List<float[]> legitimate = new ArrayList<>();
    for (int i = 0; i < rows.size() && legitimate.size() < 20_000; i++) {
      if (!labels.get(i)) {
        legitimate.add(rows.get(i));
      }
    }
    Autoencoder autoencoder = AutoencoderTrainer.builder().hiddenSizes(64, 16, 64).epochs(3).seed(seed).build()
        .train(schema, legitimate.toArray(new float[0][]));
    Path anomalyDir = workDir.resolve("anomaly");
    autoencoder.write(anomalyDir);
    anomaly = AutoencoderModel.load(anomalyDir, schema, "anomaly");
    embedder = Embedder.fit(rows.subList(0, Math.min(rows.size(), 20_000)), null);
    cases = InMemoryCaseStore.builder(embedder).searchMode(SearchMode.APPROXIMATE).build();
    List<Case> known = new ArrayList<>(CASES);
    for (int i = 0; i < CASES && i < rows.size(); i++) {
      Transaction tx = labelled.get(i);
      known.add(new Case("case-" + i, embedder.embed(rows.get(i)), labels.get(i) ? Label.FRAUD : Label.LEGITIMATE,
          null, tx.eventTime(), tx.eventTime(), Map.of()));
    }
    cases.addAll(known);
    NamedLists lists = new NamedLists()
        .define("blocked_cards", List.of("card-999998", "card-999999"))
        .define("blocked_devices", List.of("dev-bad-1"))
        .define("trusted_cards", List.of("card-7"));
    rules = RuleCompiler.builder().schema(schema).models(model.id()).lists(lists).build()
        .compile("standard-30", ruleFile());
    engine = FraudEngine.builder()
        .clock(Clock.fixed(Instant.parse("2100-01-01T00:00:00Z"), ZoneOffset.UTC))
        .features(pipeline)
        .model(model, 3)
        .model(anomaly, 1)
        .caseStore(cases)
        .rules(rules)
        .build();
  }

  /** Builds the engine; see the class comment. */
  static RealisticEngine build(long seed) {
    try {
      Path dir = Files.createTempDirectory("realistic-engine");
      return new RealisticEngine(seed, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (XGBoostError e) {
      throw new IllegalStateException("training the benchmark model failed", e);
    }
  }

  /** The next payment of the traffic, one second after the previous one. */
  Transaction next() {
    return next(random.nextDouble() < 0.02);
  }

  private Transaction next(boolean fraud) {
    double u = random.nextDouble();
    int card = (int) (CARDS * u * u);
    double v = random.nextDouble();
    int terminal = (int) (TERMINALS * v * v);
    return transaction(card, terminal, fraud);
  }

  private Transaction transaction(int card, int terminal, boolean fraud) {
    clock += GAP_MILLIS;
    SplittableRandom r = random;
    boolean ecom = r.nextDouble() < 0.4 || fraud;
    double amount = fraud ? 300 + r.nextDouble() * 3_000 : Math.exp(3.3 + r.nextGaussian());
    double homeLat = 43 + (card % 600) / 100.0;
    double homeLon = -1 + (card / 600 % 800) / 100.0;
    double lat = fraud ? homeLat + 10 : homeLat + r.nextGaussian() * 0.05;
    double lon = fraud ? homeLon + 20 : homeLon + r.nextGaussian() * 0.05;
    String device = ecom ? (fraud ? "dev-x" + r.nextInt(50_000) : "dev-" + card + "-" + r.nextInt(2)) : null;
    String ip = ecom ? (fraud ? "ip-x" + r.nextInt(20_000) : "ip-" + card) : null;
    return new Transaction("tx-" + ids++, START.plusMillis(clock), Math.round(amount * 100) / 100.0 + 0.01, "EUR",
        "card-" + card, "term-" + terminal, null, ecom ? "ecom" : "pos", "5411", device, ip,
        Math.max(-90, Math.min(90, lat)), lon, "FR", Map.of());
  }

  private static GradientBoostedTrees train(FeatureSchema schema, List<float[]> rows, List<Boolean> labels,
      Path dir) throws XGBoostError {
    int width = schema.size();
    int n = rows.size();
    float[] flat = new float[n * width];
    float[] y = new float[n];
    for (int i = 0; i < n; i++) {
      System.arraycopy(rows.get(i), 0, flat, i * width, width);
      y[i] = labels.get(i) ? 1 : 0;
    }
    DMatrix train = new DMatrix(flat, n, width, Float.NaN);
    train.setLabel(y);
    Map<String, Object> params = new HashMap<>();
    params.put("objective", "binary:logistic");
    params.put("max_depth", 6);
    params.put("eta", 0.05);
    params.put("tree_method", "hist");
    params.put("nthread", 2);
    params.put("seed", 0);
    Booster booster = XGBoost.train(train, params, TREES, new HashMap<>(), null, null);
    train.dispose();
    Path file = dir.resolve("model.json");
    booster.saveModel(file.toString());
    booster.dispose();
    return GradientBoostedTrees.load(file, schema, "gbt", "realistic-1");
  }

  private static String ruleFile() {
    try (InputStream in = RealisticEngine.class.getResourceAsStream("/standard-30.rules")) {
      if (in == null) {
        throw new IllegalStateException("standard-30.rules is missing from the benchmarks jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Recall@k of the case store's approximate search against an exact scan of its cases (squared L2, ties counted as
   * hits), over the embeddings of new transactions of the traffic, processed through the pipeline as the engine
   * would. Advances the traffic and the pipeline's state.
   *
   * @param queries how many new transactions to search for
   * @param k the neighbours compared
   * @return the share of the approximate search's k that are among the exact k
   */
  double caseRecall(int queries, int k) {
    float[][] vectors = new float[cases.size()][];
    Map<String, float[]> byId = new HashMap<>();
    for (int i = 0; i < vectors.length; i++) {
      vectors[i] = cases.get("case-" + i).orElseThrow().vector();
      byId.put("case-" + i, vectors[i]);
    }
    int hits = 0;
    float[] costs = new float[vectors.length];
    for (int q = 0; q < queries; q++) {
      float[] e = embedder.embed(pipeline.process(next()));
      for (int i = 0; i < vectors.length; i++) {
        costs[i] = squared(e, vectors[i]);
      }
      float[] sorted = costs.clone();
      java.util.Arrays.sort(sorted);
      float kth = sorted[k - 1];
      for (dev.fraudengine.core.SimilarCase c : cases.nearest(e, k)) {
        hits += squared(e, byId.get(c.caseId())) <= kth ? 1 : 0;
      }
    }
    return hits / (double) (queries * k);
  }

  private static float squared(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      float d = a[i] - b[i];
      s += d * d;
    }
    return s;
  }

  /** The models the engine runs, for a baseline that calls them directly. */
  FraudModel[] models() {
    return new FraudModel[] {model, anomaly};
  }

  @Override
  public void close() {
    engine.close();
  }
}
