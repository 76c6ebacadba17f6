package io.rune.bench;

import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;

/** What every measurement of one bench run shares: the servers, the plan, and where results go. */
record Session(Vertx vertx, Bench.Plan plan, Path work, RunedServer runed, HttpTarget api, Report report,
    List<String> observations) {

  static void step(String what) {
    System.err.println("bench: " + what);
  }

  /** Waits (with a deadline) for the machine to be quiet before a measurement; notes it if it was not. */
  void quiet(String what) throws InterruptedException {
    long start = System.nanoTime();
    double busy = MachineCpu.awaitQuiet(Bench.QUIET_DEADLINE);
    double waited = (System.nanoTime() - start) / 1e9;
    if (waited > 2) {
      step(String.format("waited %.0f s for other processes to leave the machine before %s", waited, what));
    }
    if (busy > MachineCpu.QUIET_SHARE) {
      observations.add(String.format("The machine was still %.0f%% busy with other work when %s started.",
          busy * 100, what));
    }
  }

  static String window(java.time.Duration warmUp, java.time.Duration measure) {
    return warmUp.toSeconds() + " s warm-up + " + measure.toSeconds() + " s measured";
  }

  static String rate(double perSecond, String unit) {
    return String.format("%,.0f %s", perSecond, unit);
  }

  static String ms(double millis) {
    return String.format("%.2f ms", millis);
  }

  static String mib(long kib) {
    return String.format("%.0f MiB", kib / 1024.0);
  }
}
