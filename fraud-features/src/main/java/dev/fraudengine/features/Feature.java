package dev.fraudengine.features;

import java.time.Duration;
import java.util.Objects;

/**
 * One feature definition: what is computed, for which entity, over which event-time window, and under which
 * stable name.
 *
 * <p><b>Windows.</b> A window of length {@code w} at a transaction of event time {@code t} holds the entity's
 * transactions with event time in {@code (t - w, t]}; a label-delayed window with delay {@code d} holds those in
 * {@code (t - d - w, t - d]}. Transactions recorded earlier at exactly {@code t} are inside; transactions with a
 * later event time (out of order) are not.
 *
 * <p><b>The current transaction.</b> Count, amount statistics and distinct counts <em>include</em> the current
 * transaction (as the handbook does) unless {@link #excludingCurrent()} is applied. Z-score, ratio, new-pair,
 * first-seen, time-since-last and geo features compare the transaction with the entity's <em>history</em> and
 * never include it. Label-delayed features never include it (its label is not known yet).
 *
 * <p><b>Sums.</b> Amount sums, means, deviations and ratios are exact for amounts that are whole ten-thousandths
 * (decimal money amounts): such amounts are summed as integers, so a window's sum is the double nearest its exact
 * decimal sum, whatever order its transactions came in. A window holding any other amount sums its doubles in
 * event-time order.
 *
 * <p><b>Missing values.</b> A feature that is undefined for a transaction (the mean of an empty window, the risk of
 * an empty delayed window, the entity's key absent from the transaction, no earlier located transaction) is
 * {@code NaN}, or the value given to {@link #orElse(double)}.
 *
 * <p>Immutable and thread-safe. The factories check their arguments at once.
 */
public final class Feature {
  /** Longest window or delay accepted. */
  static final Duration MAX_SPAN = Duration.ofDays(366);

  /** What a feature computes. */
  enum Kind {
    WEEKEND, NIGHT, HOUR, WEEKDAY, AMOUNT,
    COUNT, SUM, MEAN, STD, MIN, MAX, ZSCORE, RATIO,
    DISTINCT, NEW_PAIR, FIRST_SEEN, SECONDS_SINCE_LAST, GEO_DISTANCE, GEO_SPEED,
    DELAYED_COUNT, DELAYED_RISK;

    boolean windowed() {
      return switch (this) {
        case COUNT, SUM, MEAN, STD, MIN, MAX, ZSCORE, RATIO, DELAYED_COUNT, DELAYED_RISK -> true;
        default -> false;
      };
    }

    boolean currentOptional() {
      return switch (this) {
        case COUNT, SUM, MEAN, STD, MIN, MAX, DISTINCT -> true;
        default -> false;
      };
    }
  }

  private final Kind kind;
  private final Entity entity;
  private final Entity other;
  private final long windowMillis;
  private final long delayMillis;
  private final boolean includeCurrent;
  private final double missing;
  private final String name;

  private Feature(Kind kind, Entity entity, Entity other, long windowMillis, long delayMillis,
      boolean includeCurrent, double missing, String name) {
    this.kind = kind;
    this.entity = entity;
    this.other = other;
    this.windowMillis = windowMillis;
    this.delayMillis = delayMillis;
    this.includeCurrent = includeCurrent;
    this.missing = missing;
    this.name = name;
  }

  private static Feature tx(Kind kind, String name) {
    return new Feature(kind, null, null, 0, 0, false, Double.NaN, name);
  }

  private static Feature windowed(Kind kind, Entity entity, Duration window, String stem) {
    Objects.requireNonNull(entity, "entity");
    long w = span("window", window, false);
    return new Feature(kind, entity, null, w, 0, kind.currentOptional(), Double.NaN,
        entity.name() + "." + stem + "_" + format(w));
  }

  private static Feature history(Kind kind, Entity entity, String stem) {
    Objects.requireNonNull(entity, "entity");
    return new Feature(kind, entity, null, 0, 0, false, Double.NaN, entity.name() + "." + stem);
  }

  /**
   * 1 when the transaction happens on a Saturday or Sunday (UTC), else 0. Named {@code tx.weekend}.
   *
   * @return the feature
   */
  public static Feature weekend() {
    return tx(Kind.WEEKEND, "tx.weekend");
  }

  /**
   * 1 when the transaction happens at night, hour of day (UTC) from 0 to 6 inclusive, else 0 (the handbook's
   * definition). Named {@code tx.night}.
   *
   * @return the feature
   */
  public static Feature night() {
    return tx(Kind.NIGHT, "tx.night");
  }

  /**
   * The hour of day of the transaction, 0 to 23 (UTC). Named {@code tx.hour}.
   *
   * @return the feature
   */
  public static Feature hourOfDay() {
    return tx(Kind.HOUR, "tx.hour");
  }

  /**
   * The day of week of the transaction, 1 (Monday) to 7 (Sunday), UTC. Named {@code tx.weekday}.
   *
   * @return the feature
   */
  public static Feature dayOfWeek() {
    return tx(Kind.WEEKDAY, "tx.weekday");
  }

  /**
   * The transaction's own amount. Named {@code tx.amount}.
   *
   * @return the feature
   */
  public static Feature amount() {
    return tx(Kind.AMOUNT, "tx.amount");
  }

  /**
   * The number of the entity's transactions in the window, the current one included. Named
   * {@code <entity>.txn_count_<window>}, e.g. {@code card.txn_count_1d}.
   *
   * @param entity the entity
   * @param window the window's length, positive, at most 366 days
   * @return the feature
   * @throws IllegalArgumentException if the window is out of range
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Feature count(Entity entity, Duration window) {
    return windowed(Kind.COUNT, entity, window, "txn_count");
  }

  /**
   * The sum of the entity's amounts in the window, the current one included. Named
   * {@code <entity>.amount_sum_<window>}.
   *
   * @param entity the entity
   * @param window the window's length, positive, at most 366 days
   * @return the feature
   * @throws IllegalArgumentException if the window is out of range
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Feature amountSum(Entity entity, Duration window) {
    return windowed(Kind.SUM, entity, window, "amount_sum");
  }

  /**
   * The mean of the entity's amounts in the window, the current one included. Named
   * {@code <entity>.amount_mean_<window>}.
   *
   * @param entity the entity
   * @param window the window's length, positive, at most 366 days
   * @return the feature
   * @throws IllegalArgumentException if the window is out of range
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Feature amountMean(Entity entity, Duration window) {
    return windowed(Kind.MEAN, entity, window, "amount_mean");
  }

  /**
   * The population standard deviation of the entity's amounts in the window, the current one included. Named
   * {@code <entity>.amount_std_<window>}.
   *
   * @param entity the entity
   * @param window the window's length, positive, at most 366 days
   * @return the feature
   * @throws IllegalArgumentException if the window is out of range
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Feature amountStd(Entity entity, Duration window) {
    return windowed(Kind.STD, entity, window, "amount_std");
  }

  /**
   * The smallest of the entity's amounts in the window, the current one included. Named
   * {@code <entity>.amount_min_<window>}.
   *
   * @param entity the entity
   * @param window the window's length, positive, at most 366 days
   * @return the feature
   * @throws IllegalArgumentException if the window is out of range
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Feature amountMin(Entity entity, Duration window) {
    return windowed(Kind.MIN, entity, window, "amount_min");
  }

  /**
   * The largest of the entity's amounts in the window, the current one included. Named
   * {@code <entity>.amount_max_<window>}.
   *
   * @param entity the entity
   * @param window the window's length, positive, at most 366 days
   * @return the feature
   * @throws IllegalArgumentException if the window is out of range
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Feature amountMax(Entity entity, Duration window) {
    return windowed(Kind.MAX, entity, window, "amount_max");
  }

  /**
   * The z-score of the transaction's amount against the entity's earlier amounts in the window:
   * {@code (amount - mean) / std}; undefined with fewer than two earlier amounts or a zero deviation. Named
   * {@code <entity>.amount_zscore_<window>}.
   *
   * @param entity the entity
   * @param window the window's length, positive, at most 366 days
   * @return the feature
   * @throws IllegalArgumentException if the window is out of range
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Feature amountZScore(Entity entity, Duration window) {
    return windowed(Kind.ZSCORE, entity, window, "amount_zscore");
  }

  /**
   * The ratio of the transaction's amount to the mean of the entity's earlier amounts in the window; undefined
   * when the window holds none. Named {@code <entity>.amount_ratio_<window>}.
   *
   * @param entity the entity
   * @param window the window's length, positive, at most 366 days
   * @return the feature
   * @throws IllegalArgumentException if the window is out of range
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Feature amountRatio(Entity entity, Duration window) {
    return windowed(Kind.RATIO, entity, window, "amount_ratio");
  }

  /**
   * The number of distinct keys of another entity seen with this one in the window, the current transaction
   * included (devices per card, cards per IP...). Keys are compared by a 32-bit hash: two keys of one entity
   * colliding inside one window is negligible. Named {@code <entity>.distinct_<other>_<window>}, e.g.
   * {@code card.distinct_device_30d}.
   *
   * @param entity the entity the count is kept for
   * @param other the entity whose keys are counted
   * @param window the window's length, positive, at most 366 days
   * @return the feature
   * @throws IllegalArgumentException if the window is out of range or the entities are the same
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Feature distinct(Entity entity, Entity other, Duration window) {
    Objects.requireNonNull(other, "other");
    Feature f = windowed(Kind.DISTINCT, entity, window, "distinct_" + other.name());
    checkOther(entity, other);
    return new Feature(Kind.DISTINCT, entity, other, f.windowMillis, 0, true, Double.NaN, f.name);
  }

  /**
   * 1 when the transaction's key of another entity was not seen with this entity in the window before (a device
   * never seen with this card), 0 when it was; undefined when the transaction has no such key. Named
   * {@code <entity>.new_<other>_<window>}.
   *
   * @param entity the entity the history is kept for
   * @param other the entity whose key is looked up
   * @param window the window's length, positive, at most 366 days
   * @return the feature
   * @throws IllegalArgumentException if the window is out of range or the entities are the same
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Feature newPair(Entity entity, Entity other, Duration window) {
    Objects.requireNonNull(other, "other");
    Feature f = windowed(Kind.NEW_PAIR, entity, window, "new_" + other.name());
    checkOther(entity, other);
    return new Feature(Kind.NEW_PAIR, entity, other, f.windowMillis, 0, false, Double.NaN, f.name);
  }

  private static void checkOther(Entity entity, Entity other) {
    if (entity.equals(other)) {
      throw new IllegalArgumentException("other must differ from entity, but both were '" + entity + "'");
    }
  }

  /**
   * 1 when the entity has no transaction at or before this one's event time (a new card), else 0. Named
   * {@code <entity>.first_seen}.
   *
   * @param entity the entity
   * @return the feature
   * @throws NullPointerException if {@code entity} is {@code null}
   */
  public static Feature firstSeen(Entity entity) {
    return history(Kind.FIRST_SEEN, entity, "first_seen");
  }

  /**
   * Seconds since the entity's latest earlier transaction (at or before this one's event time); undefined for
   * the first. Named {@code <entity>.seconds_since_last}.
   *
   * @param entity the entity
   * @return the feature
   * @throws NullPointerException if {@code entity} is {@code null}
   */
  public static Feature secondsSinceLast(Entity entity) {
    return history(Kind.SECONDS_SINCE_LAST, entity, "seconds_since_last");
  }

  /**
   * Great-circle (haversine) distance in km from the entity's latest earlier located transaction; undefined when
   * this transaction or the history has no location. Named {@code <entity>.geo_distance_km}.
   *
   * @param entity the entity, usually {@link Entity#CARD}
   * @return the feature
   * @throws NullPointerException if {@code entity} is {@code null}
   */
  public static Feature geoDistanceKm(Entity entity) {
    return history(Kind.GEO_DISTANCE, entity, "geo_distance_km");
  }

  /**
   * Implied speed in km/h from the entity's latest earlier located transaction (distance over elapsed time, the
   * elapsed time floored at one second): impossible travel. Undefined as {@link #geoDistanceKm}. Named
   * {@code <entity>.geo_speed_kmh}.
   *
   * @param entity the entity, usually {@link Entity#CARD}
   * @return the feature
   * @throws NullPointerException if {@code entity} is {@code null}
   */
  public static Feature geoSpeedKmh(Entity entity) {
    return history(Kind.GEO_SPEED, entity, "geo_speed_kmh");
  }

  /**
   * The number of the entity's transactions in the label-delayed window {@code (t - delay - window, t - delay]},
   * labelled or not. Named {@code <entity>.txn_count_<window>_delay<delay>}, e.g.
   * {@code terminal.txn_count_7d_delay7d}.
   *
   * @param entity the entity
   * @param window the window's length, positive, at most 366 days
   * @param delay the label delay, zero or positive, at most 366 days
   * @return the feature
   * @throws IllegalArgumentException if the window or delay is out of range
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Feature delayedCount(Entity entity, Duration window, Duration delay) {
    return delayed(Kind.DELAYED_COUNT, entity, window, delay, "txn_count");
  }

  /**
   * The entity's fraud share in the label-delayed window {@code (t - delay - window, t - delay]}: the transactions
   * there whose {@code FRAUD} label is known at {@code t} (label time at or before {@code t}) over all the
   * transactions there, labelled or not (as the handbook: unlabelled ones count as legitimate). Undefined when
   * the window is empty (the handbook uses 0: {@code orElse(0)}). Named {@code <entity>.risk_<window>_delay<delay>}.
   *
   * @param entity the entity
   * @param window the window's length, positive, at most 366 days
   * @param delay the label delay, zero or positive, at most 366 days
   * @return the feature
   * @throws IllegalArgumentException if the window or delay is out of range
   * @throws NullPointerException if an argument is {@code null}
   */
  public static Feature delayedRisk(Entity entity, Duration window, Duration delay) {
    return delayed(Kind.DELAYED_RISK, entity, window, delay, "risk");
  }

  private static Feature delayed(Kind kind, Entity entity, Duration window, Duration delay, String stem) {
    Objects.requireNonNull(entity, "entity");
    long w = span("window", window, false);
    long d = span("delay", delay, true);
    return new Feature(kind, entity, null, w, d, false, Double.NaN,
        entity.name() + "." + stem + "_" + format(w) + "_delay" + format(d));
  }

  /**
   * Returns this definition under another name.
   *
   * @param name the new name: not blank, no whitespace, no comma
   * @return a copy with that name
   * @throws IllegalArgumentException if the name is blank or holds whitespace or a comma
   * @throws NullPointerException if {@code name} is {@code null}
   */
  public Feature named(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isBlank() || name.chars().anyMatch(c -> Character.isWhitespace(c) || c == ',' || c == '"')) {
      throw new IllegalArgumentException(
          "name must be non-blank without whitespace, commas or quotes, but was '" + name + "'");
    }
    return new Feature(kind, entity, other, windowMillis, delayMillis, includeCurrent, missing, name);
  }

  /**
   * Returns this definition with the current transaction left out of the window, named with the suffix
   * {@code _prior}.
   *
   * @return the copy
   * @throws IllegalStateException if this kind of feature never includes the current transaction
   */
  public Feature excludingCurrent() {
    if (!kind.currentOptional()) {
      throw new IllegalStateException("excludingCurrent applies to count, amount statistics and distinct "
          + "features, not to '" + name + "'");
    }
    return new Feature(kind, entity, other, windowMillis, delayMillis, false, missing, name + "_prior");
  }

  /**
   * Returns this definition with another value for when it is undefined (instead of {@code NaN}).
   *
   * @param value the value, any number or {@code NaN}
   * @return the copy
   */
  public Feature orElse(double value) {
    return new Feature(kind, entity, other, windowMillis, delayMillis, includeCurrent, value, name);
  }

  /**
   * Returns the feature's name.
   *
   * @return the name, e.g. {@code card.txn_count_1d}
   */
  public String name() {
    return name;
  }

  /**
   * Returns the entity the feature is kept for.
   *
   * @return the entity, or {@code null} for features of the transaction alone ({@code tx.*})
   */
  public Entity entity() {
    return entity;
  }

  /**
   * Tells whether the feature reads confirmed labels (a label-delayed risk), so that feedback must reach the state
   * of its entity. A runtime that keeps entity state itself (a stream processor's keyed state, say) routes labels
   * only to the entities that have such a feature.
   *
   * @return {@code true} for {@link #delayedRisk} features
   */
  public boolean readsLabels() {
    return kind == Kind.DELAYED_RISK;
  }

  Kind kind() {
    return kind;
  }

  Entity other() {
    return other;
  }

  long windowMillis() {
    return windowMillis;
  }

  long delayMillis() {
    return delayMillis;
  }

  boolean includeCurrent() {
    return includeCurrent;
  }

  double missing() {
    return missing;
  }

  /** How far back in event time this feature reads: delay plus window. */
  long horizonMillis() {
    return delayMillis + windowMillis;
  }

  private static long span(String param, Duration d, boolean zeroAllowed) {
    Objects.requireNonNull(d, param);
    if (d.isNegative() || (!zeroAllowed && d.isZero()) || d.compareTo(MAX_SPAN) > 0) {
      throw new IllegalArgumentException(param + " must be in " + (zeroAllowed ? "[" : "(") + "0, "
          + MAX_SPAN.toDays() + " days], but was " + d);
    }
    if (d.toNanos() % 1_000_000 != 0) {
      throw new IllegalArgumentException(param + " must be a whole number of milliseconds, but was " + d);
    }
    return d.toMillis();
  }

  /** Formats a span as the shortest exact unit: {@code 30d}, {@code 1h}, {@code 15m}, {@code 10s}, {@code 250ms}. */
  static String format(long millis) {
    if (millis % 86_400_000L == 0) {
      return millis / 86_400_000L + "d";
    }
    if (millis % 3_600_000L == 0) {
      return millis / 3_600_000L + "h";
    }
    if (millis % 60_000L == 0) {
      return millis / 60_000L + "m";
    }
    if (millis % 1000L == 0) {
      return millis / 1000L + "s";
    }
    return millis + "ms";
  }

  @Override
  public String toString() {
    return name;
  }
}
