package io.rune.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time spent during a run by the server JVM, by PostgreSQL (the postmaster and all its
 * backends) and by the bench JVM itself (the load generator).
 */
final class CpuMeter {
  record Usage(double serverMillis, double postgresMillis, double benchMillis) {
    /** Microseconds of CPU per operation, as "server / PostgreSQL / load generator". */
    String perOperation(long operations) {
      return String.format("%.0f / %.0f / %.0f", serverMillis * 1000 / operations,
          postgresMillis * 1000 / operations, benchMillis * 1000 / operations);
    }
  }

  private final ProcessHandle server;
  private final ProcessHandle postmaster;
  private final long serverStart;
  private final Map<Long, Long> postgresStart;
  private final long benchStart;

  CpuMeter(ProcessHandle server, ProcessHandle postmaster) {
    this.server = server;
    this.postmaster = postmaster;
    this.serverStart = cpuNanos(server);
    this.postgresStart = familyCpu(postmaster);
    this.benchStart = cpuNanos(ProcessHandle.current());
  }

  Usage stop() {
    long postgres = 0;
    for (Map.Entry<Long, Long> now : familyCpu(postmaster).entrySet()) {
      postgres += now.getValue() - postgresStart.getOrDefault(now.getKey(), 0L);
    }
    return new Usage((cpuNanos(server) - serverStart) / 1e6, postgres / 1e6,
        (cpuNanos(ProcessHandle.current()) - benchStart) / 1e6);
  }

  private static Map<Long, Long> familyCpu(ProcessHandle parent) {
    Map<Long, Long> cpu = new HashMap<>();
    cpu.put(parent.pid(), cpuNanos(parent));
    parent.descendants().forEach(p -> cpu.put(p.pid(), cpuNanos(p)));
    return cpu;
  }

  private static long cpuNanos(ProcessHandle process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }
}
