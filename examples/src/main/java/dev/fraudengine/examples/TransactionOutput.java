package dev.fraudengine.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.Locale;

/*
 * Writes transactions in the csv or jsonl format that TransactionInput reads: the same names, empty CSV cells and
 * absent JSON fields for missing values, the label as 1/0, the fraud pattern in its own column. Attributes are not
 * written (the simulator makes none).
 */
final class TransactionOutput {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Writer out;
  private final InputFormat format;
  private final StringBuilder sb = new StringBuilder(256);

  TransactionOutput(Writer out, InputFormat format) throws IOException {
    if (format == InputFormat.fdh) {
      throw new IllegalArgumentException("format must be csv or jsonl, but was fdh");
    }
    this.out = out;
    this.format = format;
    if (format == InputFormat.csv) {
      out.write(String.join(",", TransactionInput.FIELDS));
      out.write('\n');
    }
  }

  void write(Transaction tx, Label label, String pattern) {
    String lab = label == null ? null : label == Label.FRAUD ? "1" : "0";
    List<Object> values = java.util.Arrays.asList(tx.id(), tx.eventTime().toString(), amount(tx.amount()),
        tx.currency(), tx.cardId(), tx.terminalId(), tx.payeeId(), tx.channel(), tx.merchantCategory(),
        tx.deviceId(), tx.ip(), Double.isNaN(tx.latitude()) ? null : coordinate(tx.latitude()),
        Double.isNaN(tx.longitude()) ? null : coordinate(tx.longitude()), tx.country(), lab, pattern);
    try {
      if (format == InputFormat.csv) {
        sb.setLength(0);
        for (int i = 0; i < values.size(); i++) {
          if (i > 0) {
            sb.append(',');
          }
          Object v = values.get(i);
          if (v != null) {
            sb.append(csvCell(v.toString()));
          }
        }
        sb.append('\n');
        out.append(sb);
      } else {
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < values.size(); i++) {
          Object v = values.get(i);
          String name = TransactionInput.FIELDS.get(i);
          if (v == null) {
            continue;
          }
          if (name.equals("amount") || name.equals("latitude") || name.equals("longitude")) {
            o.put(name, Double.parseDouble(v.toString()));
          } else if (name.equals("label")) {
            o.put(name, Integer.parseInt(v.toString()));
          } else {
            o.put(name, v.toString());
          }
        }
        out.write(JSON.writeValueAsString(o));
        out.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write transactions", e);
    }
  }

  /** A CSV cell as the csv input format reads it back: quoted, quotes doubled, when it holds a comma or a quote. */
  static String csvCell(String s) {
    return s.indexOf(',') >= 0 || s.indexOf('"') >= 0 ? '"' + s.replace("\"", "\"\"") + '"' : s;
  }

  private static String amount(double a) {
    return String.format(Locale.ROOT, "%.2f", a);
  }

  private static String coordinate(double c) {
    return String.format(Locale.ROOT, "%.4f", c);
  }
}
