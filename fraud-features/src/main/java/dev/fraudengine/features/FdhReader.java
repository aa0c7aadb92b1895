package dev.fraudengine.features;

import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

/*
 * Reads the Fraud Detection Handbook's transaction CSV (plain or gzip) into labelled transactions, one line at a
 * time: a small hand-written reader (the files have no quoting), columns found by header name, TX_DATETIME parsed
 * by hand as UTC. CUSTOMER_ID becomes the card, TERMINAL_ID the terminal, TX_FRAUD the label; the currency, which
 * the data does not have, is EUR. TX_FRAUD_SCENARIO is never read.
 */
final class FdhReader implements Iterator<Replay.Labelled>, AutoCloseable {
  static final List<String> REQUIRED =
      List.of("TRANSACTION_ID", "TX_DATETIME", "CUSTOMER_ID", "TERMINAL_ID", "TX_AMOUNT", "TX_FRAUD");

  private final Path file;
  private final BufferedReader reader;
  private final int[] columns;
  private final int width;
  private static final int MAX_SHARED = 1 << 20;
  private final Map<String, String> keys = new HashMap<>();
  private String next;
  private long line;

  FdhReader(Path file) {
    this.file = file;
    try {
      InputStream in = Files.newInputStream(file);
      if (file.getFileName().toString().endsWith(".gz")) {
        try {
          in = new GZIPInputStream(in, 1 << 16);
        } catch (IOException e) {
          in.close();
          throw e;
        }
      }
      this.reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
      String header = reader.readLine();
      line = 1;
      if (header == null) {
        reader.close();
        throw new IllegalArgumentException("file must start with a header line, but " + file + " is empty");
      }
      List<String> names = Arrays.asList(header.strip().split(",", -1));
      width = names.size();
      columns = new int[REQUIRED.size()];
      for (int i = 0; i < columns.length; i++) {
        columns[i] = names.indexOf(REQUIRED.get(i));
        if (columns[i] < 0) {
          reader.close();
          throw new IllegalArgumentException("file must have a column " + REQUIRED.get(i) + ", but " + file
              + " has " + names);
        }
      }
      next = reader.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  @Override
  public boolean hasNext() {
    while (next != null && next.isBlank()) {
      advance();
    }
    return next != null;
  }

  @Override
  public Replay.Labelled next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    String l = next;
    line++;
    Replay.Labelled row = parse(l);
    advance();
    return row;
  }

  private void advance() {
    try {
      next = reader.readLine();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + " after line " + line, e);
    }
  }

  private Replay.Labelled parse(String l) {
    String[] cells = new String[width];
    int start = 0;
    int n = 0;
    for (int i = 0; i <= l.length(); i++) {
      if (i == l.length() || l.charAt(i) == ',') {
        if (n == width) {
          throw bad("must have " + width + " cells", l);
        }
        cells[n++] = l.substring(start, i);
        start = i + 1;
      }
    }
    if (n != width) {
      throw bad("must have " + width + " cells, but has " + n, l);
    }
    String id = cells[columns[0]];
    long seconds = parseDateTime(cells[columns[1]], l);
    double amount;
    try {
      amount = Double.parseDouble(cells[columns[4]]);
    } catch (NumberFormatException e) {
      throw bad("TX_AMOUNT must be a number, but was '" + cells[columns[4]] + "'", l);
    }
    String fraud = cells[columns[5]];
    Label label = switch (fraud) {
      case "1" -> Label.FRAUD;
      case "0" -> Label.LEGITIMATE;
      default -> throw bad("TX_FRAUD must be 0 or 1, but was '" + fraud + "'", l);
    };
    Transaction tx = new Transaction(id, Instant.ofEpochSecond(seconds), amount, "EUR", shared(cells[columns[2]]),
        shared(cells[columns[3]]), null, null, null, null, null, Double.NaN, Double.NaN, null, Map.of());
    return Replay.Labelled.of(tx, label);
  }

  /**
   * Returns one String instance per card or terminal id (for the first {@value #MAX_SHARED} distinct ids): the rows
   * of a file then hold each id once, and an entity map finds a row's key by identity instead of comparing the
   * characters of a stored key it would first have to fetch from memory.
   */
  private String shared(String key) {
    String known = keys.get(key);
    if (known != null) {
      return known;
    }
    if (keys.size() < MAX_SHARED) {
      keys.put(key, key);
    }
    return key;
  }

  /** Parses {@code yyyy-MM-dd HH:mm:ss} as UTC, to epoch seconds. */
  private long parseDateTime(String s, String l) {
    if (s.length() != 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != ' ' || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      throw bad("TX_DATETIME must be 'yyyy-MM-dd HH:mm:ss', but was '" + s + "'", l);
    }
    int year = digits(s, 0, 4, l);
    int month = digits(s, 5, 7, l);
    int day = digits(s, 8, 10, l);
    int hour = digits(s, 11, 13, l);
    int minute = digits(s, 14, 16, l);
    int second = digits(s, 17, 19, l);
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
      throw bad("TX_DATETIME must be a valid date and time, but was '" + s + "'", l);
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      throw bad("TX_DATETIME must be a valid date, but was '" + s + "'", l);
    }
    return epochDay * 86_400L + hour * 3600L + minute * 60L + second;
  }

  private int digits(String s, int from, int to, String l) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        throw bad("TX_DATETIME must be 'yyyy-MM-dd HH:mm:ss', but was '" + s + "'", l);
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private IllegalArgumentException bad(String why, String l) {
    String shown = l.length() > 120 ? l.substring(0, 120) + "…" : l;
    return new IllegalArgumentException("line " + line + " of " + file + ": " + why + " (line: '" + shown + "')");
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close " + file, e);
    }
  }
}
