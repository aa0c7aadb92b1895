package dev.fraudengine.bench;

import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.features.FeaturePipelines;
import dev.fraudengine.features.OnlineFeaturePipeline;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
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
 * What does the in-memory feature pipeline cost per transaction, update and vector, once it holds a month of
 * state for a million cards? The target is under 3 µs per transaction for {@code standard()}, single thread.
 *
 * <p>{@link #process()} makes the next payment and calls {@link OnlineFeaturePipeline#process}: the features as of
 * its event time, then the update of every entity it touches (card, terminal, device, IP) and of the label index.
 * {@link #transaction()} is the baseline: the same payment made and not processed. <b>The pipeline's cost is
 * {@code process - transaction}</b>, in time and, with {@code -prof gc}, in bytes allocated per operation
 * ({@code gc.alloc.rate.norm}).
 *
 * <p>{@code pipeline}: {@code standard} ({@link FeaturePipelines#standard()}, 37 features over card, terminal,
 * device and IP) or {@code handbook} ({@link FeaturePipelines#handbook()}, 15 features over card and terminal).
 *
 * <p>Data, from a {@link SplittableRandom} seeded with {@value #SEED}: {@value #CARDS} cards and {@value #TERMINALS}
 * terminals. A payment's card is drawn as {@code CARDS * u^3} and its terminal as {@code TERMINALS * v^2} ({@code u},
 * {@code v} uniform): the most popular 1 % of the cards make about a fifth of the payments and the most popular 1 %
 * of the terminals a tenth. Each card has a home location, one to three devices (the first one in 80 % of its
 * e-commerce payments) and a home IP (70 %, else one of 200,000 shared IPs); 40 % of the payments are e-commerce
 * (device and IP set), 90 % carry a location (near the card's home, 5 % of them far away). Amounts are log-normal
 * (median about 33 EUR), 0.5 % of the payments are fraud (larger amounts, new devices), and their labels are fed
 * back 7 days after the payment during the warm-up.
 *
 * <p>State, built in {@link #setUp()} (a minute or two): every card once, then {@value #WARMUP_PAYMENTS} skewed
 * payments: {@value #MONTH_PAYMENTS} payments over 30 days of event time, {@value #GAP_MILLIS} ms apart (about 7
 * a card and 70 a terminal). The measured payments go on at the same rate, so the state stays at a month of traffic:
 * events leave every window as new ones come in. Event times only move forward; nothing is late.
 *
 * <p>How realistic: event time does not advance too slowly. A million real cards paying one to three times a day
 * would make 30 to 90 million payments a month; here an average card pays about 0.23 times a day (7 payments in
 * 30 days), so its windows hold fewer events than a real card's. The skew goes the other way: the most popular card
 * makes 1 % of all payments (about 2,300 a day) and the ten most popular reach the 10,000-event bound, far busier
 * than any real card, like the busiest terminals (about 750 payments a day) and shared IPs. The data is kept as it
 * was, so that figures stay comparable across versions: it is a stress test of busy entities, whose windows the
 * pipeline keeps as running aggregates (their cost per payment does not grow with the number of events in them).
 *
 * <p><b>JVM settings.</b> The fork runs as a service holding gigabytes of feature state would be deployed: a fixed
 * heap, {@code -XX:+UseTransparentHugePages} (the heap in 2 MB pages, so that a payment's scattered reads over the
 * state miss the TLB far less; needs the kernel's transparent huge pages in {@code madvise} or {@code always} mode,
 * {@code /sys/kernel/mm/transparent_hugepage/enabled}) and {@code -XX:+AlwaysPreTouch} (the heap's pages mapped at
 * start, not on a young collection's first use of them). Without the last two the same code is slower (measured
 * side by side in fraud-bench/README.md and BENCHMARKS.md); to run without them, give the heap alone on the command
 * line, which replaces the fork's settings: {@code -jvmArgsAppend "-Xms6g -Xmx6g"}.
 * <p>Run, from the repository root (the fork takes {@code -Xmx6g}):
 * <pre>{@code
 * ./mvnw -B -q -pl fraud-bench -am package -DskipTests
 * java -jar fraud-bench/target/benchmarks.jar FeaturePipelineBenchmark -f 1 -wi 2 -w 2s -i 4 -r 2s -prof gc
 * }</pre>
 * One pipeline only: add {@code -p pipeline=standard}. A CPU profile: {@code -prof stack} or {@code -prof jfr}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-XX:+UseTransparentHugePages", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class FeaturePipelineBenchmark {
  static final long SEED = 20260315L;
  static final int CARDS = 1_000_000;
  static final int TERMINALS = 100_000;
  static final int SHARED_IPS = 200_000;
  static final int WARMUP_PAYMENTS = 6_000_000;
  static final int MONTH_PAYMENTS = CARDS + WARMUP_PAYMENTS;
  static final long GAP_MILLIS = 370;
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final long LABEL_DELAY_MILLIS = 7 * 86_400_000L;

  /** The pipeline: {@code standard} or {@code handbook}. */
  @Param({"standard", "handbook"})
  public String pipeline;

  private OnlineFeaturePipeline features;
  private SplittableRandom random;
  private long clock;
  private long ids;

  /**
   * Builds the pipeline and a month of state; checks that no entity was evicted. (The few most popular terminals
   * and shared IPs reach the default bound of 10,000 events an entity, and drop their oldest events, as a real
   * deployment's would: that bound is part of what is measured.)
   */
  @Setup(Level.Trial)
  public void setUp() {
    features = pipeline.equals("standard") ? FeaturePipelines.standard() : FeaturePipelines.handbook();
    random = new SplittableRandom(SEED);
    ArrayDeque<Transaction> frauds = new ArrayDeque<>();
    for (int c = 0; c < CARDS; c++) {
      features.process(payment(c, random.nextInt(TERMINALS), false));
    }
    for (int i = 0; i < WARMUP_PAYMENTS; i++) {
      boolean fraud = random.nextDouble() < 0.005;
      Transaction tx = next(fraud);
      while (!frauds.isEmpty()
          && frauds.peekFirst().eventTime().toEpochMilli() + LABEL_DELAY_MILLIS <= tx.eventTime().toEpochMilli()) {
        Transaction f = frauds.pollFirst();
        features.feedback(f.id(), Label.FRAUD, f.eventTime().plusMillis(LABEL_DELAY_MILLIS));
      }
      features.process(tx);
      if (fraud) {
        frauds.addLast(tx);
      }
    }
    OnlineFeaturePipeline.Stats stats = features.stats();
    System.out.println();
    System.out.println("state after set-up: " + stats);
    if (stats.evictions() > 0) {
      throw new IllegalStateException("the set-up state lost entities: " + stats);
    }
  }

  /** Forgets the state. */
  @TearDown(Level.Trial)
  public void tearDown() {
    System.out.println();
    System.out.println("state after the run: " + features.stats());
    features.close();
  }

  /**
   * The baseline: makes the next payment, without processing it.
   *
   * @return the payment
   */
  @Benchmark
  public Transaction transaction() {
    return next(random.nextDouble() < 0.005);
  }

  /**
   * Makes the next payment and processes it: features, then the state update.
   *
   * @return the feature vector
   */
  @Benchmark
  public float[] process() {
    return features.process(next(random.nextDouble() < 0.005));
  }

  private Transaction next(boolean fraud) {
    double u = random.nextDouble();
    double v = random.nextDouble();
    return payment((int) (CARDS * u * u * u), (int) (TERMINALS * v * v), fraud);
  }

  private Transaction payment(int card, int terminal, boolean fraud) {
    clock += GAP_MILLIS;
    SplittableRandom r = random;
    boolean ecom = fraud || r.nextDouble() < 0.4;
    double amount = fraud ? 200 + r.nextDouble() * 2_000 : Math.exp(3.5 + r.nextGaussian());
    String device = null;
    String ip = null;
    if (ecom) {
      int devices = 1 + card % 3;
      device = fraud ? "dev-x" + r.nextInt(100_000)
          : "dev-" + card + "-" + (r.nextDouble() < 0.8 ? 0 : r.nextInt(devices));
      ip = !fraud && r.nextDouble() < 0.7 ? "ip-" + card : "ip-s" + (int) (SHARED_IPS * Math.pow(r.nextDouble(), 2));
    }
    double lat = Double.NaN;
    double lon = Double.NaN;
    if (r.nextDouble() < 0.9) {
      boolean away = fraud || r.nextDouble() < 0.05;
      lat = away ? 35 + r.nextDouble() * 25 : 43 + (card % 600) / 100.0 + r.nextGaussian() * 0.05;
      lon = away ? -10 + r.nextDouble() * 40 : -1 + (card / 600 % 800) / 100.0 + r.nextGaussian() * 0.05;
    }
    return new Transaction("tx-" + ids++, START.plusMillis(clock), Math.round(amount * 100) / 100.0, "EUR",
        "card-" + card, "term-" + terminal, null, ecom ? "ecom" : "pos", "5411", device, ip, lat, lon, "FR", Map.of());
  }
}
