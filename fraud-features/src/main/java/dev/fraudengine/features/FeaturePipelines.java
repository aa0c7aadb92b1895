package dev.fraudengine.features;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ready-made feature pipelines and the way to build custom ones.
 *
 * <p>Each call returns a new, empty pipeline with the default state bounds of
 * {@link OnlineFeaturePipeline#builder()}; to change the bounds, start from {@link #builder()} and add
 * {@link #handbookFeatures()}, {@link #handbookPlusFeatures()} or {@link #standardFeatures()}. Thread-safe (stateless).
 */
public final class FeaturePipelines {
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration DAY = Duration.ofDays(1);
  private static final Duration WEEK = Duration.ofDays(7);
  private static final Duration MONTH = Duration.ofDays(30);
  private static final Duration[] HANDBOOK_WINDOWS = {DAY, WEEK, MONTH};
  private static final Map<String, String> HANDBOOK_COLUMNS = handbookColumnMap();

  private FeaturePipelines() {}

  /**
   * Starts a builder for a pipeline of custom definitions.
   *
   * @return a new builder
   */
  public static OnlineFeaturePipeline.Builder builder() {
    return OnlineFeaturePipeline.builder();
  }

  /**
   * Returns a new pipeline of exactly the 15 features of the Fraud Detection Handbook (schema {@code handbook},
   * version {@code 1}), in the handbook's column order:
   *
   * <ul>
   *   <li>{@code tx.amount}, {@code tx.weekend}, {@code tx.night} (hour 0 to 6, UTC);
   *   <li>for the card, over 1, 7 and 30 days, the current transaction included: {@code card.txn_count_<w>} and
   *       {@code card.amount_mean_<w>};
   *   <li>for the terminal, over the windows {@code (t - 7d - w, t - 7d]}: {@code terminal.txn_count_<w>_delay7d}
   *       and {@code terminal.risk_<w>_delay7d}, the risk being 0 when the window is empty.
   * </ul>
   *
   * <p>The risk counts a fraud once its label is known ({@code labelTime <= t}); the handbook assumes every label
   * known after 7 days, which feedback with {@code labelTime = eventTime + 7 days} reproduces exactly.
   *
   * @return a new, empty pipeline
   */
  public static OnlineFeaturePipeline handbook() {
    return builder().schema("handbook", "1").addAll(handbookFeatures()).build();
  }

  /**
   * Returns the definitions of {@link #handbook()}, in order.
   *
   * @return an immutable list of 15 features
   */
  public static List<Feature> handbookFeatures() {
    List<Feature> f = new ArrayList<>();
    f.add(Feature.amount());
    f.add(Feature.weekend());
    f.add(Feature.night());
    for (Duration w : HANDBOOK_WINDOWS) {
      f.add(Feature.count(Entity.CARD, w));
      f.add(Feature.amountMean(Entity.CARD, w));
    }
    for (Duration w : HANDBOOK_WINDOWS) {
      f.add(Feature.delayedCount(Entity.TERMINAL, w, WEEK));
      f.add(Feature.delayedRisk(Entity.TERMINAL, w, WEEK).orElse(0));
    }
    return List.copyOf(f);
  }

  /**
   * Returns the handbook's column name of each feature of {@link #handbook()}, in schema order: for example
   * {@code card.txn_count_1d} is {@code CUSTOMER_ID_NB_TX_1DAY_WINDOW}.
   *
   * @return an immutable, ordered map from feature name to handbook column name
   */
  public static Map<String, String> handbookColumns() {
    return HANDBOOK_COLUMNS;
  }

  private static Map<String, String> handbookColumnMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("tx.amount", "TX_AMOUNT");
    m.put("tx.weekend", "TX_DURING_WEEKEND");
    m.put("tx.night", "TX_DURING_NIGHT");
    for (int days : new int[] {1, 7, 30}) {
      m.put("card.txn_count_" + days + "d", "CUSTOMER_ID_NB_TX_" + days + "DAY_WINDOW");
      m.put("card.amount_mean_" + days + "d", "CUSTOMER_ID_AVG_AMOUNT_" + days + "DAY_WINDOW");
    }
    for (int days : new int[] {1, 7, 30}) {
      m.put("terminal.txn_count_" + days + "d_delay7d", "TERMINAL_ID_NB_TX_" + days + "DAY_WINDOW");
      m.put("terminal.risk_" + days + "d_delay7d", "TERMINAL_ID_RISK_" + days + "DAY_WINDOW");
    }
    return Collections.unmodifiableMap(m);
  }

  /**
   * Returns a new pipeline of the handbook's 15 features and 22 more that the handbook's data can feed (schema
   * {@code handbook-plus}, version {@code 1}): see {@link #handbookPlusFeatures()}. On the handbook's Chapter 3
   * protocol it is this library's best pipeline for cards and terminals alone (no device, IP or location); the
   * selection, made on weeks before the handbook's test week, is in {@code BENCHMARKS.md}.
   *
   * @return a new, empty pipeline
   */
  public static OnlineFeaturePipeline handbookPlus() {
    return builder().schema("handbook-plus", "1").addAll(handbookPlusFeatures()).build();
  }

  /**
   * Returns the definitions of {@link #handbookPlus()}, 37 features, in order:
   *
   * <ul>
   *   <li>the handbook's 15, as in {@link #standardFeatures()}: an empty delayed window gives a {@code NaN} risk
   *       (missing: the trees learn where an unknown terminal goes), not 0;
   *   <li>the hour of day, {@code tx.hour};
   *   <li>card velocity: {@code card.txn_count_1h}, {@code card.amount_sum_1h}, {@code card.amount_sum_1d};
   *   <li>the amount against the card's history: {@code card.amount_std_30d}, {@code card.amount_max_30d},
   *       {@code card.amount_zscore_30d}, {@code card.amount_ratio_30d}, {@code card.first_seen},
   *       {@code card.seconds_since_last};
   *   <li>the card's delayed-label risk, {@code card.risk_30d_delay7d};
   *   <li>the amount against a longer and a shorter history: {@code card.amount_ratio_90d},
   *       {@code card.amount_zscore_90d}, {@code card.amount_mean_90d}, {@code card.amount_max_30d_prior} (the
   *       current transaction left out), {@code card.amount_ratio_7d};
   *   <li>terminal risk over more windows: {@code terminal.risk_14d_delay7d} and {@code terminal.risk_60d_delay7d}
   *       (0 when empty, as validated);
   *   <li>terminal activity: {@code terminal.seconds_since_last}, {@code terminal.txn_count_1d},
   *       {@code terminal.amount_mean_30d}; and {@code card.txn_count_90d}.
   * </ul>
   *
   * <p>Missing values (no history, an empty window) are {@code NaN}, except the 14- and 60-day terminal risks.
   *
   * @return an immutable list of 37 features
   */
  public static List<Feature> handbookPlusFeatures() {
    Duration quarter = Duration.ofDays(90);
    List<Feature> f = cardVelocityAndAmounts();
    f.add(Feature.firstSeen(Entity.CARD));
    f.add(Feature.secondsSinceLast(Entity.CARD));
    f.add(Feature.delayedRisk(Entity.CARD, MONTH, WEEK));
    f.add(Feature.amountRatio(Entity.CARD, quarter));
    f.add(Feature.amountZScore(Entity.CARD, quarter));
    f.add(Feature.amountMean(Entity.CARD, quarter));
    f.add(Feature.amountMax(Entity.CARD, MONTH).excludingCurrent());
    f.add(Feature.amountRatio(Entity.CARD, WEEK));
    f.add(Feature.delayedRisk(Entity.TERMINAL, Duration.ofDays(14), WEEK).orElse(0));
    f.add(Feature.delayedRisk(Entity.TERMINAL, Duration.ofDays(60), WEEK).orElse(0));
    f.add(Feature.secondsSinceLast(Entity.TERMINAL));
    f.add(Feature.count(Entity.TERMINAL, DAY));
    f.add(Feature.amountMean(Entity.TERMINAL, MONTH));
    f.add(Feature.count(Entity.CARD, quarter));
    return List.copyOf(f);
  }

  /**
   * Returns a new pipeline of the standard features for real payments (schema {@code standard}, version
   * {@code 1}): see {@link #standardFeatures()}.
   *
   * @return a new, empty pipeline
   */
  public static OnlineFeaturePipeline standard() {
    return builder().schema("standard", "1").addAll(standardFeatures()).build();
  }

  /**
   * Returns the definitions of {@link #standard()}, 37 features, in order:
   *
   * <ul>
   *   <li>the handbook's 15, except that an empty delayed window gives a {@code NaN} risk (missing), not 0;
   *   <li>the hour of day: {@code tx.hour};
   *   <li>card velocity and amounts: {@code card.txn_count_1h}, {@code card.amount_sum_1h},
   *       {@code card.amount_sum_1d}, {@code card.amount_std_30d}, {@code card.amount_max_30d},
   *       {@code card.amount_zscore_30d}, {@code card.amount_ratio_30d};
   *   <li>card links: {@code card.distinct_device_30d}, {@code card.distinct_ip_30d},
   *       {@code card.new_device_30d}, {@code card.first_seen}, {@code card.seconds_since_last};
   *   <li>card travel: {@code card.geo_distance_km}, {@code card.geo_speed_kmh};
   *   <li>card delayed-label risk: {@code card.risk_30d_delay7d};
   *   <li>device and IP: {@code device.txn_count_1h}, {@code device.distinct_card_1d},
   *       {@code device.distinct_card_30d}, {@code device.first_seen}, {@code ip.txn_count_1h},
   *       {@code ip.distinct_card_1d}.
   * </ul>
   *
   * <p>Missing values (no device, no location, an empty window) are {@code NaN}.
   *
   * @return an immutable list of the definitions
   */
  public static List<Feature> standardFeatures() {
    List<Feature> f = cardVelocityAndAmounts();
    f.add(Feature.distinct(Entity.CARD, Entity.DEVICE, MONTH));
    f.add(Feature.distinct(Entity.CARD, Entity.IP, MONTH));
    f.add(Feature.newPair(Entity.CARD, Entity.DEVICE, MONTH));
    f.add(Feature.firstSeen(Entity.CARD));
    f.add(Feature.secondsSinceLast(Entity.CARD));
    f.add(Feature.geoDistanceKm(Entity.CARD));
    f.add(Feature.geoSpeedKmh(Entity.CARD));
    f.add(Feature.delayedRisk(Entity.CARD, MONTH, WEEK));
    f.add(Feature.count(Entity.DEVICE, HOUR));
    f.add(Feature.distinct(Entity.DEVICE, Entity.CARD, DAY));
    f.add(Feature.distinct(Entity.DEVICE, Entity.CARD, MONTH));
    f.add(Feature.firstSeen(Entity.DEVICE));
    f.add(Feature.count(Entity.IP, HOUR));
    f.add(Feature.distinct(Entity.IP, Entity.CARD, DAY));
    return List.copyOf(f);
  }

  /**
   * The start both richer pipelines share, in schema order: the handbook's 15 with an empty delayed terminal window
   * as missing, the hour, and the card's 1-hour and 1-day velocity and 30-day amount statistics.
   */
  private static List<Feature> cardVelocityAndAmounts() {
    List<Feature> f = new ArrayList<>();
    for (Feature h : handbookFeatures()) {
      f.add(h.name().startsWith("terminal.risk_") ? h.orElse(Double.NaN) : h);
    }
    f.add(Feature.hourOfDay());
    f.add(Feature.count(Entity.CARD, HOUR));
    f.add(Feature.amountSum(Entity.CARD, HOUR));
    f.add(Feature.amountSum(Entity.CARD, DAY));
    f.add(Feature.amountStd(Entity.CARD, MONTH));
    f.add(Feature.amountMax(Entity.CARD, MONTH));
    f.add(Feature.amountZScore(Entity.CARD, MONTH));
    f.add(Feature.amountRatio(Entity.CARD, MONTH));
    return f;
  }
}
