package dev.fraudengine.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fraudengine.core.InputProblem;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import dev.fraudengine.core.TransactionValidator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;

/*
 * Reads transaction files, one line at a time, into InputRecords: a good line becomes a transaction with its label
 * and fraud pattern; a bad line becomes the list of all its problems with its line number, and reading goes on.
 * Field problems are those of parsing (a number that is not one, a time that is not a time) and then those of
 * TransactionValidator (the engine's own checks), so that a line the reader accepts is one the engine accepts.
 *
 * Formats:
 *  - fdh: the Fraud Detection Handbook CSV; TX_FRAUD is the label, TX_FRAUD_SCENARIO (optional) the pattern.
 *  - csv: a header line naming the columns below, in any order; values may be quoted ("a,b", "" for a quote).
 *  - jsonl: one JSON object per line with the same names; "attributes" is an object of texts.
 * Columns/fields: id, event_time (ISO-8601 like 2025-01-31T14:05:00Z, or "2025-01-31 14:05:00" as UTC), amount,
 * currency, card_id (required); terminal_id, payee_id, channel, merchant_category, device_id, ip, latitude,
 * longitude, country (optional); label (1/0, fraud/legitimate, true/false, empty when unknown) and fraud_pattern
 * (optional, never a feature); attr.<key> columns in CSV for attributes. Several files are read as one stream.
 */
final class TransactionInput implements Iterator<InputRecord>, AutoCloseable {
  static final List<String> FIELDS = List.of("id", "event_time", "amount", "currency", "card_id", "terminal_id",
      "payee_id", "channel", "merchant_category", "device_id", "ip", "latitude", "longitude", "country", "label",
      "fraud_pattern");
  static final List<String> REQUIRED = List.of("id", "event_time", "amount", "currency", "card_id");
  static final List<String> FDH_REQUIRED =
      List.of("TRANSACTION_ID", "TX_DATETIME", "CUSTOMER_ID", "TERMINAL_ID", "TX_AMOUNT", "TX_FRAUD");
  private static final Map<String, String> FDH_SCENARIOS =
      Map.of("1", "amount_over_220", "2", "compromised_terminal", "3", "compromised_card");
  private static final int MAX_LINE = 1 << 16;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final InputFormat format;
  private final Iterator<Path> files;
  private final TransactionValidator validator;
  private final long totalBytes;
  private long doneBytes;
  private CountingStream counting;
  private BufferedReader reader;
  private String source;
  private long line;
  private List<String> header;
  private Map<String, Integer> columns;
  private InputRecord next;

  private TransactionInput(InputFormat format, List<Path> files, TransactionValidator validator) {
    this.format = format;
    this.files = List.copyOf(files).iterator();
    this.validator = validator;
    long total = 0;
    for (Path f : files) {
      try {
        total += Files.size(f);
      } catch (IOException e) {
        total += 0;
      }
    }
    this.totalBytes = total;
  }

  /**
   * Opens files as one lazy stream of records, in file order; close the stream.
   *
   * @throws IllegalArgumentException if a file's header lacks a column or names an unknown one (read when the
   *     stream reaches that file)
   * @throws UncheckedIOException if a file cannot be read
   */
  static TransactionInput open(InputFormat format, List<Path> files) {
    return new TransactionInput(format, files, TransactionValidator.defaults());
  }

  /** This input as a lazy stream; closing the stream closes the input. */
  Stream<InputRecord> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
        false).onClose(this::close);
  }

  /** The share of the input's bytes read so far, in [0, 1] (compressed bytes for .gz files). */
  double progress() {
    long read = doneBytes + (counting == null ? 0 : counting.count);
    return totalBytes == 0 ? 0 : Math.min(1, read / (double) totalBytes);
  }

  /** Counts the bytes read from a file, for the progress bar. */
  private static final class CountingStream extends java.io.FilterInputStream {
    long count;

    CountingStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        count += n;
      }
      return n;
    }
  }

  /** Reads records from text already in memory (the HTTP server's bodies, tests). */
  static InputRecord parseJson(String source, long line, String json, TransactionValidator validator) {
    TransactionInput in = new TransactionInput(InputFormat.jsonl, List.of(), validator);
    in.source = source;
    in.line = line;
    return in.parseJsonLine(json);
  }

  @Override
  public boolean hasNext() {
    while (next == null) {
      try {
        if (reader == null) {
          if (!files.hasNext()) {
            return false;
          }
          openNext(files.next());
          continue;
        }
        String l = reader.readLine();
        if (l == null) {
          reader.close();
          reader = null;
          doneBytes += counting.count;
          counting = null;
          continue;
        }
        line++;
        if (l.isBlank()) {
          continue;
        }
        next = parse(l);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + source + " after line " + line, e);
      }
    }
    return true;
  }

  @Override
  public InputRecord next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    InputRecord r = next;
    next = null;
    return r;
  }

  private void openNext(Path file) throws IOException {
    source = file.toString();
    line = 0;
    counting = new CountingStream(Files.newInputStream(file));
    InputStream in = counting;
    try {
      if (file.getFileName().toString().endsWith(".gz")) {
        in = new GZIPInputStream(in, 1 << 16);
      }
    } catch (IOException e) {
      in.close();
      throw new UncheckedIOException(source + " is not a valid gzip file: " + e.getMessage(), e);
    }
    reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    if (format == InputFormat.jsonl) {
      return;
    }
    String h = reader.readLine();
    line = 1;
    if (h == null) {
      close();
      throw new IllegalArgumentException(source + ": the file is empty, but must start with a header line");
    }
    header = splitCsv(h.strip().replace("\uFEFF", ""), new ArrayList<>());
    if (header == null) {
      close();
      throw new IllegalArgumentException(source + ":1: the header has an unterminated quote");
    }
    columns = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      columns.put(header.get(i), i);
    }
    List<String> required = format == InputFormat.fdh ? FDH_REQUIRED : REQUIRED;
    List<String> missing = required.stream().filter(c -> !columns.containsKey(c)).toList();
    if (!missing.isEmpty()) {
      close();
      throw new IllegalArgumentException(source + ":1: the header must have the column"
          + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing) + ", but has " + header
          + (format == InputFormat.csv && columns.containsKey("TX_DATETIME") ? " (is it --format fdh?)" : ""));
    }
    if (format == InputFormat.csv) {
      List<String> unknown = header.stream().filter(c -> !FIELDS.contains(c) && !c.startsWith("attr.")).toList();
      if (!unknown.isEmpty()) {
        close();
        throw new IllegalArgumentException(source + ":1: unknown column" + (unknown.size() == 1 ? " " : "s ")
            + String.join(", ", unknown) + "; the columns are " + FIELDS + " and attr.<key>");
      }
    }
  }

  private InputRecord parse(String l) {
    if (l.length() > MAX_LINE) {
      return InputRecord.bad(source, line, List.of("the line is " + l.length() + " characters long, over the limit of "
          + MAX_LINE));
    }
    return switch (format) {
      case fdh -> parseFdh(l);
      case csv -> parseCsv(l);
      case jsonl -> parseJsonLine(l);
    };
  }

  private List<String> cells(String l, List<String> problems) {
    List<String> cells = splitCsv(l, new ArrayList<>(header.size()));
    if (cells == null) {
      problems.add("the line has an unterminated quote");
      return null;
    }
    if (cells.size() != header.size()) {
      problems.add("the line must have " + header.size() + " cells, like the header, but has " + cells.size());
      return null;
    }
    return cells;
  }

  private InputRecord parseFdh(String l) {
    List<String> problems = new ArrayList<>();
    List<String> c = cells(l, problems);
    if (c == null) {
      return InputRecord.bad(source, line, problems);
    }
    Fields f = new Fields(problems);
    Transaction.Builder b = Transaction.builder()
        .id(c.get(columns.get("TRANSACTION_ID")))
        .eventTime(f.time("TX_DATETIME", c.get(columns.get("TX_DATETIME"))))
        .amount(f.number("TX_AMOUNT", c.get(columns.get("TX_AMOUNT"))), "EUR")
        .card(c.get(columns.get("CUSTOMER_ID")))
        .terminal(c.get(columns.get("TERMINAL_ID")));
    Label label = f.label("TX_FRAUD", c.get(columns.get("TX_FRAUD")), false);
    String pattern = null;
    Integer sc = columns.get("TX_FRAUD_SCENARIO");
    if (sc != null) {
      String s = c.get(sc).strip();
      pattern = s.isEmpty() || s.equals("0") ? null : FDH_SCENARIOS.getOrDefault(s, "scenario_" + s);
    }
    return finish(b.build(), label, pattern, f);
  }

  private InputRecord parseCsv(String l) {
    List<String> problems = new ArrayList<>();
    List<String> c = cells(l, problems);
    if (c == null) {
      return InputRecord.bad(source, line, problems);
    }
    Map<String, String> values = new HashMap<>();
    Map<String, String> attributes = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      String name = header.get(i);
      String v = c.get(i);
      if (v.isEmpty()) {
        continue;
      }
      if (name.startsWith("attr.")) {
        attributes.put(name.substring(5), v);
      } else {
        values.put(name, v);
      }
    }
    return build(values, attributes, problems);
  }

  private InputRecord parseJsonLine(String l) {
    List<String> problems = new ArrayList<>();
    JsonNode root;
    try {
      root = JSON.readTree(l);
    } catch (JsonProcessingException e) {
      return InputRecord.bad(source, line, List.of("not valid JSON: " + e.getOriginalMessage()));
    }
    if (root == null || !root.isObject()) {
      return InputRecord.bad(source, line, List.of("must be a JSON object"));
    }
    Map<String, String> values = new HashMap<>();
    Map<String, String> attributes = new HashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = root.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode v = e.getValue();
      if (name.equals("attributes")) {
        if (v.isNull()) {
          continue;
        }
        if (!v.isObject()) {
          problems.add("attributes: must be an object of texts");
          continue;
        }
        v.fields().forEachRemaining(a -> {
          if (a.getValue().isValueNode() && !a.getValue().isNull()) {
            attributes.put(a.getKey(), a.getValue().asText());
          } else {
            problems.add("attributes." + a.getKey() + ": must be a text, a number or a boolean");
          }
        });
      } else if (!FIELDS.contains(name)) {
        problems.add(name + ": unknown field; the fields are " + FIELDS + " and attributes");
      } else if (v.isNull()) {
        continue;
      } else if (!v.isValueNode()) {
        problems.add(name + ": must be a text or a number, but was " + v.getNodeType().toString().toLowerCase(
            Locale.ROOT));
      } else {
        values.put(name, v.asText());
      }
    }
    return build(values, attributes, problems);
  }

  private InputRecord build(Map<String, String> v, Map<String, String> attributes, List<String> problems) {
    Fields f = new Fields(problems);
    for (String r : REQUIRED) {
      if (!v.containsKey(r)) {
        f.problem(r, "is missing");
      }
    }
    Transaction.Builder b = Transaction.builder()
        .id(v.get("id"))
        .eventTime(f.time("event_time", v.get("event_time")))
        .amount(f.number("amount", v.get("amount")), v.get("currency"))
        .card(v.get("card_id"))
        .terminal(v.get("terminal_id"))
        .payee(v.get("payee_id"))
        .channel(v.get("channel"))
        .merchantCategory(v.get("merchant_category"))
        .device(v.get("device_id"))
        .ip(v.get("ip"))
        .country(v.get("country"));
    double lat = f.number("latitude", v.get("latitude"));
    double lon = f.number("longitude", v.get("longitude"));
    if (v.containsKey("latitude") || v.containsKey("longitude")) {
      b.location(lat, lon);
    }
    attributes.forEach(b::attribute);
    Label label = f.label("label", v.get("label"), true);
    String pattern = v.get("fraud_pattern");
    return finish(b.build(), label, pattern, f);
  }

  private InputRecord finish(Transaction tx, Label label, String pattern, Fields f) {
    for (InputProblem p : validator.problems(tx)) {
      String field = snakeCase(p.field());
      if (!f.failed.contains(field)) {
        f.problems.add(field + "=" + p.value() + " (" + p.reason() + ")");
      }
    }
    if (!f.problems.isEmpty()) {
      return InputRecord.bad(source, line, f.problems);
    }
    return InputRecord.good(source, line, tx, label, pattern);
  }

  /** Parses fields, gathering every problem. */
  private static final class Fields {
    final List<String> problems;
    final Set<String> failed = new HashSet<>();

    Fields(List<String> problems) {
      this.problems = problems;
    }

    void problem(String field, String why) {
      problems.add(field + ": " + why);
      failed.add(FDH_FIELDS.getOrDefault(field, field));
    }

    double number(String field, String text) {
      if (text == null) {
        return Double.NaN;
      }
      try {
        return Double.parseDouble(text.strip());
      } catch (NumberFormatException e) {
        problem(field, "must be a number, but was '" + shorten(text) + "'");
        return Double.NaN;
      }
    }

    Instant time(String field, String text) {
      if (text == null) {
        return null;
      }
      String s = text.strip();
      try {
        if (s.length() == 19 && s.charAt(10) == ' ') {
          return Instant.parse(s.substring(0, 10) + "T" + s.substring(11) + "Z");
        }
        if (s.endsWith("Z")) {
          return Instant.parse(s);
        }
        return OffsetDateTime.parse(s).toInstant();
      } catch (DateTimeParseException e) {
        problem(field, "must be an ISO-8601 time like 2025-01-31T14:05:00Z, but was '" + shorten(text) + "'");
        return null;
      }
    }

    Label label(String field, String text, boolean optional) {
      String s = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
      switch (s) {
        case "1", "fraud", "true":
          return Label.FRAUD;
        case "0", "legitimate", "false":
          return Label.LEGITIMATE;
        case "":
          if (optional) {
            return null;
          }
          break;
        default:
          break;
      }
      problem(field, "must be " + (optional ? "1, 0, fraud, legitimate or empty" : "0 or 1") + ", but was '"
          + shorten(text == null ? "" : text) + "'");
      return null;
    }
  }

  /** The transaction field behind each handbook column, to tell parse problems from the validator's. */
  private static final Map<String, String> FDH_FIELDS = Map.of("TRANSACTION_ID", "id", "TX_DATETIME", "event_time",
      "CUSTOMER_ID", "card_id", "TERMINAL_ID", "terminal_id", "TX_AMOUNT", "amount");

  /** {@code cardId} to {@code card_id}: the validator's field names in the files' spelling. */
  static String snakeCase(String field) {
    StringBuilder sb = new StringBuilder(field.length() + 4);
    for (int i = 0; i < field.length(); i++) {
      char ch = field.charAt(i);
      if (Character.isUpperCase(ch)) {
        sb.append('_').append(Character.toLowerCase(ch));
      } else {
        sb.append(ch);
      }
    }
    return sb.toString();
  }

  private static String shorten(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }

  /** Splits a CSV line; quoted cells may hold commas and doubled quotes. Returns null on an unterminated quote. */
  static List<String> splitCsv(String l, List<String> out) {
    int i = 0;
    int n = l.length();
    while (true) {
      if (i < n && l.charAt(i) == '"') {
        StringBuilder sb = new StringBuilder();
        i++;
        while (true) {
          if (i >= n) {
            return null;
          }
          char ch = l.charAt(i);
          if (ch == '"') {
            if (i + 1 < n && l.charAt(i + 1) == '"') {
              sb.append('"');
              i += 2;
            } else {
              i++;
              break;
            }
          } else {
            sb.append(ch);
            i++;
          }
        }
        int comma = l.indexOf(',', i);
        sb.append(l, i, comma < 0 ? n : comma);
        out.add(sb.toString());
        if (comma < 0) {
          return out;
        }
        i = comma + 1;
      } else {
        int comma = l.indexOf(',', i);
        if (comma < 0) {
          out.add(l.substring(i));
          return out;
        }
        out.add(l.substring(i, comma));
        i = comma + 1;
      }
    }
  }

  @Override
  public void close() {
    if (reader != null) {
      try {
        reader.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot close " + source, e);
      }
      reader = null;
    }
  }
}
