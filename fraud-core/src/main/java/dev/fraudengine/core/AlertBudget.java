package dev.fraudengine.core;

import java.time.Instant;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps the share of decisions that become alerts (REVIEW or HOLD from the score) near what the review team can
 * handle, by moving the REVIEW and HOLD thresholds with the recent score distribution.
 *
 * <p>The budget is a share of traffic ({@link #share}) or a number of alerts per day ({@link #perDay}, turned
 * into a share by the recent traffic rate, in event time). Every so many decisions, the budget takes the scores
 * of its window (the last {@code window} decisions), leaves out those at or above the policy's CRITICAL threshold
 * (blocks are not alerts and keep their threshold), and sets the REVIEW threshold to the score above which the
 * budgeted share of decisions lies. The HOLD threshold keeps its relative place between the REVIEW and the
 * CRITICAL thresholds, as in the policy. Scores are not changed, so the ranking of transactions is not either:
 * only where the lines are drawn. Until the window holds {@code warmUp} scores, the policy's own thresholds apply.
 *
 * <p>Alerts raised by hard rules are not budgeted: they are the rule authors' decisions. Thread-safe: recording
 * is lock-free; the recomputation runs on one scoring thread at a time and never blocks the others.
 */
public final class AlertBudget {

  /**
   * The budget's state, for metrics.
   *
   * @param targetShare the share of decisions the budget aims at, {@code NaN} before the traffic rate is known
   *     (per-day budgets)
   * @param achievedShare the share of alerts among the window's decisions
   * @param reviewThreshold the current lowest score that is a REVIEW
   * @param holdThreshold the current lowest score that is a HOLD
   * @param adapted {@code false} while warming up: the policy's thresholds apply
   */
  public record Status(double targetShare, double achievedShare, double reviewThreshold, double holdThreshold,
      boolean adapted) {}

  private record Thresholds(double review, double hold, double targetShare, boolean adapted) {}

  private final double share;
  private final long perDay;
  private final int window;
  private final int warmUp;
  private final int every;
  private final double[] scores;
  private final long[] times;
  private final boolean[] alerts;
  private final AtomicLong count = new AtomicLong();
  private final ReentrantLock recompute = new ReentrantLock();
  private volatile Thresholds thresholds;
  private VerdictPolicy policy;

  private AlertBudget(double share, long perDay, int window) {
    this.share = share;
    this.perDay = perDay;
    this.window = window;
    this.warmUp = Math.max(100, window / 10);
    this.every = Math.max(16, window / 50);
    this.scores = new double[window];
    this.times = new long[window];
    this.alerts = new boolean[window];
  }

  /**
   * A budget of a share of traffic, over a window of the last 10,000 decisions.
   *
   * @param share the share of decisions that may be alerts, in (0, 0.5]
   * @return the budget
   * @throws IllegalArgumentException if the share is out of range
   */
  public static AlertBudget share(double share) {
    return share(share, 10_000);
  }

  /**
   * A budget of a share of traffic.
   *
   * @param share the share of decisions that may be alerts, in (0, 0.5]
   * @param window how many recent decisions to learn the score distribution from, in [1,000, 10,000,000]
   * @return the budget
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static AlertBudget share(double share, int window) {
    if (!(share > 0 && share <= 0.5)) {
      throw new IllegalArgumentException("share must be in (0, 0.5], but was " + share);
    }
    return new AlertBudget(share, 0, checkWindow(window));
  }

  /**
   * A budget of alerts per day: the review team's daily capacity.
   *
   * @param capacity alerts per day, positive
   * @param window how many recent decisions to learn the score distribution and the traffic rate from, in
   *     [1,000, 10,000,000]
   * @return the budget
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static AlertBudget perDay(long capacity, int window) {
    if (capacity <= 0) {
      throw new IllegalArgumentException("capacity must be positive, but was " + capacity);
    }
    return new AlertBudget(Double.NaN, capacity, checkWindow(window));
  }

  private static int checkWindow(int window) {
    if (window < 1_000 || window > 10_000_000) {
      throw new IllegalArgumentException("window must be in [1000, 10000000], but was " + window);
    }
    return window;
  }

  /** Binds the budget to the engine's policy; a budget serves one engine. */
  synchronized void bind(VerdictPolicy policy) {
    if (this.policy != null) {
      throw new IllegalStateException("an alert budget serves one engine; make a new one for each");
    }
    this.policy = policy;
    this.thresholds = new Thresholds(policy.mediumThreshold(), policy.highThreshold(),
        perDay > 0 ? Double.NaN : share, false);
  }

  /** Returns the risk level of a score under the current thresholds. */
  RiskLevel riskLevel(double score) {
    if (score >= policy.criticalThreshold()) {
      return RiskLevel.CRITICAL;
    }
    Thresholds t = thresholds;
    if (score >= t.hold) {
      return RiskLevel.HIGH;
    }
    if (score >= t.review) {
      return RiskLevel.MEDIUM;
    }
    return RiskLevel.LOW;
  }

  /** Records a decision's score and whether it became an alert; now and then recomputes the thresholds. */
  void record(double score, Instant eventTime, boolean alert) {
    long n = count.getAndIncrement();
    int slot = (int) (n % window);
    scores[slot] = score;
    times[slot] = eventTime.toEpochMilli();
    alerts[slot] = alert;
    if ((n + 1) % every == 0 && n + 1 >= warmUp && recompute.tryLock()) {
      try {
        recompute(Math.min(n + 1, window));
      } finally {
        recompute.unlock();
      }
    }
  }

  private void recompute(long filled) {
    int size = (int) filled;
    double[] sorted = Arrays.copyOf(scores, size);
    long minTime = Long.MAX_VALUE;
    long maxTime = Long.MIN_VALUE;
    for (int i = 0; i < size; i++) {
      minTime = Math.min(minTime, times[i]);
      maxTime = Math.max(maxTime, times[i]);
    }
    double target = share;
    if (perDay > 0) {
      double days = (maxTime - minTime) / 86_400_000.0;
      if (days < 1.0 / 1440) {
        return;
      }
      target = Math.min(1, perDay / ((size - 1) / days));
    }
    Arrays.sort(sorted);
    double critical = policy.criticalThreshold();
    int belowCritical = 0;
    while (belowCritical < size && sorted[belowCritical] < critical) {
      belowCritical++;
    }
    long alertsWanted = Math.round(target * size);
    double review;
    if (alertsWanted >= belowCritical) {
      review = Math.ulp(0.0);
    } else if (alertsWanted <= 0) {
      review = critical;
    } else {
      int idx = belowCritical - (int) alertsWanted;
      review = sorted[idx] > sorted[idx - 1] ? sorted[idx] : Math.nextUp(sorted[idx]);
      review = Math.max(Math.ulp(0.0), Math.min(review, critical));
    }
    double position = (policy.highThreshold() - policy.mediumThreshold())
        / (critical - policy.mediumThreshold());
    double hold = review + (critical - review) * position;
    thresholds = new Thresholds(review, hold, target, true);
  }

  /** Returns the budget's state. */
  Status status() {
    Thresholds t = thresholds;
    int size = (int) Math.min(count.get(), window);
    int alerted = 0;
    for (int i = 0; i < size; i++) {
      if (alerts[i]) {
        alerted++;
      }
    }
    return new Status(t.targetShare, size == 0 ? 0 : alerted / (double) size, t.review, t.hold, t.adapted);
  }
}
