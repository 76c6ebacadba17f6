package io.rune.storage.store;

import io.zonky.test.db.postgres.util.LinuxUtils;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs SQL on a stopped cluster in PostgreSQL's single-user mode ({@code postgres --single}):
 * no postmaster, no socket, no port, so nothing else can connect meanwhile. It is how the
 * superuser gets its password before the server listens, on a cluster made by an older
 * Rune Storage whose superuser had none (it trusted every local connection).
 */
final class PostgresSingleUser {
  private static final long TIMEOUT_SECONDS = 120;

  private PostgresSingleUser() {}

  /** Runs {@code statements} (one a line, as single-user mode reads them) in {@code database}. */
  static void run(Path clusterDir, String database, List<String> statements) throws IOException {
    List<String> command = new ArrayList<>();
    if (LinuxUtils.isUnshareAvailable()) {
      command.addAll(List.of("unshare", "-U")); // as the library does: PostgreSQL refuses to run as root
    }
    command.addAll(List.of(new File(EmbeddedPostgresBinaries.directory(), "bin/postgres").getPath(), "--single", "-D", clusterDir.toString(),
        // An error must not echo the statement, which may hold a password verifier.
        "-c", "log_min_error_statement=panic", "-c", "log_statement=none", database));
    // To a file rather than a pipe, so that waiting for the process has a bound.
    Path log = Files.createTempFile("rune-pg-single", ".log");
    String output;
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      output = finish(process, statements, log);
      if (process.exitValue() != 0) {
        throw new IOException("PostgreSQL in single-user mode on " + clusterDir + " failed (exit "
            + process.exitValue() + "): " + output.strip());
      }
    } finally {
      Files.deleteIfExists(log);
    }
    // Single-user mode exits 0 even when a statement failed: its output tells.
    String errors = output.lines().filter(line -> line.contains("ERROR:") || line.contains("FATAL:"))
        .collect(Collectors.joining("; "));
    if (!errors.isEmpty()) {
      throw new IOException("PostgreSQL in single-user mode on " + clusterDir + " failed: " + errors);
    }
  }

  private static String finish(Process process, List<String> statements, Path log) throws IOException {
    try {
      try (var in = process.getOutputStream()) {
        in.write((String.join("\n", statements) + "\n").getBytes(StandardCharsets.UTF_8));
      }
      if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException("PostgreSQL in single-user mode did not finish in " + TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while PostgreSQL ran in single-user mode", e);
    }
    return Files.readString(log, StandardCharsets.UTF_8);
  }
}
