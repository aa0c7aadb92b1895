package dev.fraudengine.core;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rules a transaction must pass before the engine looks at it, with configurable limits.
 *
 * <p>It checks every field and reports every problem at once: a missing or blank id; a missing, NaN,
 * infinite, zero, negative or implausibly large amount; a currency that is not an ISO-4217 code; a missing
 * event time or one further in the future than the clock skew allows; ids and texts that are too long or hold
 * control characters; a latitude or longitude out of range or without its other half; a country that is not
 * an ISO-3166 alpha-2 code; too many or too long attributes.
 *
 * <p>Immutable and thread-safe. Checking a valid transaction allocates nothing.
 */
public final class TransactionValidator {
  private static final Set<String> CURRENCIES = Currency.getAvailableCurrencies().stream()
      .map(Currency::getCurrencyCode).collect(Collectors.toUnmodifiableSet());
  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());
  private static final int SHOWN_CHARS = 40;

  private final Clock clock;
  private final Duration maxClockSkew;
  private final double maxAmount;
  private final int maxIdLength;
  private final int maxAttributes;
  private final int maxAttributeLength;

  private TransactionValidator(Builder b) {
    this.clock = b.clock;
    this.maxClockSkew = b.maxClockSkew;
    this.maxAmount = b.maxAmount;
    this.maxIdLength = b.maxIdLength;
    this.maxAttributes = b.maxAttributes;
    this.maxAttributeLength = b.maxAttributeLength;
  }

  /**
   * Returns a validator with the default limits: 5 minutes of clock skew against the system UTC clock,
   * amounts up to 1,000,000,000, ids up to 128 characters, up to 32 attributes of up to 256 characters.
   *
   * @return the default validator
   */
  public static TransactionValidator defaults() {
    return builder().build();
  }

  /**
   * Starts a builder with the default limits.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Checks a transaction and throws if anything is wrong with it.
   *
   * @param tx the transaction
   * @throws InvalidTransactionException listing every problem, if there is one
   * @throws NullPointerException if {@code tx} is {@code null}
   */
  public void check(Transaction tx) {
    List<InputProblem> problems = problems(tx);
    if (!problems.isEmpty()) {
      throw new InvalidTransactionException(tx.id(), problems);
    }
  }

  /**
   * Returns every problem with a transaction.
   *
   * @param tx the transaction
   * @return the problems in field order; an empty, shared list when there are none
   * @throws NullPointerException if {@code tx} is {@code null}
   */
  public List<InputProblem> problems(Transaction tx) {
    Objects.requireNonNull(tx, "tx");
    List<InputProblem> p = null;
    p = requiredId(p, "id", tx.id(), false);
    p = eventTime(p, tx.eventTime());
    p = amount(p, tx.amount());
    p = currency(p, tx.currency());
    p = requiredId(p, "cardId", tx.cardId(), true);
    p = optionalText(p, "terminalId", tx.terminalId(), maxIdLength, true);
    p = optionalText(p, "payeeId", tx.payeeId(), maxIdLength, true);
    p = optionalText(p, "channel", tx.channel(), maxIdLength, false);
    p = optionalText(p, "merchantCategory", tx.merchantCategory(), maxIdLength, false);
    p = optionalText(p, "deviceId", tx.deviceId(), maxIdLength, true);
    p = optionalText(p, "ip", tx.ip(), maxIdLength, true);
    p = location(p, tx.latitude(), tx.longitude());
    p = country(p, tx.country());
    p = attributes(p, tx.attributes());
    return p == null ? List.of() : p;
  }

  private List<InputProblem> requiredId(List<InputProblem> p, String field, String value, boolean mask) {
    if (value == null) {
      return add(p, field, "null", InputProblem.Code.MISSING, "is required");
    }
    if (value.isBlank()) {
      return add(p, field, show(value, false), InputProblem.Code.BLANK, "must not be blank");
    }
    return optionalText(p, field, value, maxIdLength, mask);
  }

  private List<InputProblem> optionalText(List<InputProblem> p, String field, String value, int maxLength,
      boolean mask) {
    if (value == null) {
      return p;
    }
    if (value.length() > maxLength) {
      p = add(p, field, show(value, mask), InputProblem.Code.TOO_LONG,
          "must be at most " + maxLength + " characters, but has " + value.length());
    }
    if (hasControlCharacter(value)) {
      p = add(p, field, show(value, mask), InputProblem.Code.CONTROL_CHARACTER,
          "must not hold control characters");
    }
    return p;
  }

  private List<InputProblem> eventTime(List<InputProblem> p, Instant eventTime) {
    if (eventTime == null) {
      return add(p, "eventTime", "null", InputProblem.Code.MISSING, "is required");
    }
    Instant latest = clock.instant().plus(maxClockSkew);
    if (eventTime.isAfter(latest)) {
      return add(p, "eventTime", eventTime.toString(), InputProblem.Code.IN_FUTURE,
          "must not be later than now + " + maxClockSkew + " (" + latest + ")");
    }
    return p;
  }

  private List<InputProblem> amount(List<InputProblem> p, double amount) {
    if (Double.isNaN(amount)) {
      return add(p, "amount", "NaN", InputProblem.Code.NOT_FINITE, "is required and must be a number");
    }
    if (Double.isInfinite(amount)) {
      return add(p, "amount", Double.toString(amount), InputProblem.Code.NOT_FINITE, "must be finite");
    }
    if (amount <= 0) {
      return add(p, "amount", Double.toString(amount), InputProblem.Code.NOT_POSITIVE, "must be greater than 0");
    }
    if (amount > maxAmount) {
      return add(p, "amount", Double.toString(amount), InputProblem.Code.TOO_LARGE,
          "must be at most " + maxAmount);
    }
    return p;
  }

  private List<InputProblem> currency(List<InputProblem> p, String currency) {
    if (currency == null) {
      return add(p, "currency", "null", InputProblem.Code.MISSING, "is required");
    }
    if (!CURRENCIES.contains(currency)) {
      return add(p, "currency", show(currency, false), InputProblem.Code.UNKNOWN_CODE,
          "must be an upper-case ISO-4217 currency code");
    }
    return p;
  }

  private List<InputProblem> location(List<InputProblem> p, double lat, double lon) {
    boolean hasLat = !Double.isNaN(lat);
    boolean hasLon = !Double.isNaN(lon);
    if (hasLat != hasLon) {
      return add(p, hasLat ? "longitude" : "latitude", "NaN", InputProblem.Code.INCOMPLETE,
          "latitude and longitude must be given together");
    }
    if (hasLat && !(lat >= -90 && lat <= 90)) {
      p = add(p, "latitude", Double.toString(lat), InputProblem.Code.OUT_OF_RANGE, "must be in [-90, 90]");
    }
    if (hasLon && !(lon >= -180 && lon <= 180)) {
      p = add(p, "longitude", Double.toString(lon), InputProblem.Code.OUT_OF_RANGE, "must be in [-180, 180]");
    }
    return p;
  }

  private List<InputProblem> country(List<InputProblem> p, String country) {
    if (country != null && !COUNTRIES.contains(country)) {
      return add(p, "country", show(country, false), InputProblem.Code.UNKNOWN_CODE,
          "must be an upper-case ISO-3166 alpha-2 country code");
    }
    return p;
  }

  private List<InputProblem> attributes(List<InputProblem> p, Map<String, String> attributes) {
    if (attributes.size() > maxAttributes) {
      p = add(p, "attributes", attributes.size() + " entries", InputProblem.Code.TOO_MANY,
          "must hold at most " + maxAttributes + " entries");
    }
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      String field = "attributes." + show(e.getKey(), false);
      if (e.getKey().isBlank()) {
        p = add(p, "attributes", show(e.getKey(), false), InputProblem.Code.BLANK, "keys must not be blank");
      }
      p = optionalText(p, field, e.getKey(), maxIdLength, false);
      p = optionalText(p, field, e.getValue(), maxAttributeLength, false);
    }
    return p;
  }

  private static boolean hasControlCharacter(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static List<InputProblem> add(List<InputProblem> p, String field, String value, InputProblem.Code code,
      String reason) {
    List<InputProblem> list = p == null ? new ArrayList<>(4) : p;
    list.add(new InputProblem(field, value, code, reason));
    return list;
  }

  /** Renders a value for a message: quoted, control characters escaped, long values shortened, ids masked. */
  static String show(String value, boolean mask) {
    if (mask) {
      String head = value.length() <= 8 ? "" : escape(value.substring(0, 4));
      return "'" + head + "…' (" + value.length() + " chars, masked)";
    }
    String cut = value.length() > SHOWN_CHARS ? value.substring(0, SHOWN_CHARS) + "…" : value;
    return "'" + escape(cut) + "'" + (value.length() > SHOWN_CHARS ? " (" + value.length() + " chars)" : "");
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isISOControl(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Builds a {@link TransactionValidator}; setters check their argument at once. Not thread-safe. */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private Duration maxClockSkew = Duration.ofMinutes(5);
    private double maxAmount = 1_000_000_000d;
    private int maxIdLength = 128;
    private int maxAttributes = 32;
    private int maxAttributeLength = 256;

    private Builder() {}

    /**
     * Sets the clock that tells "now" for the future-time check. The engine's builder passes its own clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets how far in the future an event time may be, to allow for clocks that disagree.
     *
     * @param maxClockSkew zero or positive
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public Builder maxClockSkew(Duration maxClockSkew) {
      Objects.requireNonNull(maxClockSkew, "maxClockSkew");
      if (maxClockSkew.isNegative()) {
        throw new IllegalArgumentException("maxClockSkew must not be negative, but was " + maxClockSkew);
      }
      this.maxClockSkew = maxClockSkew;
      return this;
    }

    /**
     * Sets the largest plausible amount, in major units of any currency.
     *
     * @param maxAmount positive and finite
     * @return this builder
     * @throws IllegalArgumentException if not positive and finite
     */
    public Builder maxAmount(double maxAmount) {
      if (!(maxAmount > 0) || Double.isInfinite(maxAmount)) {
        throw new IllegalArgumentException("maxAmount must be positive and finite, but was " + maxAmount);
      }
      this.maxAmount = maxAmount;
      return this;
    }

    /**
     * Sets the longest id (transaction, card, terminal, device, IP...) in characters.
     *
     * @param maxIdLength in [1, 4096]
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxIdLength(int maxIdLength) {
      if (maxIdLength < 1 || maxIdLength > 4096) {
        throw new IllegalArgumentException("maxIdLength must be in [1, 4096], but was " + maxIdLength);
      }
      this.maxIdLength = maxIdLength;
      return this;
    }

    /**
     * Sets the most attributes a transaction may carry.
     *
     * @param maxAttributes in [0, 1024]
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxAttributes(int maxAttributes) {
      if (maxAttributes < 0 || maxAttributes > 1024) {
        throw new IllegalArgumentException("maxAttributes must be in [0, 1024], but was " + maxAttributes);
      }
      this.maxAttributes = maxAttributes;
      return this;
    }

    /**
     * Sets the longest attribute value in characters.
     *
     * @param maxAttributeLength in [1, 65536]
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxAttributeLength(int maxAttributeLength) {
      if (maxAttributeLength < 1 || maxAttributeLength > 65536) {
        throw new IllegalArgumentException(
            "maxAttributeLength must be in [1, 65536], but was " + maxAttributeLength);
      }
      this.maxAttributeLength = maxAttributeLength;
      return this;
    }

    /**
     * Makes the validator.
     *
     * @return an immutable validator
     */
    public TransactionValidator build() {
      return new TransactionValidator(this);
    }
  }
}
