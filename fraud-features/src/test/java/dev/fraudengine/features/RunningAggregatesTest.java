package dev.fraudengine.features;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running window aggregates ({@link Windows}) against a brute-force model: a randomized stream with late events,
 * equal times, long quiet gaps, amounts that are and are not whole ten-thousandths, fraud and legitimate labels given
 * before and after their label time (and changed), a snapshot round trip, and a small per-entity event bound; every
 * feature of every transaction must equal, bit for bit, what a scan of the model's stored events gives.
 */
class RunningAggregatesTest {
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;
  private static final Duration LATENESS = Duration.ofHours(1);
  private static final Instant T0 = Instant.parse("2024-01-01T00:00:00Z");

  @TempDir
  Path dir;

  private static List<Feature> features() {
    Entity c = Entity.CARD;
    Entity m = Entity.TERMINAL;
    return List.of(
        Feature.count(c, Duration.ofHours(1)),
        Feature.count(c, Duration.ofDays(1)).excludingCurrent(),
        Feature.amountSum(c, Duration.ofDays(1)),
        Feature.amountMean(c, Duration.ofDays(7)),
        Feature.amountStd(c, Duration.ofDays(7)),
        Feature.amountMin(c, Duration.ofDays(1)),
        Feature.amountMax(c, Duration.ofDays(30)),
        Feature.amountMax(c, Duration.ofDays(30)).excludingCurrent(),
        Feature.amountZScore(c, Duration.ofDays(30)),
        Feature.amountRatio(c, Duration.ofDays(7)),
        Feature.distinct(c, Entity.DEVICE, Duration.ofDays(1)),
        Feature.distinct(c, Entity.DEVICE, Duration.ofDays(30)).excludingCurrent(),
        Feature.newPair(c, Entity.DEVICE, Duration.ofDays(30)),
        Feature.firstSeen(c),
        Feature.secondsSinceLast(c),
        Feature.delayedCount(c, Duration.ofDays(1), Duration.ofDays(2)),
        Feature.delayedRisk(c, Duration.ofDays(7), Duration.ofDays(2)),
        Feature.count(m, Duration.ofDays(60)),
        Feature.amountSum(m, Duration.ofDays(60)),
        Feature.amountMin(m, Duration.ofDays(60)),
        Feature.delayedRisk(m, Duration.ofDays(30), Duration.ofDays(20)),
        Feature.distinct(m, Entity.CARD, Duration.ofDays(3)));
  }

  @Test
  void runningAggregates_randomStreamWithLateEventsAndLabels_equalBruteForceScan() {
    long seed = System.nanoTime();
    System.out.println("RunningAggregatesTest seed " + seed);
    run(seed, 10_000, -1);
  }

  @Test
  void runningAggregates_fixedSeedsWithSnapshotAndEventBound_equalBruteForceScan() {
    for (long seed = 1; seed <= 4; seed++) {
      System.out.println("RunningAggregatesTest seed " + seed);
      run(seed, seed % 2 == 0 ? 25 : 10_000, 1_500);
    }
  }

  private void run(long seed, int maxEvents, int snapshotAt) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Feature> features = features();
    OnlineFeaturePipeline.Builder builder = OnlineFeaturePipeline.builder().addAll(features)
        .allowedLateness(LATENESS).maxEventsPerEntity(maxEvents).idleTimeout(Duration.ofDays(36_500));
    OnlineFeaturePipeline p = builder.build();
    Model cards = new Model(30 * DAY + HOUR, maxEvents);
    Model terminals = new Model(60 * DAY + HOUR, maxEvents);
    Map<String, Transaction> byId = new HashMap<>();
    long clock = 0;
    long watermark = Long.MIN_VALUE;
    for (int n = 0; n < 3_000; n++) {
      if (n == snapshotAt) {
        Path file = dir.resolve("s" + seed + ".snap");
        p.snapshot(file);
        p = builder.build();
        p.restore(file);
      }
      double u = r.nextDouble();
      clock += u < 0.02 ? 40 * DAY : u < 0.2 ? 0 : r.nextLong(6 * HOUR);
      long t = r.nextDouble() < 0.1 && watermark != Long.MIN_VALUE ? watermark - r.nextLong(HOUR + 1) : clock;
      watermark = Math.max(watermark, t);
      double a = r.nextDouble();
      double amount = a < 0.7 ? 1 + r.nextInt(50_000) / 100.0 : a < 0.8 ? r.nextDouble() * 100
          : a < 0.85 ? 250_000 + r.nextInt(100) / 100.0 : 1 + r.nextInt(90);
      String card = "c" + r.nextInt(5);
      String device = r.nextDouble() < 0.2 ? null : "d" + r.nextInt(card.equals("c0") ? 60 : 4);
      Transaction tx = Transaction.builder().id("t" + n).eventTime(T0.plusMillis(t)).amount(amount, "EUR")
          .card(card).terminal("m" + r.nextInt(3)).device(device).build();
      float[] got = p.process(tx);
      float[] want = new float[features.size()];
      for (int i = 0; i < features.size(); i++) {
        Feature f = features.get(i);
        Model model = f.entity().equals(Entity.CARD) ? cards : terminals;
        String key = f.entity().keyOf(tx);
        double v = model.feature(f, key, t, tx);
        want[i] = (float) v;
      }
      for (int i = 0; i < want.length; i++) {
        int row = n;
        int col = i;
        assertThat(Float.floatToIntBits(got[i]))
            .as(() -> "seed " + seed + ", transaction " + row + ", " + features.get(col) + ": got " + got[col]
                + ", want " + want[col])
            .isEqualTo(Float.floatToIntBits(want[i]));
      }
      cards.record(tx.cardId(), t, n, tx);
      terminals.record(tx.terminalId(), t, n, tx);
      byId.put(tx.id(), tx);
      if (r.nextDouble() < 0.15) {
        String id = "t" + Math.max(0, n - r.nextInt(40));
        Transaction labelled = byId.get(id);
        // Only labels of transactions the label index surely still holds: the model has no index.
        if (labelled.eventTime().toEpochMilli() - T0.toEpochMilli() > watermark - 25 * DAY) {
          Label label = r.nextDouble() < 0.6 ? Label.FRAUD : Label.LEGITIMATE;
          long at = watermark + r.nextLong(-3 * DAY, 3 * DAY);
          p.feedback(id, label, T0.plusMillis(at));
          cards.label(labelled.cardId(), id, label, at);
          terminals.label(labelled.terminalId(), id, label, at);
        }
      }
    }
  }

  /** One stored event of the model. */
  private static final class Event {
    final long time;
    final double amount;
    final String id;
    final String device;
    final String card;
    Label label;
    long labelTime;

    Event(long time, double amount, String id, String device, String card) {
      this.time = time;
      this.amount = amount;
      this.id = id;
      this.device = device;
      this.card = card;
    }
  }

  /** The stored events of every entity of one kind, kept as the pipeline's definition says, scanned for features. */
  private static final class Model {
    final long retention;
    final int maxEvents;
    final Map<String, List<Event>> events = new HashMap<>();
    final Map<String, long[]> firstLast = new HashMap<>();

    Model(long retention, int maxEvents) {
      this.retention = retention;
      this.maxEvents = maxEvents;
    }

    void record(String key, long t, int n, Transaction tx) {
      long[] fl = firstLast.computeIfAbsent(key, k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
      fl[0] = Math.min(fl[0], t);
      fl[1] = Math.max(fl[1], t);
      List<Event> list = events.computeIfAbsent(key, k -> new ArrayList<>());
      long cutoff = fl[1] - retention;
      list.removeIf(e -> e.time <= cutoff);
      while (list.size() >= maxEvents) {
        list.remove(0);
      }
      if (t <= cutoff) {
        return;
      }
      int pos = list.size();
      while (pos > 0 && list.get(pos - 1).time > t) {
        pos--;
      }
      list.add(pos, new Event(t, tx.amount(), tx.id(), tx.deviceId(), tx.cardId()));
    }

    void label(String key, String id, Label label, long at) {
      for (Event e : events.getOrDefault(key, List.of())) {
        if (e.id.equals(id)) {
          e.label = label;
          e.labelTime = at;
        }
      }
    }

    double feature(Feature f, String key, long t, Transaction tx) {
      List<Event> all = events.getOrDefault(key, List.of());
      List<Event> w = new ArrayList<>();
      long upper = t - f.delayMillis();
      for (Event e : all) {
        if (e.time > upper - f.windowMillis() && e.time <= upper) {
          w.add(e);
        }
      }
      boolean cur = f.includeCurrent();
      double amt = tx.amount();
      double v;
      switch (f.kind()) {
        case COUNT -> v = w.size() + (cur ? 1 : 0);
        case SUM -> v = sum(w) + (cur ? amt : 0);
        case MEAN -> v = (sum(w) + amt) / (w.size() + 1);
        case STD -> {
          double n = w.size() + 1;
          double sum = sum(w) + amt;
          double sq = squares(w) + amt * amt;
          v = Math.sqrt(Math.max(0, sq / n - (sum / n) * (sum / n)));
        }
        case MIN -> {
          double min = cur ? amt : Double.POSITIVE_INFINITY;
          for (Event e : w) {
            min = Math.min(min, e.amount);
          }
          v = w.isEmpty() && !cur ? Double.NaN : min;
        }
        case MAX -> {
          double max = cur ? amt : Double.NEGATIVE_INFINITY;
          for (Event e : w) {
            max = Math.max(max, e.amount);
          }
          v = w.isEmpty() && !cur ? Double.NaN : max;
        }
        case ZSCORE -> {
          double n = w.size();
          double mean = sum(w) / n;
          double std = Math.sqrt(Math.max(0, squares(w) / n - mean * mean));
          v = n < 2 || !(std > 1e-9 * Math.abs(mean)) ? Double.NaN : (amt - mean) / std;
        }
        case RATIO -> {
          double mean = sum(w) / w.size();
          v = w.isEmpty() || mean == 0 ? Double.NaN : amt / mean;
        }
        case DELAYED_COUNT -> v = w.size();
        case DELAYED_RISK -> {
          int frauds = 0;
          for (Event e : w) {
            frauds += e.label == Label.FRAUD && e.labelTime <= t ? 1 : 0;
          }
          v = w.isEmpty() ? Double.NaN : (double) frauds / w.size();
        }
        case DISTINCT -> {
          Set<String> keys = new HashSet<>();
          String current = f.other().equals(Entity.DEVICE) ? tx.deviceId() : tx.cardId();
          if (cur && current != null) {
            keys.add(current);
          }
          for (Event e : w) {
            String k = f.other().equals(Entity.DEVICE) ? e.device : e.card;
            if (k != null) {
              keys.add(k);
            }
          }
          v = keys.size();
        }
        case NEW_PAIR -> {
          String current = tx.deviceId();
          v = current == null ? Double.NaN : w.stream().anyMatch(e -> current.equals(e.device)) ? 0 : 1;
        }
        case FIRST_SEEN -> {
          long[] fl = firstLast.get(key);
          v = fl != null && fl[0] <= t ? 0 : 1;
        }
        case SECONDS_SINCE_LAST -> {
          long[] fl = firstLast.get(key);
          long last = Long.MIN_VALUE;
          if (fl != null && fl[1] <= t) {
            last = fl[1];
          } else {
            for (Event e : all) {
              if (e.time <= t) {
                last = e.time;
              }
            }
          }
          v = last == Long.MIN_VALUE ? Double.NaN : (t - last) / 1000.0;
        }
        default -> throw new IllegalStateException(f.toString());
      }
      return Double.isNaN(v) ? f.missing() : v;
    }

    /** Exact decimal sum when every amount is whole ten-thousandths, else the doubles summed in time order. */
    private static double sum(List<Event> w) {
      long units = 0;
      double plain = 0;
      boolean exact = true;
      for (Event e : w) {
        long u = EntityState.units(e.amount);
        exact &= u != EntityState.NOT_UNITS;
        units += exact ? u : 0;
        plain += e.amount;
      }
      return exact ? units / EntityState.SCALE : plain;
    }

    private static double squares(List<Event> w) {
      BigInteger units = BigInteger.ZERO;
      double plain = 0;
      boolean exact = true;
      for (Event e : w) {
        long u = EntityState.units(e.amount);
        exact &= u != EntityState.NOT_UNITS;
        if (exact) {
          units = units.add(BigInteger.valueOf(u).multiply(BigInteger.valueOf(u)));
        }
        plain += e.amount * e.amount;
      }
      if (!exact) {
        return plain;
      }
      long high = units.shiftRight(64).longValueExact();
      double low = units.and(BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE)).doubleValue();
      return (high == 0 ? low : high * 0x1p64 + low) / (EntityState.SCALE * EntityState.SCALE);
    }
  }
}
