package dev.fraudengine.features;

import dev.fraudengine.core.FeatureSchema;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A training matrix made by a {@link Replay}: one row per transaction with its id, its feature vector and its label.
 *
 * <p>Values are stored in one row-major {@code float[]}; labels are 1 (fraud), 0 (legitimate) or -1 (unknown).
 * Immutable and thread-safe: accessors return copies.
 */
public final class TrainingMatrix {
  private final FeatureSchema schema;
  private final List<String> ids;
  private final float[] values;
  private final byte[] labels;

  private TrainingMatrix(FeatureSchema schema, List<String> ids, float[] values, byte[] labels) {
    this.schema = schema;
    this.ids = ids;
    this.values = values;
    this.labels = labels;
  }

  /**
   * Returns the schema of the columns.
   *
   * @return the pipeline's schema
   */
  public FeatureSchema schema() {
    return schema;
  }

  /**
   * Returns the number of rows.
   *
   * @return the number of transactions replayed
   */
  public int rows() {
    return ids.size();
  }

  /**
   * Returns the number of feature columns.
   *
   * @return {@code schema().size()}
   */
  public int columns() {
    return schema.size();
  }

  /**
   * Returns the transaction ids, in row order.
   *
   * @return an immutable list
   */
  public List<String> ids() {
    return ids;
  }

  /**
   * Returns one value.
   *
   * @param row the row, in [0, rows())
   * @param column the column, in [0, columns())
   * @return the value, {@code NaN} where missing
   * @throws IndexOutOfBoundsException if out of range
   */
  public float get(int row, int column) {
    Objects.checkIndex(row, rows());
    Objects.checkIndex(column, columns());
    return values[row * columns() + column];
  }

  /**
   * Returns a row's feature vector.
   *
   * @param row the row, in [0, rows())
   * @return a copy of its values
   * @throws IndexOutOfBoundsException if out of range
   */
  public float[] row(int row) {
    Objects.checkIndex(row, rows());
    return Arrays.copyOfRange(values, row * columns(), (row + 1) * columns());
  }

  /**
   * Returns a row's label.
   *
   * @param row the row, in [0, rows())
   * @return 1 for fraud, 0 for legitimate, -1 if unknown
   * @throws IndexOutOfBoundsException if out of range
   */
  public int label(int row) {
    Objects.checkIndex(row, rows());
    return labels[row];
  }

  /**
   * Writes the matrix as CSV: a header {@code id,<feature names>,label}, then one line per row (integral values
   * without a decimal point, {@code NaN} for missing values, an empty label if unknown).
   *
   * @param out where to write; flushed, not closed
   * @throws UncheckedIOException if writing fails
   * @throws NullPointerException if {@code out} is {@code null}
   */
  public void writeCsv(Writer out) {
    Objects.requireNonNull(out, "out");
    StringBuilder line = new StringBuilder(256);
    try {
      line.append("id");
      for (String f : schema.features()) {
        line.append(',').append(f);
      }
      out.append(line.append(",label\n"));
      int cols = columns();
      for (int r = 0; r < rows(); r++) {
        line.setLength(0);
        line.append(ids.get(r));
        for (int c = 0; c < cols; c++) {
          appendValue(line.append(','), values[r * cols + c]);
        }
        line.append(',').append(labels[r] < 0 ? "" : Integer.toString(labels[r])).append('\n');
        out.append(line);
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write CSV", e);
    }
  }

  /** Appends a value: integral values as integers, others as the shortest float text, NaN as {@code NaN}. */
  static void appendValue(StringBuilder sb, float v) {
    if (v == (long) v && Math.abs(v) < 1e9f) {
      sb.append((long) v);
    } else {
      sb.append(v);
    }
  }

  /** Collects the rows of a replay. Not thread-safe. */
  static final class Collector implements Replay.Sink {
    private final FeatureSchema schema;
    private final List<String> ids = new ArrayList<>();
    private float[] values = new float[1024];
    private byte[] labels = new byte[64];
    private int rows;

    Collector(FeatureSchema schema) {
      this.schema = schema;
    }

    @Override
    public void accept(Transaction tx, float[] features, Label label) {
      int cols = schema.size();
      if (features.length != cols) {
        throw new IllegalStateException(
            "the pipeline made " + features.length + " values, but its schema has " + cols);
      }
      if ((long) (rows + 1) * cols > values.length) {
        values = Arrays.copyOf(values, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(values.length * 2L,
            (long) (rows + 1) * cols)));
      }
      if (rows == labels.length) {
        labels = Arrays.copyOf(labels, labels.length * 2);
      }
      System.arraycopy(features, 0, values, rows * cols, cols);
      labels[rows] = (byte) (label == null ? -1 : label == Label.FRAUD ? 1 : 0);
      ids.add(tx.id());
      rows++;
    }

    TrainingMatrix build() {
      return new TrainingMatrix(schema, List.copyOf(ids), Arrays.copyOf(values, rows * schema.size()),
          Arrays.copyOf(labels, rows));
    }
  }
}
