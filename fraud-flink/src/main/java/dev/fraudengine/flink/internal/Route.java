package dev.fraudengine.flink.internal;

import java.util.Arrays;
import java.util.Objects;

/**
 * What the label router remembers of a transaction: where a label for it must go.
 *
 * @param time the transaction's event time, epoch milliseconds
 * @param txHash the hash of its id
 * @param keys per entity stage, the stage key the transaction was recorded under, or {@code null} where the stage
 *     keeps no labels or the transaction had no key; copied
 */
public record Route(long time, int txHash, String[] keys) {
  /**
   * Validates and copies.
   *
   * @throws NullPointerException if keys is {@code null}
   */
  public Route {
    keys = Objects.requireNonNull(keys, "keys").clone();
  }

  /**
   * Returns the keys.
   *
   * @return a copy
   */
  @Override
  public String[] keys() {
    return keys.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Route r && r.time == time && r.txHash == txHash && Arrays.equals(r.keys, keys);
  }

  @Override
  public int hashCode() {
    return Objects.hash(time, txHash, Arrays.hashCode(keys));
  }

  @Override
  public String toString() {
    return "Route[time=" + time + ", txHash=" + txHash + ", keys=" + Arrays.toString(keys) + "]";
  }
}
