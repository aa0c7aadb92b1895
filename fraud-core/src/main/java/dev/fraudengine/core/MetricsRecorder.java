package dev.fraudengine.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The engine's counters and latency histogram.
 *
 * <p>Recording is lock-free and wait-free on the scoring path (LongAdder cells, HdrHistogram's {@link Recorder}
 * with its writer-reader phaser); {@link #snapshot} takes a lock to fold the recorder's interval histogram into
 * the running total, so that readers never stop writers.
 */
final class MetricsRecorder {
  private static final Verdict[] VERDICTS = Verdict.values();

  private final LongAdder[] byVerdict = new LongAdder[VERDICTS.length];
  private final LongAdder degraded = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final Map<String, LongAdder> rejectedByReason = new ConcurrentHashMap<>();
  final LongAdder ruleFailures = new LongAdder();
  final LongAdder listenerDropped = new LongAdder();
  final LongAdder listenerFailures = new LongAdder();
  private final Recorder recorder = new Recorder(3);
  private final Histogram total = new Histogram(3);
  private Histogram interval;
  private final Clock clock;
  private final Instant started;

  MetricsRecorder(Clock clock) {
    for (int i = 0; i < byVerdict.length; i++) {
      byVerdict[i] = new LongAdder();
    }
    this.clock = clock;
    this.started = clock.instant();
  }

  void decided(Verdict verdict, boolean wasDegraded, long latencyNanos) {
    byVerdict[verdict.ordinal()].increment();
    if (wasDegraded) {
      degraded.increment();
    }
    recorder.recordValue(Math.max(0, latencyNanos));
  }

  void rejected(List<InputProblem> problems) {
    rejected.increment();
    for (InputProblem p : problems) {
      rejectedByReason.computeIfAbsent(p.metricKey(), k -> new LongAdder()).increment();
    }
  }

  EngineMetrics snapshot(List<ModelSlot> models, AlertBudget.Status budget) {
    LatencySummary latency;
    synchronized (this) {
      interval = recorder.getIntervalHistogram(interval);
      total.add(interval);
      latency = new LatencySummary(total.getTotalCount(),
          total.getValueAtPercentile(50), total.getValueAtPercentile(95), total.getValueAtPercentile(99),
          total.getMaxValue(), total.getTotalCount() == 0 ? 0 : total.getMean());
    }
    Map<Verdict, Long> verdicts = new EnumMap<>(Verdict.class);
    long decisions = 0;
    for (Verdict v : VERDICTS) {
      long n = byVerdict[v.ordinal()].sum();
      verdicts.put(v, n);
      decisions += n;
    }
    Map<String, Long> reasons = new TreeMap<>();
    rejectedByReason.forEach((k, v) -> reasons.put(k, v.sum()));
    Map<String, Long> modelFailures = new TreeMap<>();
    for (ModelSlot m : models) {
      long f = m.failures();
      if (f > 0) {
        modelFailures.put(m.id, f);
      }
    }
    return new EngineMetrics(decisions, verdicts, degraded.sum(), rejected.sum(), reasons, modelFailures,
        ruleFailures.sum(), listenerDropped.sum(), listenerFailures.sum(), latency,
        Duration.between(started, clock.instant()), budget);
  }
}
