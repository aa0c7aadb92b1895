package dev.fraudengine.bench;

import dev.fraudengine.core.Decision;
import dev.fraudengine.core.ExplainedScore;
import dev.fraudengine.core.FraudModel;
import dev.fraudengine.core.Rule;
import dev.fraudengine.core.SimilarCase;
import dev.fraudengine.core.Transaction;
import java.util.List;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Where the time of a realistic decision goes: each stage of {@link RealisticEngine} measured alone on the same
 * state, beside the whole {@code engine.score}, so that the stages can be compared with the decision in one run.
 *
 * <ul>
 *   <li>{@code features}: {@code standard()} over the million cards, one new payment (update and vector);
 *   <li>{@code trees}: the 300-tree model's score; {@code treesExplained}: its score with the top three feature
 *       contributions in one call, as the engine asks for them;
 *   <li>{@code anomaly}: the ONNX autoencoder through ONNX Runtime;
 *   <li>{@code caseSearch}: the 5 nearest of the 100,000 known cases (approximate), embedding included;
 *   <li>{@code caseObserve}: the case store remembering a new payment's embedding (embedding included) so that
 *       later feedback can make it a case; the payment is made in the call, as in {@code features};
 *   <li>{@code caseSearchThenObserve}: what the engine asks of the case store on each decision (since session 6):
 *       both of the above in one call ({@code CaseStore.nearestThenObserve}), the payment embedded once; the payment
 *       is made in the call, so this compares with {@code caseSearch + caseObserve};
 *   <li>{@code rules}: the 30 compiled rules over a direct rule context (no read recording);
 *   <li>{@code engine}: the whole decision, as {@code EngineScoreBenchmark.score} with {@code config=realistic}.
 * </ul>
 *
 * <p>The model, case and rule stages cycle through 4,096 payments whose features were computed in the setup. The
 * realistic engine takes a minute or two to build; it is built once per JVM and shared by the methods, so the
 * whole breakdown can run in one JVM ({@code -f 0}, the quick way; JIT profiles then carry over from method to
 * method) or with one fork per method (the default, a build each):
 *
 * <pre>
 * java -Xms8g -Xmx8g -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch \
 *     -jar fraud-bench/target/benchmarks.jar EngineBreakdownBenchmark -f 0 -wi 3 -w 2s -i 5 -r 2s
 * </pre>
 *
 * (with {@code -f 0} the methods run in the harness's own JVM, so the {@code java} command carries the heap and
 * the settings that a fork would have).
 *
 * <p><b>JVM settings.</b> A fork runs as a service holding gigabytes of feature state would be deployed: a fixed
 * heap, {@code -XX:+UseTransparentHugePages} (the heap in 2 MB pages, so that a payment's scattered reads over the
 * state miss the TLB far less; needs the kernel's transparent huge pages in {@code madvise} or {@code always} mode,
 * {@code /sys/kernel/mm/transparent_hugepage/enabled}) and {@code -XX:+AlwaysPreTouch} (the heap's pages mapped at
 * start, not on a young collection's first use of them). Without the last two the same code is slower (measured
 * side by side in fraud-bench/README.md and BENCHMARKS.md); to run without them, give the heap alone on the command
 * line, which replaces the fork's settings: {@code -jvmArgsAppend "-Xms8g -Xmx8g"}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms8g", "-Xmx8g", "-XX:+UseTransparentHugePages", "-XX:+AlwaysPreTouch"})
public class EngineBreakdownBenchmark {
  private static final long SEED = 20240917L;
  private static final int POOL = 4_096;
  private static final int TOP_FEATURES = 3;
  private static final int NEIGHBOURS = 5;
  private static RealisticEngine shared;

  private RealisticEngine realistic;
  private Transaction[] transactions;
  private float[][] vectors;
  private Rule[] rules;
  private EngineScoreBenchmark.DirectContext context;
  private int next;

  /** Builds (once per JVM) the realistic engine and the pool of payments with their features. */
  @Setup(Level.Trial)
  public void setUp() {
    realistic = realistic();
    transactions = new Transaction[POOL];
    vectors = new float[POOL][];
    for (int i = 0; i < POOL; i++) {
      transactions[i] = realistic.next();
      vectors[i] = realistic.pipeline.process(transactions[i]);
    }
    rules = realistic.rules.rules().toArray(new Rule[0]);
    FraudModel[] models = realistic.models();
    context = new EngineScoreBenchmark.DirectContext(realistic.pipeline.schema(), models);
  }

  private static synchronized RealisticEngine realistic() {
    if (shared == null) {
      shared = RealisticEngine.build(SEED);
      System.out.printf("%nrealistic case store: %s; recall@%d of its approximate search on 200 new payments "
          + "against an exact scan: %.4f%n", shared.cases, NEIGHBOURS, shared.caseRecall(200, NEIGHBOURS));
    }
    return shared;
  }

  private int nextIndex() {
    int i = next;
    next = (i + 1) & (POOL - 1);
    return i;
  }

  /**
   * The feature pipeline on a new payment.
   *
   * @return the feature vector
   */
  @Benchmark
  public float[] features() {
    return realistic.pipeline.process(realistic.next());
  }

  /**
   * The tree model's score.
   *
   * @return the score
   */
  @Benchmark
  public double trees() {
    return realistic.model.score(vectors[nextIndex()]);
  }

  /**
   * The tree model's score and top contributions in one call.
   *
   * @return the score and contributions
   */
  @Benchmark
  public ExplainedScore treesExplained() {
    return realistic.model.scoreExplained(vectors[nextIndex()], TOP_FEATURES);
  }

  /**
   * The autoencoder through ONNX Runtime.
   *
   * @return the anomaly score
   */
  @Benchmark
  public double anomaly() {
    return realistic.anomaly.score(vectors[nextIndex()]);
  }

  /**
   * The nearest known cases, embedding included.
   *
   * @return the neighbours
   */
  @Benchmark
  public List<SimilarCase> caseSearch() {
    int i = nextIndex();
    return realistic.cases.nearest(transactions[i], vectors[i], NEIGHBOURS);
  }

  /**
   * The case store remembering a new payment (embedding included).
   *
   * @return the payment
   */
  @Benchmark
  public Transaction caseObserve() {
    Transaction tx = realistic.next();
    realistic.cases.observe(tx, vectors[nextIndex()]);
    return tx;
  }

  /**
   * The engine's case-store call: the nearest known cases of a new payment, then the store remembering it, with one
   * embedding.
   *
   * @return the neighbours
   */
  @Benchmark
  public List<SimilarCase> caseSearchThenObserve() {
    Transaction tx = realistic.next();
    return realistic.cases.nearestThenObserve(tx, vectors[nextIndex()], NEIGHBOURS, e -> {
      throw e;
    });
  }

  /**
   * The 30 rules over a direct context.
   *
   * @return how many fired
   */
  @Benchmark
  public int rules() {
    int i = nextIndex();
    context.scores[0] = 0.1;
    context.scores[1] = 0.3;
    context.reset(transactions[i], vectors[i], 0.15);
    int fired = 0;
    for (Rule r : rules) {
      if (r.test(context)) {
        fired++;
      }
    }
    return fired;
  }

  /**
   * The whole decision on a new payment.
   *
   * @return the decision
   */
  @Benchmark
  public Decision engine() {
    return realistic.engine.score(realistic.next());
  }
}
