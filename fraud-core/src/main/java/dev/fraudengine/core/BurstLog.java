package dev.fraudengine.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * Logs a repeating failure once per interval: the first failure of a burst is logged at once with its stack
 * trace; later ones are counted and summed up in the next line. Lock-free; safe from many threads.
 */
final class BurstLog {
  private final Logger log;
  private final String subject;
  private final long intervalNanos;
  private final AtomicLong nextLogAt;
  private final LongAdder suppressed = new LongAdder();

  BurstLog(Logger log, String subject, Duration interval) {
    this.log = log;
    this.subject = subject;
    this.intervalNanos = interval.toNanos();
    this.nextLogAt = new AtomicLong(System.nanoTime() - 1);
  }

  void failed(Throwable t) {
    long now = System.nanoTime();
    long next = nextLogAt.get();
    if (now - next >= 0 && nextLogAt.compareAndSet(next, now + intervalNanos)) {
      long more = suppressed.sumThenReset();
      if (more > 0) {
        log.warn("{} failed; {} more failures since the last report", subject, more, t);
      } else {
        log.warn("{} failed", subject, t);
      }
    } else {
      suppressed.increment();
    }
  }
}
