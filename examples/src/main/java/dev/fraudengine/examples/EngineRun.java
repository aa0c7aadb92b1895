package dev.fraudengine.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudengine.core.CaseSignals;
import dev.fraudengine.core.Decision;
import dev.fraudengine.core.FraudEngine;
import dev.fraudengine.core.InvalidTransactionException;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.Rule;
import dev.fraudengine.core.RuleHit;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.core.Verdict;
import dev.fraudengine.features.EngineReplay;
import dev.fraudengine.features.Replay;
import dev.fraudengine.models.Metrics;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/*
 * Runs a whole input through an engine with EngineReplay (state warm, labels fed back after the delay) and keeps
 * the decisions of the evaluation window, from which eval, backtest and the demo compute their figures.
 *
 * The evaluation set (unless keepKnownCompromised) follows the handbook's Chapter 3 protocol: the rows of the window [from, to) that have a
 * label, minus the rows of cards already known to be compromised, i.e. cards with a fraud whose label was known
 * (label time <= the start of the row's UTC day). Card Precision@100 is then Metrics.cardPrecisionAtK, which also
 * leaves out, day by day, the cards it has already detected in the window.
 */
final class EngineRun {
  /** One decision of the evaluation window. */
  record Row(Transaction transaction, boolean fraud, String pattern, Decision decision) {
    double score() {
      return decision.score();
    }

    Verdict verdict() {
      return decision.verdict();
    }

    long day() {
      return Math.floorDiv(transaction.eventTime().getEpochSecond(), 86_400L);
    }
  }

  /** A bad input line, when the run is strict. */
  static final class BadLineException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BadLineException(String message) {
      super(message);
    }
  }

  private final Instant from;
  private final Instant to;
  private final Duration labelDelay;
  private final boolean strict;
  private final PrintStream err;
  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Instant> knownCompromised = new HashMap<>();
  private long scored;
  private long badLines;
  private long rejected;
  private long removedKnown;
  private long unlabelled;
  private Writer scoresOut;
  private boolean caseSignals;
  private boolean removeKnownCompromised = true;
  private Instant knownFrom;

  EngineRun(Instant from, Instant to, Duration labelDelay, boolean strict, PrintStream err) {
    this.from = from;
    this.to = to;
    this.labelDelay = labelDelay;
    this.strict = strict;
    this.err = err;
  }

  /**
   * Keeps the rows of cards already known compromised (the backtest: every decision counts, as live); Card
   * Precision@k still leaves out the cards it detected on earlier days.
   */
  EngineRun keepKnownCompromised() {
    this.removeKnownCompromised = false;
    return this;
  }

  /**
   * Counts as known compromised only the cards with a fraud from this time on (the handbook counts from the start of
   * its training window); by default every fraud of the input counts.
   */
  EngineRun knownFrom(Instant from) {
    this.knownFrom = from;
    return this;
  }

  /**
   * Adds the case signals of each decision (nearest_fraud_similarity, fraud_share; empty when no case was found) to
   * the scores written by {@link #scoresOut}; call it first.
   */
  EngineRun caseSignals() {
    this.caseSignals = true;
    return this;
  }

  /**
   * Writes every evaluation row as CSV: transaction_id,card_id,event_time,label,score,verdict, with
   * {@link #caseSignals} nearest_fraud_similarity,fraud_share, then pattern (the input's fraud pattern of the row,
   * empty when it has none).
   */
  EngineRun scoresOut(Writer out) {
    this.scoresOut = out;
    try {
      out.write("transaction_id,card_id,event_time,label,score,verdict"
          + (caseSignals ? ",nearest_fraud_similarity,fraud_share" : "") + ",pattern\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write scores", e);
    }
    return this;
  }

  private boolean inWindow(Instant t) {
    return (from == null || !t.isBefore(from)) && (to == null || t.isBefore(to));
  }

  /** Runs the input through the engine. */
  EngineRun run(FraudEngine engine, TransactionInput input, Progress progress) {
    return run(engine, input.stream(), progress);
  }

  /** Runs records through the engine. */
  EngineRun run(FraudEngine engine, Stream<InputRecord> input, Progress progress) {
    Map<String, String> patterns = new HashMap<>();
    Stream<Replay.Labelled> labelled = input
        .filter(r -> {
          if (r.isBad()) {
            badLines++;
            if (strict) {
              throw new BadLineException(r.describe());
            }
            err.println(r.describe());
            return false;
          }
          if (r.pattern() != null) {
            patterns.put(r.transaction().id(), r.pattern());
          }
          return true;
        })
        .map(InputRecord::labelled);
    EngineReplay.of(engine).labelDelay(labelDelay).run(labelled, new EngineReplay.Sink() {
      @Override
      public void decided(Replay.Labelled row, Decision decision) {
        scored++;
        progress.update(scored);
        Transaction tx = row.transaction();
        String pattern = patterns.remove(tx.id());
        boolean known = isKnownCompromised(tx);
        if (row.label() == Label.FRAUD && (knownFrom == null || !tx.eventTime().isBefore(knownFrom))) {
          knownCompromised.merge(tx.cardId(), tx.eventTime().plus(labelDelay),
              (a, b) -> a.isBefore(b) ? a : b);
        }
        if (!inWindow(tx.eventTime())) {
          return;
        }
        if (row.label() == null) {
          unlabelled++;
          return;
        }
        if (known && removeKnownCompromised) {
          removedKnown++;
          return;
        }
        Row r = new Row(tx, row.label() == Label.FRAUD, pattern, decision);
        rows.add(r);
        if (scoresOut != null) {
          writeScore(r);
        }
      }

      @Override
      public void rejected(Replay.Labelled row, InvalidTransactionException problems) {
        rejected++;
        if (strict) {
          throw new BadLineException(problems.getMessage());
        }
        err.println(problems.getMessage());
      }
    });
    progress.finish(scored);
    return this;
  }

  private boolean isKnownCompromised(Transaction tx) {
    Instant at = knownCompromised.get(tx.cardId());
    if (at == null) {
      return false;
    }
    long dayStart = Math.floorDiv(tx.eventTime().getEpochSecond(), 86_400L) * 86_400L;
    return !at.isAfter(Instant.ofEpochSecond(dayStart));
  }

  private void writeScore(Row r) {
    try {
      scoresOut.write(TransactionOutput.csvCell(r.transaction().id()) + ","
          + TransactionOutput.csvCell(r.transaction().cardId()) + "," + r.transaction().eventTime() + ","
          + (r.fraud() ? 1 : 0) + "," + String.format(Locale.ROOT, "%.6f", r.score()) + "," + r.verdict()
          + (caseSignals ? signals(r.decision()) : "") + ","
          + (r.pattern() == null ? "" : TransactionOutput.csvCell(r.pattern())) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write scores", e);
    }
  }

  private static String signals(Decision d) {
    if (d.similarCases().isEmpty()) {
      return ",,";
    }
    CaseSignals c = CaseSignals.of(d.similarCases());
    return String.format(Locale.ROOT, ",%.6f,%.4f", c.nearestFraudSimilarity(), c.fraudShare());
  }

  List<Row> rows() {
    return rows;
  }

  long scored() {
    return scored;
  }

  long badLines() {
    return badLines;
  }

  long rejected() {
    return rejected;
  }

  long n() {
    return rows.size();
  }

  long frauds() {
    return rows.stream().filter(Row::fraud).count();
  }

  double[] scores() {
    return rows.stream().mapToDouble(Row::score).toArray();
  }

  boolean[] labels() {
    boolean[] l = new boolean[rows.size()];
    for (int i = 0; i < l.length; i++) {
      l[i] = rows.get(i).fraud();
    }
    return l;
  }

  private boolean bothClasses() {
    long f = frauds();
    return f > 0 && f < rows.size();
  }

  double auc() {
    return bothClasses() ? Metrics.rocAuc(scores(), labels()) : Double.NaN;
  }

  double ap() {
    return bothClasses() ? Metrics.averagePrecision(scores(), labels()) : Double.NaN;
  }

  double cardPrecisionAt(int k) {
    if (rows.isEmpty()) {
      return Double.NaN;
    }
    long[] days = new long[rows.size()];
    long[] cards = new long[rows.size()];
    Map<String, Long> keys = new HashMap<>();
    for (int i = 0; i < days.length; i++) {
      days[i] = rows.get(i).day();
      cards[i] = keys.computeIfAbsent(rows.get(i).transaction().cardId(), c -> (long) keys.size());
    }
    return Metrics.cardPrecisionAtK(days, cards, scores(), labels(), k);
  }

  /** Decisions and frauds per verdict: {count, frauds}. */
  Map<Verdict, long[]> byVerdict() {
    Map<Verdict, long[]> m = new EnumMap<>(Verdict.class);
    for (Verdict v : Verdict.values()) {
      m.put(v, new long[2]);
    }
    for (Row r : rows) {
      long[] c = m.get(r.verdict());
      c[0]++;
      c[1] += r.fraud() ? 1 : 0;
    }
    return m;
  }

  double alertRate() {
    return rows.isEmpty() ? 0 : rows.stream().filter(r -> r.decision().isAlert()).count() / (double) rows.size();
  }

  /** Per fraud pattern: {frauds, detected (verdict other than APPROVE)}. */
  Map<String, long[]> byPattern() {
    Map<String, long[]> m = new TreeMap<>();
    for (Row r : rows) {
      if (r.fraud() && r.pattern() != null) {
        long[] c = m.computeIfAbsent(r.pattern(), p -> new long[2]);
        c[0]++;
        c[1] += r.verdict() != Verdict.APPROVE ? 1 : 0;
      }
    }
    return m;
  }

  /** Per rule, live then shadow, in rule-set order: {hits, true positives}. */
  Map<String, long[]> byRule(List<Rule> live, List<Rule> shadow) {
    Map<String, long[]> m = new LinkedHashMap<>();
    live.forEach(r -> m.put(r.id(), new long[2]));
    shadow.forEach(r -> m.put("shadow:" + r.id(), new long[2]));
    for (Row r : rows) {
      for (RuleHit h : r.decision().ruleHits()) {
        long[] c = m.computeIfAbsent((h.shadow() ? "shadow:" : "") + h.ruleId(), k -> new long[2]);
        c[0]++;
        c[1] += r.fraud() ? 1 : 0;
      }
    }
    return m;
  }

  /** The reason codes of the window's decisions, most frequent first. */
  Map<String, Long> reasonCounts() {
    Map<String, Long> m = new HashMap<>();
    for (Row r : rows) {
      r.decision().reasons().forEach(x -> m.merge(x.code(), 1L, Long::sum));
    }
    Map<String, Long> sorted = new LinkedHashMap<>();
    m.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
        .thenComparing(Map.Entry.comparingByKey())).forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** Latencies of the window's decisions in nanoseconds, sorted. */
  long[] latencies() {
    long[] l = rows.stream().mapToLong(r -> r.decision().latencyNanos()).toArray();
    Arrays.sort(l);
    return l;
  }

  static long percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
  }

  long removedKnownCompromised() {
    return removedKnown;
  }

  long unlabelled() {
    return unlabelled;
  }

  /** The figures as one JSON object. */
  ObjectNode json(ObjectMapper mapper) {
    ObjectNode o = mapper.createObjectNode();
    o.put("n", n());
    o.put("frauds", frauds());
    putNumber(o, "auc", auc());
    putNumber(o, "ap", ap());
    putNumber(o, "cp100", cardPrecisionAt(100));
    o.put("alert_rate", alertRate());
    o.put("scored", scored);
    o.put("bad_lines", badLines);
    o.put("rejected", rejected);
    o.put("removed_known_compromised", removedKnown);
    o.put("unlabelled", unlabelled);
    ObjectNode verdicts = o.putObject("verdicts");
    long frauds = frauds();
    byVerdict().forEach((v, c) -> {
      ObjectNode x = verdicts.putObject(v.name());
      x.put("count", c[0]);
      x.put("frauds", c[1]);
      x.put("legitimate", c[0] - c[1]);
      putNumber(x, "precision", c[0] == 0 ? Double.NaN : c[1] / (double) c[0]);
      putNumber(x, "recall", frauds == 0 ? Double.NaN : c[1] / (double) frauds);
    });
    ObjectNode patterns = o.putObject("patterns");
    byPattern().forEach((p, c) -> {
      ObjectNode x = patterns.putObject(p);
      x.put("frauds", c[0]);
      x.put("detected", c[1]);
      x.put("recall", c[1] / (double) c[0]);
    });
    long[] lat = latencies();
    ObjectNode latency = o.putObject("latency_us");
    latency.put("p50", percentile(lat, 0.50) / 1e3);
    latency.put("p95", percentile(lat, 0.95) / 1e3);
    latency.put("p99", percentile(lat, 0.99) / 1e3);
    latency.put("max", lat.length == 0 ? 0 : lat[lat.length - 1] / 1e3);
    return o;
  }

  static void putNumber(ObjectNode o, String name, double v) {
    if (Double.isNaN(v)) {
      o.putNull(name);
    } else {
      o.put(name, v);
    }
  }

  /** A short text summary, for people. */
  void print(PrintStream out) {
    long frauds = frauds();
    out.printf(Locale.ROOT, "evaluated %,d transactions (%,d frauds, %.2f%%) of %,d scored; %,d rows of cards known"
        + " compromised left out; %,d bad lines, %,d refused%n", n(), frauds, 100.0 * frauds / Math.max(1, n()),
        scored, removedKnown, badLines, rejected);
    out.printf(Locale.ROOT, "ROC AUC %.4f   average precision %.4f   card precision@100 %.4f   alert rate %.2f%%%n",
        auc(), ap(), cardPrecisionAt(100), 100 * alertRate());
    out.println();
    out.printf("%-8s %10s %8s %10s %9s %7s%n", "verdict", "decisions", "frauds", "legitimate", "precision", "recall");
    byVerdict().forEach((v, c) -> out.printf(Locale.ROOT, "%-8s %,10d %,8d %,10d %9s %7s%n", v, c[0], c[1],
        c[0] - c[1], c[0] == 0 ? "-" : String.format(Locale.ROOT, "%.3f", c[1] / (double) c[0]),
        frauds == 0 ? "-" : String.format(Locale.ROOT, "%.3f", c[1] / (double) frauds)));
    Map<String, long[]> patterns = byPattern();
    if (!patterns.isEmpty()) {
      out.println();
      out.printf("%-22s %8s %9s %7s   (detected: any verdict but APPROVE)%n", "fraud pattern", "frauds", "detected",
          "recall");
      patterns.forEach((p, c) -> out.printf(Locale.ROOT, "%-22s %,8d %,9d %7.3f%n", p, c[0], c[1],
          c[1] / (double) c[0]));
    }
    long[] lat = latencies();
    out.println();
    out.printf(Locale.ROOT, "latency per decision: p50 %.1f µs, p95 %.1f µs, p99 %.1f µs%n",
        percentile(lat, 0.5) / 1e3, percentile(lat, 0.95) / 1e3, percentile(lat, 0.99) / 1e3);
  }
}
