package dev.fraudengine.examples;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.DoubleSupplier;

/*
 * A one-line progress bar on stderr, redrawn at most five times a second: a bar of the share done (from a supplier,
 * e.g. bytes read / file size), the rows so far and the rate. Off when the output is not wanted (--no-progress).
 */
final class Progress {
  private static final long INTERVAL_NANOS = 200_000_000L;
  private final PrintStream err;
  private final String what;
  private final DoubleSupplier done;
  private final boolean enabled;
  private final long start = System.nanoTime();
  private long last;
  private boolean drawn;

  Progress(PrintStream err, String what, DoubleSupplier done, boolean enabled) {
    this.err = err;
    this.what = what;
    this.done = done;
    this.enabled = enabled;
  }

  void update(long rows) {
    if (!enabled) {
      return;
    }
    long now = System.nanoTime();
    if (now - last < INTERVAL_NANOS) {
      return;
    }
    last = now;
    draw(rows, done.getAsDouble());
  }

  void finish(long rows) {
    if (enabled) {
      draw(rows, 1);
      err.println();
    }
  }

  private void draw(long rows, double share) {
    int width = 30;
    int filled = (int) Math.round(share * width);
    double seconds = (System.nanoTime() - start) / 1e9;
    err.printf(Locale.ROOT, "\r%s [%s%s] %3.0f%%  %,d rows  %,.0f rows/s  %.1f s", what, "=".repeat(filled),
        " ".repeat(width - filled), share * 100, rows, rows / Math.max(seconds, 1e-3), seconds);
    err.flush();
    drawn = true;
  }

  boolean drawn() {
    return drawn;
  }
}
