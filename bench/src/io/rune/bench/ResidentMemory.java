package io.rune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The resident set size of a process, from /proc/PID/status. */
final class ResidentMemory {
  private static final long POLL_MILLIS = 200;
  /** Settled: the last samples over this long stay within {@link #STABLE_KIB}. */
  private static final int STABLE_SAMPLES = 10;
  private static final long STABLE_KIB = 1024;
  private static final Duration SETTLE_DEADLINE = Duration.ofSeconds(30);

  private ResidentMemory() {}

  static long kib(ProcessHandle process) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the memory of pid " + process.pid() + ": " + e.getMessage(), e);
    }
    throw new IllegalStateException("no VmRSS in /proc/" + process.pid() + "/status");
  }

  /** Polls until the RSS has stopped moving (or the deadline passes); answers the last value in KiB. */
  static long settled(ProcessHandle process) throws InterruptedException {
    long deadline = System.nanoTime() + SETTLE_DEADLINE.toNanos();
    ArrayDeque<Long> recent = new ArrayDeque<>();
    while (true) {
      recent.addLast(kib(process));
      if (recent.size() > STABLE_SAMPLES) {
        recent.removeFirst();
      }
      long spread = recent.stream().mapToLong(Long::longValue).max().getAsLong()
          - recent.stream().mapToLong(Long::longValue).min().getAsLong();
      if (recent.size() == STABLE_SAMPLES && spread <= STABLE_KIB) {
        return recent.getLast();
      }
      if (System.nanoTime() > deadline) {
        System.err.println("bench: the RSS of pid " + process.pid() + " still moved by " + spread
            + " KiB after " + SETTLE_DEADLINE.toSeconds() + " s; taking the last sample");
        return recent.getLast();
      }
      Thread.sleep(POLL_MILLIS); // the sampling period of a condition with a deadline
    }
  }

  /** Asks the JVM for a full collection (jcmd GC.run, as System.gc()) and waits until it is done. */
  static void collectGarbage(ProcessHandle java) throws IOException, InterruptedException {
    String javaCommand = java.info().command().orElse("java");
    Path jcmd = Path.of(javaCommand).resolveSibling("jcmd");
    Path output = Files.createTempFile("rune-bench-jcmd", ".txt");
    try {
      Process run = new ProcessBuilder(List.of(Files.isExecutable(jcmd) ? jcmd.toString() : "jcmd",
          Long.toString(java.pid()), "GC.run")).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      if (!run.waitFor(60, TimeUnit.SECONDS) || run.exitValue() != 0) {
        run.destroyForcibly();
        throw new IOException("jcmd " + java.pid() + " GC.run failed: " + Files.readString(output).trim());
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }
}
