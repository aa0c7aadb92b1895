package dev.fraudengine.features;

import dev.fraudengine.core.FeaturePipeline;
import dev.fraudengine.core.Label;
import dev.fraudengine.core.Transaction;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Replays history through a feature pipeline, point-in-time correct: the training matrix a model learns from is
 * made by the very calls that score live payments.
 *
 * <p>For each transaction of a time-ordered stream, the replay first delivers, through
 * {@link FeaturePipeline#feedback}, every label whose label time is at or before the transaction's event time,
 * then calls {@link FeaturePipeline#process} and hands the vector on. A label's time is its own
 * ({@link Labelled#labelTime()}) or the transaction's event time plus the replay's label delay. So no feature ever
 * sees a label before it was known, whatever pipeline is replayed. The labels still pending when the stream ends
 * are delivered at the end, so that the pipeline can go on scoring live from where history stopped.
 *
 * <p>A {@code Replay} is immutable; a run uses the pipeline it was made with, which must not be used by anyone
 * else meanwhile for the result to be reproducible. Each run is single-threaded.
 */
public final class Replay {
  private final FeaturePipeline pipeline;
  private final Duration labelDelay;

  private Replay(FeaturePipeline pipeline, Duration labelDelay) {
    this.pipeline = pipeline;
    this.labelDelay = labelDelay;
  }

  /**
   * Makes a replay through a pipeline, with labels known 7 days after their transaction (the handbook's delay).
   *
   * @param pipeline the pipeline, usually a new one from {@link FeaturePipelines}
   * @return the replay
   * @throws NullPointerException if {@code pipeline} is {@code null}
   */
  public static Replay of(FeaturePipeline pipeline) {
    return new Replay(Objects.requireNonNull(pipeline, "pipeline"), Duration.ofDays(7));
  }

  /**
   * Returns a replay with another delay between a transaction and the time its label is known, for labels that do
   * not carry their own time.
   *
   * @param labelDelay zero or positive
   * @return a new replay
   * @throws IllegalArgumentException if negative
   * @throws NullPointerException if {@code labelDelay} is {@code null}
   */
  public Replay labelDelay(Duration labelDelay) {
    Objects.requireNonNull(labelDelay, "labelDelay");
    if (labelDelay.isNegative()) {
      throw new IllegalArgumentException("labelDelay must not be negative, but was " + labelDelay);
    }
    return new Replay(pipeline, labelDelay);
  }

  /**
   * Returns the label delay.
   *
   * @return the delay applied to labels without their own time
   */
  public Duration labelDelay() {
    return labelDelay;
  }

  /**
   * Reads a Fraud Detection Handbook transaction file ({@code .csv} or {@code .csv.gz}, columns
   * {@code TRANSACTION_ID, TX_DATETIME, CUSTOMER_ID, TERMINAL_ID, TX_AMOUNT, TX_FRAUD} found by name) as a lazy
   * stream of labelled transactions: {@code CUSTOMER_ID} is the card, {@code TERMINAL_ID} the terminal, the time
   * is UTC, the currency EUR, and {@code TX_FRAUD} the label. Close the stream (try-with-resources).
   *
   * @param file the file
   * @return the stream, in file order
   * @throws IllegalArgumentException if the header lacks a column; while streaming, if a line is malformed (its
   *     number and the problem are named)
   * @throws UncheckedIOException if the file cannot be read
   * @throws NullPointerException if {@code file} is {@code null}
   */
  public static Stream<Labelled> readFdh(Path file) {
    FdhReader reader = new FdhReader(Objects.requireNonNull(file, "file"));
    return StreamSupport.stream(
            Spliterators.spliteratorUnknownSize(reader, Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(reader::close);
  }

  /**
   * Replays a stream and hands each transaction's vector to a sink.
   *
   * @param input labelled transactions in event-time order (within the pipeline's allowed lateness)
   * @param sink receives each transaction, its vector (owned by the sink) and its label ({@code null} if unknown)
   * @return the number of transactions replayed
   * @throws dev.fraudengine.core.FraudEngineException if the pipeline refuses a transaction (too late)
   * @throws NullPointerException if an argument or an element is {@code null}
   */
  public long run(Stream<Labelled> input, Sink sink) {
    Objects.requireNonNull(input, "input");
    Run run = new Run(Objects.requireNonNull(sink, "sink"));
    // each row straight from the source's own loop (forEachRemaining), without an iterator's two calls a row
    input.sequential().forEachOrdered(run);
    run.pending.deliverUpTo(Instant.MAX, run.target);
    if (run.labels != null) {
      run.labels.flush();
    }
    return run.n;
  }

  /** One run's state: each row it is given is replayed, in order. */
  private final class Run implements Consumer<Labelled> {
    private final Sink sink;
    /**
     * An in-memory OnlineFeaturePipeline takes the labels its own, cheaper way (the same labels at the same
     * moments, the same effect; see OnlineFeaturePipeline.ReplayLabels), with hints of where each transaction was
     * indexed and under which fingerprint; null for any other pipeline.
     */
    private final OnlineFeaturePipeline.ReplayLabels labels;
    private final LabelSchedule pending = new LabelSchedule();
    private final LabelSchedule.Target target;
    private final long delaySeconds = labelDelay.getSeconds();
    private final int delayNanos = labelDelay.getNano();
    private long n;

    Run(Sink sink) {
      this.sink = sink;
      this.labels = pipeline instanceof OnlineFeaturePipeline o ? o.replayLabels() : null;
      this.target = labels == null ? pipeline::feedback : labels;
    }

    @Override
    public void accept(Labelled row) {
      Objects.requireNonNull(row, "input element");
      Transaction tx = row.transaction();
      Instant eventTime = tx.eventTime();
      pending.deliverUpTo(eventTime, target);
      float[] features = pipeline.process(tx);
      Label label = row.label();
      if (label != null) {
        long hint = labels == null ? -1 : labels.lastIndexed();
        long fingerprint = labels == null ? 0 : labels.lastFingerprint();
        Instant labelTime = row.labelTime();
        if (labelTime != null) {
          pending.add(tx.id(), label, labelTime.getEpochSecond(), labelTime.getNano(), hint, fingerprint);
        } else {
          addDelayed(tx.id(), label, eventTime, hint, fingerprint);
        }
      }
      sink.accept(tx, features, label);
      n++;
    }

    /**
     * Schedules a label at {@code eventTime} plus the delay: {@code eventTime.plus(labelDelay)} without making the
     * {@code Instant}, and the same exception where that sum is out of the {@code Instant} range.
     */
    private void addDelayed(String id, Label label, Instant eventTime, long hint, long fingerprint) {
      long second = eventTime.getEpochSecond() + delaySeconds;
      int nano = eventTime.getNano() + delayNanos;
      if (nano >= 1_000_000_000) {
        nano -= 1_000_000_000;
        second++;
      }
      // both parts are non-negative: an overflow makes the sum negative, out of range as well
      if (second < eventTime.getEpochSecond() || second > Instant.MAX.getEpochSecond()) {
        Instant at = eventTime.plus(labelDelay);
        pending.add(id, label, at.getEpochSecond(), at.getNano(), hint, fingerprint);
        return;
      }
      pending.add(id, label, second, nano, hint, fingerprint);
    }
  }

  /**
   * Replays a stream into an in-memory training matrix.
   *
   * @param input labelled transactions in event-time order
   * @return the matrix: one row per transaction, in input order
   * @throws dev.fraudengine.core.FraudEngineException if the pipeline refuses a transaction (too late)
   * @throws NullPointerException if {@code input} or an element is {@code null}
   */
  public TrainingMatrix toMatrix(Stream<Labelled> input) {
    TrainingMatrix.Collector c = new TrainingMatrix.Collector(pipeline.schema());
    run(input, c);
    return c.build();
  }

  /**
   * Replays a stream straight into CSV, without holding the matrix in memory: a header line, then one line per
   * transaction: its id, its features (integral values without a decimal point, {@code NaN} for missing values),
   * and its label (1 fraud, 0 legitimate, empty if unknown) when a label column is asked for.
   *
   * @param input labelled transactions in event-time order
   * @param out where to write; flushed, not closed
   * @param idColumn the header of the id column, e.g. {@code TRANSACTION_ID}
   * @param featureColumns the headers of the feature columns, one per schema feature, e.g. the values of
   *     {@link FeaturePipelines#handbookColumns()}
   * @param labelColumn the header of the label column, or {@code null} for none
   * @return the number of rows written
   * @throws IllegalArgumentException if {@code featureColumns} does not have one name per feature
   * @throws UncheckedIOException if writing fails
   * @throws NullPointerException if an argument other than {@code labelColumn} is {@code null}
   */
  public long writeCsv(Stream<Labelled> input, Writer out, String idColumn, List<String> featureColumns,
      String labelColumn) {
    Objects.requireNonNull(out, "out");
    Objects.requireNonNull(idColumn, "idColumn");
    List<String> columns = List.copyOf(featureColumns);
    if (columns.size() != pipeline.schema().size()) {
      throw new IllegalArgumentException("featureColumns must have " + pipeline.schema().size()
          + " names, one per feature, but had " + columns.size());
    }
    StringBuilder line = new StringBuilder(256);
    try {
      line.append(idColumn);
      for (String c : columns) {
        line.append(',').append(c);
      }
      if (labelColumn != null) {
        line.append(',').append(labelColumn);
      }
      out.append(line).append('\n');
      long n = run(input, (tx, features, label) -> {
        line.setLength(0);
        line.append(tx.id());
        for (float v : features) {
          line.append(',');
          TrainingMatrix.appendValue(line, v);
        }
        if (labelColumn != null) {
          line.append(',').append(label == null ? "" : label == Label.FRAUD ? "1" : "0");
        }
        line.append('\n');
        try {
          out.append(line);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write CSV", e);
        }
      });
      out.flush();
      return n;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write CSV", e);
    }
  }

  /**
   * A transaction of history with its label, if known.
   *
   * @param transaction the transaction
   * @param label its confirmed label, or {@code null} if it never got one
   * @param labelTime when the label became known, or {@code null} for the transaction's event time plus the
   *     replay's label delay
   */
  public record Labelled(Transaction transaction, Label label, Instant labelTime) {
    /**
     * Checks the transaction.
     *
     * @param transaction the transaction
     * @param label its confirmed label, or {@code null}
     * @param labelTime when the label became known, or {@code null}
     * @throws NullPointerException if {@code transaction} or its event time is {@code null}
     */
    public Labelled {
      Objects.requireNonNull(transaction, "transaction");
      Objects.requireNonNull(transaction.eventTime(), "transaction.eventTime");
    }

    /**
     * A transaction whose label becomes known after the replay's label delay.
     *
     * @param transaction the transaction
     * @param label its label, or {@code null} if unknown
     * @return the row
     * @throws NullPointerException if {@code transaction} is {@code null}
     */
    public static Labelled of(Transaction transaction, Label label) {
      return new Labelled(transaction, label, null);
    }
  }

  /** Receives the replay's rows, in input order, on the replaying thread. */
  @FunctionalInterface
  public interface Sink {
    /**
     * Receives one row.
     *
     * @param transaction the transaction
     * @param features its vector, owned by the sink
     * @param label its label, or {@code null} if unknown
     */
    void accept(Transaction transaction, float[] features, Label label);
  }
}
