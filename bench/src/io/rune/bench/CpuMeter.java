package io.rune.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time spent during a run by the server JVM, by PostgreSQL (the postmaster and all its
 * backends), by the bench JVM itself (the load generator), and by everything else on the machine.
 */
final class CpuMeter {
  /**
   * Milliseconds of CPU; {@code othersShare} is the share of the machine's capacity (wall time
   * × cores) that other processes took.
   */
  record Usage(double serverMillis, double postgresMillis, double benchMillis, double othersShare) {
    /** Microseconds of CPU per operation, as "server / PostgreSQL / load generator". */
    String perOperation(long operations) {
      return String.format("%s / %.0f / %.0f", Double.isNaN(serverMillis) ? "—"
          : String.format("%.0f", serverMillis * 1000 / operations),
          postgresMillis * 1000 / operations, benchMillis * 1000 / operations);
    }
  }

  private final java.util.List<ProcessHandle> servers;
  private final ProcessHandle postmaster;
  private final long serverStart;
  private final Map<Long, Long> postgresStart;
  private final long benchStart;
  private final long machineStart;
  private final long wallStart;

  /** {@code server} may be null when the bench JVM itself is the client of PostgreSQL. */
  CpuMeter(ProcessHandle server, ProcessHandle postmaster) {
    this(server == null ? java.util.List.of() : java.util.List.of(server), postmaster);
  }

  /** Several server JVMs (the nodes of a cluster) counted as one server. */
  CpuMeter(java.util.List<ProcessHandle> servers, ProcessHandle postmaster) {
    this.servers = servers;
    this.postmaster = postmaster;
    this.serverStart = cpuNanos(servers);
    this.postgresStart = familyCpu(postmaster);
    this.benchStart = cpuNanos(ProcessHandle.current());
    this.machineStart = MachineCpu.busyNanos();
    this.wallStart = System.nanoTime();
  }

  Usage stop() {
    long wall = System.nanoTime() - wallStart;
    long machine = MachineCpu.busyNanos() - machineStart;
    long postgres = 0;
    for (Map.Entry<Long, Long> now : familyCpu(postmaster).entrySet()) {
      postgres += now.getValue() - postgresStart.getOrDefault(now.getKey(), 0L);
    }
    long serverUsed = cpuNanos(servers) - serverStart;
    long bench = cpuNanos(ProcessHandle.current()) - benchStart;
    double others = Math.max(0, machine - serverUsed - postgres - bench) / (double) (wall * MachineCpu.cpus());
    return new Usage(servers.isEmpty() ? Double.NaN : serverUsed / 1e6, postgres / 1e6, bench / 1e6, others);
  }

  private static Map<Long, Long> familyCpu(ProcessHandle parent) {
    Map<Long, Long> cpu = new HashMap<>();
    cpu.put(parent.pid(), cpuNanos(parent));
    parent.descendants().forEach(p -> cpu.put(p.pid(), cpuNanos(p)));
    return cpu;
  }

  private static long cpuNanos(java.util.List<ProcessHandle> processes) {
    return processes.stream().mapToLong(CpuMeter::cpuNanos).sum();
  }

  private static long cpuNanos(ProcessHandle process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }
}
