package io.rune.bench;

/** What a closed-loop run measured inside its measurement window. */
record LoadResult(String target, int concurrency, double seconds, long ok, long errors,
    double p50Millis, double p99Millis, double maxMillis, long okWithWarmUp) {

  double perSecond() {
    return ok / seconds;
  }

  static LoadResult of(String target, int concurrency, double seconds, Latencies latencies, long errors,
      long okWithWarmUp) {
    return new LoadResult(target, concurrency, seconds, latencies.count(), errors,
        latencies.percentileMillis(0.50), latencies.percentileMillis(0.99), latencies.percentileMillis(1.0),
        okWithWarmUp);
  }

  String summary() {
    return String.format("%s: %,.0f ops/s over %.1f s (%,d ok, %d errors), p50 %.2f ms, p99 %.2f ms, max %.1f ms",
        target, perSecond(), seconds, ok, errors, p50Millis, p99Millis, maxMillis);
  }
}
