package io.rune.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time spent during a run by the server JVM, by PostgreSQL (every process under runed's
 * JVM: the postmaster and its backends) and by the bench JVM itself (the load generator).
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
  private final ProcessHandle postgresParent;
  private final long serverStart;
  private final Map<Long, Long> postgresStart;
  private final long benchStart;

  CpuMeter(ProcessHandle server, ProcessHandle postgresParent) {
    this.server = server;
    this.postgresParent = postgresParent;
    this.serverStart = cpuNanos(server);
    this.postgresStart = descendantsCpu(postgresParent);
    this.benchStart = cpuNanos(ProcessHandle.current());
  }

  Usage stop() {
    long postgres = 0;
    for (Map.Entry<Long, Long> now : descendantsCpu(postgresParent).entrySet()) {
      postgres += now.getValue() - postgresStart.getOrDefault(now.getKey(), 0L);
    }
    return new Usage((cpuNanos(server) - serverStart) / 1e6, postgres / 1e6,
        (cpuNanos(ProcessHandle.current()) - benchStart) / 1e6);
  }

  private static Map<Long, Long> descendantsCpu(ProcessHandle parent) {
    Map<Long, Long> cpu = new HashMap<>();
    parent.descendants().forEach(p -> cpu.put(p.pid(), cpuNanos(p)));
    return cpu;
  }

  private static long cpuNanos(ProcessHandle process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }
}
