package io.rune.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A daemon thread that wakes every 100 ms and remembers the longest gap between two wake-ups:
 * when the whole machine (or the VM it runs in) stalls, every timer of the run stalls with it,
 * and a timeout that follows is not the server's doing.
 */
final class StallWatch {
  private static final long PERIOD_MILLIS = 100;
  private static final AtomicLong LONGEST_NANOS = new AtomicLong();

  private StallWatch() {}

  static void start() {
    Thread watch = new Thread(() -> {
      long last = System.nanoTime();
      while (true) {
        try {
          Thread.sleep(PERIOD_MILLIS); // the sampling period of the watch itself
        } catch (InterruptedException e) {
          return;
        }
        long now = System.nanoTime();
        LONGEST_NANOS.accumulateAndGet(now - last - PERIOD_MILLIS * 1_000_000, Math::max);
        last = now;
      }
    }, "stall-watch");
    watch.setDaemon(true);
    watch.start();
  }

  /** The longest stall seen so far, in milliseconds, beyond the wake-up period. */
  static double longestMillis() {
    return LONGEST_NANOS.get() / 1e6;
  }
}
