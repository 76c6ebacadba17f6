package io.rune.bench;

import io.vertx.core.Vertx;
import java.time.Duration;

/** One closed-loop run and the CPU it cost the processes involved. */
record Measured(LoadResult load, CpuMeter.Usage cpu) {

  /** {@code server} may be null when the bench JVM itself is the client of PostgreSQL. */
  static Measured run(Vertx vertx, String target, ProcessHandle server, ProcessHandle postmaster, int concurrency,
      Duration warmUp, Duration measure, ClosedLoop.Operation operation) {
    CpuMeter meter = new CpuMeter(server, postmaster);
    LoadResult load = ClosedLoop.run(vertx, target, concurrency, warmUp, measure, operation);
    Measured measured = new Measured(load, meter.stop());
    System.err.println("bench:   " + measured.summary());
    return measured;
  }

  double perSecond() {
    return load.perSecond();
  }

  /** Microseconds of CPU per operation: server JVM / PostgreSQL / load generator. */
  String cpuPerOperation() {
    return cpu.perOperation(load.okWithWarmUp());
  }

  String summary() {
    return load.summary() + String.format(" (other processes took %.0f%% of the CPU meanwhile)",
        cpu.othersShare() * 100);
  }
}
