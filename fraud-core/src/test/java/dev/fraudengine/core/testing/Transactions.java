package dev.fraudengine.core.testing;

import dev.fraudengine.core.Transaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Transactions for tests: a valid one with sensible defaults to change field by field, and seeded streams.
 *
 * <p>Every transaction is dated before {@link #NOW}, the instant test clocks show.
 */
public final class Transactions {
  /** The instant test clocks show; every generated event time is earlier. */
  public static final Instant NOW = Instant.parse("2026-11-21T12:00:00Z");
  /** The event time of {@link #valid()}. */
  public static final Instant EVENT_TIME = NOW.minusSeconds(3_600);

  private Transactions() {}

  /**
   * Returns a builder holding a valid transaction: id {@code tx-1}, 42.50 EUR, card {@code card-1}, terminal
   * {@code term-1}, an hour before {@link #NOW}.
   *
   * @return a builder to change
   */
  public static Transaction.Builder valid() {
    return Transaction.builder()
        .id("tx-1")
        .eventTime(EVENT_TIME)
        .amount(42.50, "EUR")
        .card("card-1")
        .terminal("term-1")
        .channel("pos");
  }

  /**
   * Returns a seeded stream of valid transactions in event order, over a number of cards and terminals.
   * Prints the seed, so that a failure can be replayed.
   *
   * @param seed the seed
   * @param count how many
   * @param cards how many distinct cards
   * @return the transactions, ids {@code s<seed>-<i>}
   */
  public static List<Transaction> stream(long seed, int count, int cards) {
    System.out.println("Transactions.stream seed=" + seed);
    SplittableRandom random = new SplittableRandom(seed);
    List<Transaction> txs = new ArrayList<>(count);
    Instant t = NOW.minusSeconds(30L * 24 * 3_600);
    for (int i = 0; i < count; i++) {
      t = t.plusMillis(1 + random.nextInt(2_000));
      double amount = Math.round(Math.exp(3 + random.nextGaussian()) * 100) / 100.0 + 0.01;
      txs.add(Transaction.builder()
          .id("s" + seed + "-" + i)
          .eventTime(t)
          .amount(amount, "EUR")
          .card("card-" + random.nextInt(cards))
          .terminal("term-" + random.nextInt(Math.max(1, cards / 4)))
          .channel(random.nextBoolean() ? "pos" : "ecom")
          .build());
    }
    return txs;
  }
}
