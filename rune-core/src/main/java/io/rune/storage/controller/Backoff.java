package io.rune.storage.controller;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Delays between provisioning attempts: {@code initial} after the first failure, doubling
 * after each further one up to {@code max}, each shortened by up to a fifth at random so
 * that many volumes failing together do not retry in lockstep. Shortened, not lengthened:
 * each delay stays longer than the one before until the cap.
 */
record Backoff(Duration initial, Duration max) {

  /** The delay after failed attempt number {@code attempt} (1-based). */
  Duration after(int attempt) {
    long base = initial.toMillis();
    long capped = max.toMillis();
    for (int i = 1; i < attempt && base < capped; i++) {
      base *= 2;
    }
    long delay = Math.min(base, capped);
    long jitter = (long) (delay * 0.2 * ThreadLocalRandom.current().nextDouble());
    return Duration.ofMillis(Math.max(1, delay - jitter));
  }

  /** "1.6s", "250ms", "30s": how the delay reads in a status message. */
  static String format(Duration d) {
    long ms = d.toMillis();
    if (ms < 1000) {
      return ms + "ms";
    }
    if (ms < 10_000 && ms % 1000 != 0) {
      return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
    }
    return Math.round(ms / 1000.0) + "s";
  }
}
