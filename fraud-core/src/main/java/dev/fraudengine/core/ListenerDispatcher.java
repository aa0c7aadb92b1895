package dev.fraudengine.core;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * Hands decisions to one listener on a thread of its own, through a bounded queue.
 *
 * <p>The scoring thread only offers to the queue (never waits): when the queue is full the decision is dropped
 * for this listener and counted. The listener's thread calls it in decision order and counts its exceptions.
 */
final class ListenerDispatcher {
  private record Event(Transaction tx, Decision decision) {}

  private final DecisionListener listener;
  private final BlockingQueue<Event> queue;
  private final LongAdder dropped;
  private final LongAdder failures;
  private final BurstLog burstLog;
  private final Thread thread;
  private volatile boolean running = true;

  ListenerDispatcher(DecisionListener listener, int index, int capacity, LongAdder dropped, LongAdder failures,
      Logger log, Duration logInterval) {
    this.listener = listener;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.dropped = dropped;
    this.failures = failures;
    String name = "fraud-listener-" + index + "-" + listener.getClass().getSimpleName();
    this.burstLog = new BurstLog(log, "decision listener " + name, logInterval);
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  void offer(Transaction tx, Decision decision) {
    if (!queue.offer(new Event(tx, decision))) {
      dropped.increment();
    }
  }

  private void run() {
    while (running || !queue.isEmpty()) {
      Event e;
      try {
        e = queue.poll(50, TimeUnit.MILLISECONDS);
      } catch (InterruptedException ie) {
        break;
      }
      if (e == null) {
        continue;
      }
      try {
        listener.onDecision(e.tx(), e.decision());
      } catch (Throwable t) {
        failures.increment();
        burstLog.failed(t);
        if (t instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
          break;
        }
      }
    }
  }

  /** Lets the listener drain its queue for up to {@code timeout}, then interrupts it; what is left is dropped. */
  void close(Duration timeout) {
    running = false;
    try {
      thread.join(Math.max(1, timeout.toMillis()));
      if (thread.isAlive()) {
        thread.interrupt();
        thread.join(100);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    dropped.add(queue.size());
    queue.clear();
  }
}
