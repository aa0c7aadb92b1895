package dev.fraudengine.core;

/**
 * Percentiles of the engine's decision latency since it was built, from a latency histogram with three
 * significant digits.
 *
 * @param count the number of decisions measured
 * @param p50Nanos the median, in nanoseconds
 * @param p95Nanos the 95th percentile, in nanoseconds
 * @param p99Nanos the 99th percentile, in nanoseconds
 * @param maxNanos the largest, in nanoseconds
 * @param meanNanos the mean, in nanoseconds
 */
public record LatencySummary(long count, long p50Nanos, long p95Nanos, long p99Nanos, long maxNanos,
    double meanNanos) {

  /*
   * Creates a summary.
   *
   * @throws IllegalArgumentException if a value is negative
   */
  public LatencySummary {
    if (count < 0 || p50Nanos < 0 || p95Nanos < 0 || p99Nanos < 0 || maxNanos < 0 || !(meanNanos >= 0)) {
      throw new IllegalArgumentException("latency figures must not be negative");
    }
  }
}
