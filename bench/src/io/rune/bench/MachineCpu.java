package io.rune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * CPU time of the whole machine, from the first line of /proc/stat: to wait until other
 * processes leave the machine alone before a measurement, and to tell how much they took during one.
 */
final class MachineCpu {
  /** /proc/stat counts in USER_HZ, 100 per second on every Linux the JDK runs on. */
  private static final long NANOS_PER_TICK = 10_000_000;
  static final double QUIET_SHARE = 0.15;
  private static final Duration WINDOW = Duration.ofSeconds(1);

  private MachineCpu() {}

  /** Busy time of all CPUs (everything but idle and iowait) since boot, in ns. */
  static long busyNanos() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < Math.min(fields.length, 9); i++) {
        if (i != 4 && i != 5) {
          busy += Long.parseLong(fields[i]);
        }
      }
      return busy * NANOS_PER_TICK;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/stat: " + e.getMessage(), e);
    }
  }

  static int cpus() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Waits until a one-second window finds the machine at most {@value #QUIET_SHARE} busy (our
   * servers idle), or the deadline passes. Answers the busy share of the last window.
   */
  static double awaitQuiet(Duration deadline) throws InterruptedException {
    long end = System.nanoTime() + deadline.toNanos();
    double share;
    do {
      long before = busyNanos();
      long start = System.nanoTime();
      Thread.sleep(WINDOW.toMillis()); // the sampling window of a condition with a deadline
      share = (busyNanos() - before) / (double) ((System.nanoTime() - start) * cpus());
    } while (share > QUIET_SHARE && System.nanoTime() < end);
    return share;
  }
}
