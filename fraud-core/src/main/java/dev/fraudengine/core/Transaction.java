package dev.fraudengine.core;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One payment, as the caller's service saw it: the input of {@link FraudEngine#score}.
 *
 * <p>A transaction is an immutable value. Its constructor copies the attribute map and rejects what cannot be
 * represented at all (a {@code null} attribute key or value); it deliberately does <em>not</em> judge the
 * values, so that the engine can report every problem of a bad payment at once, count it by reason in
 * {@link FraudEngine#metrics()}, and apply limits that depend on its configuration (the clock skew, the
 * largest amount). {@link TransactionValidator} holds those rules and {@link FraudEngine#score} applies them
 * before anything else happens.
 *
 * <p>Optional text fields are {@code null} when absent. Latitude and longitude are {@code NaN} when absent
 * (both or neither). Amounts are in the currency's major unit (12.50 EUR is {@code 12.5}).
 *
 * @param id the caller's unique id of the transaction, used to send feedback later
 * @param eventTime when the payment happened; features are computed as of this time, never the wall clock
 * @param amount the amount in the currency's major unit; {@code NaN} when the caller did not give one
 * @param currency the ISO-4217 alphabetic code, upper case ({@code "EUR"})
 * @param cardId the card or account that pays
 * @param terminalId the merchant or terminal that is paid, or {@code null}
 * @param payeeId the beneficiary of a transfer, or {@code null}
 * @param channel the channel or payment type ({@code "ecom"}, {@code "pos"}, {@code "transfer"}...), or {@code null}
 * @param merchantCategory the merchant category code, or {@code null}
 * @param deviceId the device the payment came from, or {@code null}
 * @param ip the IP address the payment came from, or {@code null}
 * @param latitude the latitude in degrees, or {@code NaN}
 * @param longitude the longitude in degrees, or {@code NaN}
 * @param country the ISO-3166 alpha-2 country code, or {@code null}
 * @param attributes a small map of extra attributes; never {@code null}, possibly empty
 */
public record Transaction(
    String id,
    Instant eventTime,
    double amount,
    String currency,
    String cardId,
    String terminalId,
    String payeeId,
    String channel,
    String merchantCategory,
    String deviceId,
    String ip,
    double latitude,
    double longitude,
    String country,
    Map<String, String> attributes) {

  /*
   * Creates a transaction and copies its attributes.
   *
   * @throws NullPointerException if an attribute key or value is {@code null}
   */
  public Transaction {
    attributes = copyAttributes(attributes);
  }

  /**
   * Starts a builder, the readable way to make a transaction.
   *
   * @return a new builder with no field set
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding every field of this transaction, to make a changed copy.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.eventTime = eventTime;
    b.amount = amount;
    b.currency = currency;
    b.cardId = cardId;
    b.terminalId = terminalId;
    b.payeeId = payeeId;
    b.channel = channel;
    b.merchantCategory = merchantCategory;
    b.deviceId = deviceId;
    b.ip = ip;
    b.latitude = latitude;
    b.longitude = longitude;
    b.country = country;
    b.attributes.putAll(attributes);
    return b;
  }

  /**
   * Tells whether the transaction carries a location.
   *
   * @return {@code true} when latitude and longitude are both present
   */
  public boolean hasLocation() {
    return !Double.isNaN(latitude) && !Double.isNaN(longitude);
  }

  private static Map<String, String> copyAttributes(Map<String, String> attributes) {
    if (attributes == null || attributes.isEmpty()) {
      return Map.of();
    }
    Map<String, String> copy = new LinkedHashMap<>(attributes.size() * 2);
    attributes.forEach((k, v) -> copy.put(
        Objects.requireNonNull(k, "attributes key"),
        Objects.requireNonNull(v, () -> "attributes value of " + k)));
    return Collections.unmodifiableMap(copy);
  }

  /**
   * Builds a {@link Transaction}. Not thread-safe; {@link #build()} may be called more than once.
   */
  public static final class Builder {
    private String id;
    private Instant eventTime;
    private double amount = Double.NaN;
    private String currency;
    private String cardId;
    private String terminalId;
    private String payeeId;
    private String channel;
    private String merchantCategory;
    private String deviceId;
    private String ip;
    private double latitude = Double.NaN;
    private double longitude = Double.NaN;
    private String country;
    private final Map<String, String> attributes = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets the transaction id.
     *
     * @param id the caller's unique id
     * @return this builder
     */
    public Builder id(String id) {
      this.id = id;
      return this;
    }

    /**
     * Sets the event time.
     *
     * @param eventTime when the payment happened
     * @return this builder
     */
    public Builder eventTime(Instant eventTime) {
      this.eventTime = eventTime;
      return this;
    }

    /**
     * Sets the amount and its currency.
     *
     * @param amount the amount in the currency's major unit
     * @param currency the ISO-4217 code
     * @return this builder
     */
    public Builder amount(double amount, String currency) {
      this.amount = amount;
      this.currency = currency;
      return this;
    }

    /**
     * Sets the card or account.
     *
     * @param cardId the card or account id
     * @return this builder
     */
    public Builder card(String cardId) {
      this.cardId = cardId;
      return this;
    }

    /**
     * Sets the merchant or terminal.
     *
     * @param terminalId the merchant or terminal id
     * @return this builder
     */
    public Builder terminal(String terminalId) {
      this.terminalId = terminalId;
      return this;
    }

    /**
     * Sets the payee of a transfer.
     *
     * @param payeeId the payee id
     * @return this builder
     */
    public Builder payee(String payeeId) {
      this.payeeId = payeeId;
      return this;
    }

    /**
     * Sets the channel or payment type.
     *
     * @param channel for example {@code "ecom"}, {@code "pos"}, {@code "transfer"}
     * @return this builder
     */
    public Builder channel(String channel) {
      this.channel = channel;
      return this;
    }

    /**
     * Sets the merchant category code.
     *
     * @param merchantCategory the MCC
     * @return this builder
     */
    public Builder merchantCategory(String merchantCategory) {
      this.merchantCategory = merchantCategory;
      return this;
    }

    /**
     * Sets the device.
     *
     * @param deviceId the device id
     * @return this builder
     */
    public Builder device(String deviceId) {
      this.deviceId = deviceId;
      return this;
    }

    /**
     * Sets the IP address.
     *
     * @param ip the IP address as text
     * @return this builder
     */
    public Builder ip(String ip) {
      this.ip = ip;
      return this;
    }

    /**
     * Sets the location.
     *
     * @param latitude degrees in [-90, 90]
     * @param longitude degrees in [-180, 180]
     * @return this builder
     */
    public Builder location(double latitude, double longitude) {
      this.latitude = latitude;
      this.longitude = longitude;
      return this;
    }

    /**
     * Sets the country.
     *
     * @param country the ISO-3166 alpha-2 code
     * @return this builder
     */
    public Builder country(String country) {
      this.country = country;
      return this;
    }

    /**
     * Adds an extra attribute.
     *
     * @param key the attribute's name
     * @param value its value
     * @return this builder
     */
    public Builder attribute(String key, String value) {
      attributes.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Makes the transaction. Values are judged later, by {@link FraudEngine#score}.
     *
     * @return the transaction
     */
    public Transaction build() {
      return new Transaction(id, eventTime, amount, currency, cardId, terminalId, payeeId, channel,
          merchantCategory, deviceId, ip, latitude, longitude, country, attributes);
    }
  }
}
