package dev.fraudengine.examples;

import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/*
 * A synthetic payment stream with labelled fraud, in the spirit of the Fraud Detection Handbook's generator but
 * with the fields and patterns of card-not-present fraud as the systems this library replaces saw it.
 *
 * Legitimate behaviour: each card lives in a home area of one country, spends around its own typical amount
 * (log-normal), at its own rate per day, mostly around its own preferred hour, at a handful of terminals of its
 * country; its online payments come from its one or two devices and one to three IP addresses.
 *
 * Fraud: first the legitimate stream is generated, then patterns are added until the fraud share reaches the asked
 * rate, always choosing the pattern with the fewest fraud rows so far, so that every pattern is about equally
 * present. Each fraud row names its pattern in the "fraud_pattern" column, which is for evaluation only.
 *
 * Deterministic: one java.util.Random seeded once, used in a fixed order.
 */
final class Simulator {
  /** The fraud patterns, with the name written in the fraud_pattern column. */
  enum Pattern {
    AMOUNT_ANOMALY("amount_anomaly"),
    CARD_TESTING("card_testing"),
    MANY_IPS_COUNTRIES("many_ips_countries"),
    UNUSUAL_HOURS("unusual_hours"),
    ACCOUNT_TAKEOVER("account_takeover"),
    COMPROMISED_TERMINAL("compromised_terminal"),
    COMPROMISED_CARD("compromised_card");

    final String label;

    Pattern(String label) {
      this.label = label;
    }
  }

  /** The simulation's size and seed. */
  record Config(int cards, int terminals, int days, double fraudRate, long seed, Instant start) {
    Config {
      if (cards < 1 || cards > 10_000_000) {
        throw new IllegalArgumentException("cards must be in [1, 10000000], but was " + cards);
      }
      if (terminals < 1 || terminals > 10_000_000) {
        throw new IllegalArgumentException("terminals must be in [1, 10000000], but was " + terminals);
      }
      if (days < 1 || days > 3_650) {
        throw new IllegalArgumentException("days must be in [1, 3650], but was " + days);
      }
      if (!(fraudRate >= 0 && fraudRate <= 0.5)) {
        throw new IllegalArgumentException("fraud rate must be in [0, 0.5], but was " + fraudRate);
      }
    }
  }

  /** One simulated payment with its label and, for fraud, its pattern. */
  record Row(Transaction transaction, Label label, String pattern) {}

  private record Country(String code, double lat, double lon) {}

  private static final Country[] HOME = {
      new Country("FR", 46.6, 2.4), new Country("DE", 51.1, 10.4), new Country("ES", 40.4, -3.7),
      new Country("IT", 42.8, 12.5), new Country("GB", 53.0, -1.8), new Country("NL", 52.2, 5.3),
      new Country("BE", 50.6, 4.6), new Country("PL", 52.0, 19.1)};
  private static final Country[] FOREIGN = {
      new Country("US", 39.8, -98.6), new Country("BR", -14.2, -51.9), new Country("NG", 9.1, 8.7),
      new Country("RU", 61.5, 105.3), new Country("CN", 35.9, 104.2), new Country("ID", -0.8, 113.9),
      new Country("VN", 14.1, 108.3), new Country("UA", 48.4, 31.2)};
  private static final String[] MCC = {"5411", "5812", "5732", "5999", "4111", "5311", "5651", "7011", "5541",
      "5912"};

  private static final class Terminal {
    String id;
    Country country;
    double lat;
    double lon;
    String mcc;
    boolean ecom;
  }

  private static final class Card {
    String id;
    Country country;
    double lat;
    double lon;
    double meanAmount;
    double txPerDay;
    double hour;
    double ecomShare;
    String[] devices;
    String[] ips;
    Terminal[] terminals;
  }

  /** A payment being made; turned into an immutable Transaction at the end. */
  private static final class Tx {
    long time;
    Card card;
    Terminal terminal;
    double amount;
    String device;
    String ip;
    double lat;
    double lon;
    String country;
    String channel;
    Pattern pattern;
  }

  private final Config config;
  private final Random random;
  private final List<Terminal> terminals = new ArrayList<>();
  private final List<Card> cards = new ArrayList<>();
  private final List<Tx> txs = new ArrayList<>();
  private final Map<Pattern, Long> fraudRows = new EnumMap<>(Pattern.class);
  private long frauds;
  private int fraudsters;

  private Simulator(Config config) {
    this.config = config;
    this.random = new Random(config.seed());
    for (Pattern p : Pattern.values()) {
      fraudRows.put(p, 0L);
    }
  }

  /**
   * Simulates a stream.
   *
   * @param config the size, fraud rate, seed and start
   * @return the rows in event-time order, ids {@code tx-00000001}, ... in that order
   */
  static List<Row> generate(Config config) {
    return new Simulator(config).run();
  }

  private List<Row> run() {
    makeTerminals();
    makeCards();
    legitimate();
    long legit = txs.size();
    long target = Math.round(config.fraudRate() * legit / (1 - config.fraudRate()));
    Map<Pattern, Integer> misses = new EnumMap<>(Pattern.class);
    while (frauds < target) {
      Pattern next = null;
      for (Pattern p : Pattern.values()) {
        if (misses.getOrDefault(p, 0) < 20 && (next == null || fraudRows.get(p) < fraudRows.get(next))) {
          next = p;
        }
      }
      if (next == null) {
        break;
      }
      long made = inject(next, target - frauds);
      misses.merge(next, made == 0 ? 1 : 0, (a, b) -> b == 0 ? 0 : a + b);
      fraudRows.merge(next, made, Long::sum);
      frauds += made;
    }
    txs.sort(Comparator.comparingLong(t -> t.time));
    List<Row> rows = new ArrayList<>(txs.size());
    int n = 0;
    for (Tx t : txs) {
      Transaction.Builder b = Transaction.builder()
          .id(String.format(Locale.ROOT, "tx-%08d", ++n))
          .eventTime(Instant.ofEpochSecond(t.time))
          .amount(Math.round(Math.max(0.01, t.amount) * 100) / 100.0, "EUR")
          .card(t.card.id)
          .terminal(t.terminal.id)
          .channel(t.channel)
          .merchantCategory(t.terminal.mcc)
          .location(round4(t.lat), round4(t.lon))
          .country(t.country);
      if (t.device != null) {
        b.device(t.device);
      }
      if (t.ip != null) {
        b.ip(t.ip);
      }
      rows.add(new Row(b.build(), t.pattern == null ? Label.LEGITIMATE : Label.FRAUD,
          t.pattern == null ? null : t.pattern.label));
    }
    return rows;
  }

  private static double round4(double v) {
    return Math.round(v * 10_000) / 10_000.0;
  }

  private long startSecond() {
    return config.start().getEpochSecond();
  }

  private void makeTerminals() {
    for (int i = 0; i < config.terminals(); i++) {
      Terminal t = new Terminal();
      t.id = String.format(Locale.ROOT, "term-%05d", i + 1);
      t.country = HOME[random.nextInt(HOME.length)];
      t.lat = t.country.lat + random.nextGaussian() * 1.2;
      t.lon = t.country.lon + random.nextGaussian() * 1.2;
      t.mcc = MCC[random.nextInt(MCC.length)];
      t.ecom = random.nextDouble() < 0.25;
      terminals.add(t);
    }
  }

  private void makeCards() {
    for (int i = 0; i < config.cards(); i++) {
      Card c = new Card();
      c.id = String.format(Locale.ROOT, "card-%06d", i + 1);
      c.country = HOME[random.nextInt(HOME.length)];
      c.lat = c.country.lat + random.nextGaussian() * 1.2;
      c.lon = c.country.lon + random.nextGaussian() * 1.2;
      c.meanAmount = Math.exp(3.4 + random.nextGaussian() * 0.6);
      c.txPerDay = 0.3 + random.nextDouble() * 2.7;
      c.hour = Math.min(21, Math.max(8, 14 + random.nextGaussian() * 3));
      c.ecomShare = 0.1 + random.nextDouble() * 0.4;
      c.devices = new String[1 + random.nextInt(2)];
      for (int d = 0; d < c.devices.length; d++) {
        c.devices[d] = String.format(Locale.ROOT, "dev-%06d-%d", i + 1, d);
      }
      c.ips = new String[1 + random.nextInt(3)];
      for (int d = 0; d < c.ips.length; d++) {
        c.ips[d] = randomIp();
      }
      List<Terminal> local = terminals.stream().filter(t -> t.country == c.country).toList();
      List<Terminal> pool = local.isEmpty() ? terminals : local;
      c.terminals = new Terminal[Math.min(pool.size(), 12)];
      for (int k = 0; k < c.terminals.length; k++) {
        c.terminals[k] = pool.get(random.nextInt(pool.size()));
      }
      cards.add(c);
    }
  }

  private String randomIp() {
    return (11 + random.nextInt(200)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "."
        + (1 + random.nextInt(254));
  }

  private void legitimate() {
    for (Card c : cards) {
      for (int day = 0; day < config.days(); day++) {
        int n = poisson(c.txPerDay);
        for (int k = 0; k < n; k++) {
          double hour = c.hour + random.nextGaussian() * 3;
          if (hour < 0 || hour >= 24) {
            hour = c.hour;
          }
          long time = startSecond() + day * 86_400L + (long) (hour * 3_600);
          txs.add(ordinary(c, time, c.meanAmount * Math.exp(random.nextGaussian() * 0.45)));
        }
      }
    }
  }

  private Tx ordinary(Card c, long time, double amount) {
    Tx t = new Tx();
    t.time = time;
    t.card = c;
    t.amount = amount;
    boolean ecom = random.nextDouble() < c.ecomShare;
    t.terminal = c.terminals[random.nextInt(c.terminals.length)];
    if (ecom) {
      t.channel = "ecom";
      t.device = c.devices[random.nextInt(c.devices.length)];
      t.ip = c.ips[random.nextInt(c.ips.length)];
      t.lat = c.lat;
      t.lon = c.lon;
    } else {
      t.channel = "pos";
      t.lat = t.terminal.lat;
      t.lon = t.terminal.lon;
    }
    t.country = c.country.code;
    return t;
  }

  private int poisson(double mean) {
    double l = Math.exp(-mean);
    int k = 0;
    double p = random.nextDouble();
    while (p > l) {
      k++;
      p *= random.nextDouble();
    }
    return k;
  }

  private Card randomCard() {
    return cards.get(random.nextInt(cards.size()));
  }

  /** A time on a random day after the first week (so that cards have a history), at a random second of the day. */
  private long randomTime() {
    int first = Math.min(7, config.days() - 1);
    int day = first + random.nextInt(config.days() - first);
    return startSecond() + day * 86_400L + random.nextInt(86_400);
  }

  private Tx fraud(Card c, long time, double amount, Pattern p) {
    Tx t = ordinary(c, time, amount);
    t.pattern = p;
    txs.add(t);
    return t;
  }

  private void online(Tx t, String device, String ip, Country where) {
    t.channel = "ecom";
    t.device = device;
    t.ip = ip;
    t.country = where.code;
    t.lat = where.lat + random.nextGaussian();
    t.lon = where.lon + random.nextGaussian();
  }

  private String fraudsterDevice() {
    return String.format(Locale.ROOT, "fdev-%05d", ++fraudsters);
  }

  private long inject(Pattern p, long budget) {
    Card c = randomCard();
    long t0 = randomTime();
    switch (p) {
      case AMOUNT_ANOMALY -> {
        fraud(c, t0, c.meanAmount * (8 + random.nextDouble() * 12), p);
        return 1;
      }
      case CARD_TESTING -> {
        String device = fraudsterDevice();
        String ip = randomIp();
        Country where = FOREIGN[random.nextInt(FOREIGN.length)];
        int n = (int) Math.min(budget, 5 + random.nextInt(11));
        long t = t0;
        for (int i = 0; i < n; i++) {
          boolean last = i == n - 1 && n > 3;
          Tx tx = fraud(c, t, last ? c.meanAmount * (4 + random.nextDouble() * 6) : 0.5 + random.nextDouble() * 2.5,
              p);
          online(tx, device, ip, where);
          t += 15 + random.nextInt(90);
        }
        return n;
      }
      case MANY_IPS_COUNTRIES -> {
        String device = fraudsterDevice();
        int n = (int) Math.min(budget, 3 + random.nextInt(4));
        long t = t0;
        for (int i = 0; i < n; i++) {
          Tx tx = fraud(c, t, c.meanAmount * (1 + random.nextDouble() * 3), p);
          online(tx, device, randomIp(), FOREIGN[random.nextInt(FOREIGN.length)]);
          t += 300 + random.nextInt(1_500);
        }
        return n;
      }
      case UNUSUAL_HOURS -> {
        int n = (int) Math.min(budget, 2 + random.nextInt(3));
        long day = Math.floorDiv(t0, 86_400L) * 86_400L;
        for (int i = 0; i < n; i++) {
          long t = day + 2 * 3_600 + random.nextInt(3 * 3_600);
          fraud(c, t, c.meanAmount * (2 + random.nextDouble() * 3), p);
        }
        return n;
      }
      case ACCOUNT_TAKEOVER -> {
        String device = fraudsterDevice();
        String ip = randomIp();
        Country where = FOREIGN[random.nextInt(FOREIGN.length)];
        int n = (int) Math.min(budget, 3 + random.nextInt(3));
        long t = t0;
        for (int i = 0; i < n; i++) {
          double amount = i == 0 ? 1 + random.nextDouble() * 9 : c.meanAmount * (5 + random.nextDouble() * 10);
          Tx tx = fraud(c, t, amount, p);
          online(tx, device, ip, where);
          t += 600 + random.nextInt(7_200);
        }
        return n;
      }
      case COMPROMISED_TERMINAL -> {
        Terminal term = terminals.get(random.nextInt(terminals.size()));
        long end = t0 + (14 + random.nextInt(15)) * 86_400L;
        long n = 0;
        for (Tx tx : txs) {
          if (n >= budget) {
            break;
          }
          if (tx.terminal == term && tx.pattern == null && tx.time >= t0 && tx.time < end
              && random.nextDouble() < 0.5) {
            tx.pattern = p;
            n++;
          }
        }
        return n;
      }
      case COMPROMISED_CARD -> {
        long end = t0 + 14 * 86_400L;
        long n = 0;
        for (Tx tx : txs) {
          if (n >= budget) {
            break;
          }
          if (tx.card == c && tx.pattern == null && tx.time >= t0 && tx.time < end && random.nextDouble() < 1 / 3.0) {
            tx.pattern = p;
            tx.amount *= 5;
            n++;
          }
        }
        return n;
      }
      default -> throw new IllegalStateException("unknown pattern " + p);
    }
  }
}
