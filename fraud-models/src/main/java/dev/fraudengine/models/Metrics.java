package dev.fraudengine.models;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Detection-quality metrics of fraud scores against labels: ROC AUC, average precision, the confusion matrix and
 * precision, recall and F1 at a threshold, and Card Precision@k as the Fraud Detection Handbook defines it.
 *
 * <p>Every method takes parallel arrays (one entry per transaction) of the same length, and rejects arrays of
 * different lengths or a {@code NaN} score with {@link IllegalArgumentException}. Stateless; thread-safe.
 */
public final class Metrics {
  private Metrics() {}

  /**
   * Returns the area under the ROC curve: the probability that a random fraud scores above a random legitimate
   * transaction, a tie counting one half (the Mann-Whitney statistic, from average ranks). O(n log n).
   *
   * @param scores the scores, higher meaning more likely fraud
   * @param labels {@code true} for fraud
   * @return the AUC in [0, 1]
   * @throws IllegalArgumentException if the lengths differ, a score is NaN, or the labels are all of one class
   */
  public static double rocAuc(double[] scores, boolean[] labels) {
    int n = check(scores, labels);
    long positives = countPositives(labels);
    requireBothClasses(positives, n);
    Integer[] order = ascending(scores);
    double positiveRankSum = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[order[k]]) {
          positiveRankSum += averageRank;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /**
   * Returns the average precision as scikit-learn's {@code average_precision_score} defines it: the sum over
   * distinct score thresholds, from high to low, of (recall at the threshold - recall at the previous one) ×
   * precision at the threshold; transactions with equal scores enter together. O(n log n).
   *
   * @param scores the scores, higher meaning more likely fraud
   * @param labels {@code true} for fraud
   * @return the average precision in [0, 1]
   * @throws IllegalArgumentException if the lengths differ, a score is NaN, or there is no fraud
   */
  public static double averagePrecision(double[] scores, boolean[] labels) {
    int n = check(scores, labels);
    long positives = countPositives(labels);
    if (positives == 0) {
      throw new IllegalArgumentException("labels must hold at least one fraud, but held none of " + n);
    }
    Integer[] order = ascending(scores);
    long tp = 0;
    long flagged = 0;
    double previousRecall = 0;
    double ap = 0;
    int i = n - 1;
    while (i >= 0) {
      int j = i;
      while (j - 1 >= 0 && scores[order[j - 1]] == scores[order[i]]) {
        j--;
      }
      for (int k = j; k <= i; k++) {
        tp += labels[order[k]] ? 1 : 0;
        flagged++;
      }
      double recall = (double) tp / positives;
      ap += (recall - previousRecall) * ((double) tp / flagged);
      previousRecall = recall;
      i = j - 1;
    }
    return ap;
  }

  /**
   * Returns the confusion matrix of flagging every transaction whose score is at least {@code threshold}.
   *
   * @param scores the scores
   * @param labels {@code true} for fraud
   * @param threshold the lowest score flagged
   * @return the counts
   * @throws IllegalArgumentException if the lengths differ, a score or the threshold is NaN
   */
  public static ConfusionMatrix confusionMatrix(double[] scores, boolean[] labels, double threshold) {
    int n = check(scores, labels);
    if (Double.isNaN(threshold)) {
      throw new IllegalArgumentException("threshold must not be NaN");
    }
    long tp = 0;
    long fp = 0;
    long tn = 0;
    long fn = 0;
    for (int i = 0; i < n; i++) {
      boolean flagged = scores[i] >= threshold;
      if (flagged) {
        if (labels[i]) {
          tp++;
        } else {
          fp++;
        }
      } else if (labels[i]) {
        fn++;
      } else {
        tn++;
      }
    }
    return new ConfusionMatrix(tp, fp, tn, fn);
  }

  /**
   * Returns the precision of flagging scores at or above {@code threshold}; see {@link ConfusionMatrix#precision}.
   *
   * @param scores the scores
   * @param labels {@code true} for fraud
   * @param threshold the lowest score flagged
   * @return tp / (tp + fp), 0 when nothing is flagged
   * @throws IllegalArgumentException as {@link #confusionMatrix}
   */
  public static double precision(double[] scores, boolean[] labels, double threshold) {
    return confusionMatrix(scores, labels, threshold).precision();
  }

  /**
   * Returns the recall of flagging scores at or above {@code threshold}; see {@link ConfusionMatrix#recall}.
   *
   * @param scores the scores
   * @param labels {@code true} for fraud
   * @param threshold the lowest score flagged
   * @return tp / (tp + fn), 0 when there is no fraud
   * @throws IllegalArgumentException as {@link #confusionMatrix}
   */
  public static double recall(double[] scores, boolean[] labels, double threshold) {
    return confusionMatrix(scores, labels, threshold).recall();
  }

  /**
   * Returns the F1 score of flagging scores at or above {@code threshold}; see {@link ConfusionMatrix#f1}.
   *
   * @param scores the scores
   * @param labels {@code true} for fraud
   * @param threshold the lowest score flagged
   * @return the harmonic mean of precision and recall
   * @throws IllegalArgumentException as {@link #confusionMatrix}
   */
  public static double f1(double[] scores, boolean[] labels, double threshold) {
    return confusionMatrix(scores, labels, threshold).f1();
  }

  /**
   * Returns Card Precision@k as the Fraud Detection Handbook defines it (its {@code card_precision_top_k}). For
   * each day, in increasing order: leave out the cards already detected on earlier days; give each remaining card
   * the highest score and the highest label of its transactions that day; rank cards by that score, highest
   * first (ties by card key, ascending); the day's precision is the number of fraudulent cards among the top
   * {@code k} divided by {@code k} (even when fewer than {@code k} cards transacted), and those fraudulent cards
   * count as detected from then on. The result is the mean over the days present in the data.
   *
   * @param days the day of each transaction (e.g. days since the epoch)
   * @param cards the card key of each transaction
   * @param scores the score of each transaction
   * @param labels {@code true} for fraud
   * @param k the investigators' daily capacity in cards, positive
   * @return the mean daily card precision in [0, 1]
   * @throws IllegalArgumentException if the lengths differ, a score is NaN, {@code k} is not positive, or there
   *     are no transactions
   */
  public static double cardPrecisionAtK(long[] days, long[] cards, double[] scores, boolean[] labels, int k) {
    int n = check(scores, labels);
    Objects.requireNonNull(days, "days");
    Objects.requireNonNull(cards, "cards");
    if (days.length != n || cards.length != n) {
      throw new IllegalArgumentException(
          "days, cards, scores and labels must have the same length, but had " + days.length + ", " + cards.length
              + ", " + n + " and " + n);
    }
    if (k <= 0) {
      throw new IllegalArgumentException("k must be positive, but was " + k);
    }
    if (n == 0) {
      throw new IllegalArgumentException("there must be at least one transaction");
    }
    TreeMap<Long, List<Integer>> byDay = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      byDay.computeIfAbsent(days[i], d -> new ArrayList<>()).add(i);
    }
    Set<Long> detected = new HashSet<>();
    double sum = 0;
    for (List<Integer> rows : byDay.values()) {
      Map<Long, double[]> perCard = new HashMap<>();
      for (int i : rows) {
        if (detected.contains(cards[i])) {
          continue;
        }
        double[] card = perCard.computeIfAbsent(cards[i], c -> new double[] {Double.NEGATIVE_INFINITY, 0});
        card[0] = Math.max(card[0], scores[i]);
        card[1] = Math.max(card[1], labels[i] ? 1 : 0);
      }
      List<Map.Entry<Long, double[]>> ranked = new ArrayList<>(perCard.entrySet());
      ranked.sort(Comparator.<Map.Entry<Long, double[]>>comparingDouble(e -> -e.getValue()[0])
          .thenComparing(Map.Entry::getKey));
      int found = 0;
      for (int r = 0; r < Math.min(k, ranked.size()); r++) {
        if (ranked.get(r).getValue()[1] > 0) {
          found++;
          detected.add(ranked.get(r).getKey());
        }
      }
      sum += (double) found / k;
    }
    return sum / byDay.size();
  }

  private static int check(double[] scores, boolean[] labels) {
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(labels, "labels");
    if (scores.length != labels.length) {
      throw new IllegalArgumentException(
          "scores and labels must have the same length, but had " + scores.length + " and " + labels.length);
    }
    for (int i = 0; i < scores.length; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("scores[" + i + "] must not be NaN");
      }
    }
    return scores.length;
  }

  private static long countPositives(boolean[] labels) {
    long p = 0;
    for (boolean label : labels) {
      p += label ? 1 : 0;
    }
    return p;
  }

  private static void requireBothClasses(long positives, int n) {
    if (positives == 0 || positives == n) {
      throw new IllegalArgumentException(
          "labels must hold both fraud and legitimate transactions, but held " + positives + " frauds of " + n);
    }
  }

  private static Integer[] ascending(double[] scores) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    return order;
  }
}
