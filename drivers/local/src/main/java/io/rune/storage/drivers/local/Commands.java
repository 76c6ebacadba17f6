package io.rune.storage.drivers.local;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.DriverException.Blame;
import io.rune.storage.driver.files.PathFaults;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system tools of the enforcement modes ({@code btrfs}, {@code mount},
 * {@code mkfs.ext4}, …) on the calling worker thread, each with a time limit, and turns a
 * failure into a {@link DriverException} that quotes the tool's error output. Blocking.
 */
final class Commands {

  static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
  private static final int MAX_STDERR = 2000;

  private Commands() {}

  /** Runs {@code command} for {@code what} ("making subvolume x"); its standard output. */
  static String run(String what, List<String> command) throws IOException {
    return run(what, command, DEFAULT_TIMEOUT);
  }

  static String run(String what, List<String> command, Duration timeout) throws IOException {
    return run(what, command, timeout, Set.of(0));
  }

  /** As {@link #run(String, List)}, with the exit codes that mean success ({@code e2fsck}: 0 and 1). */
  static String run(String what, List<String> command, Duration timeout, Set<Integer> success) throws IOException {
    Path out = Files.createTempFile("rune-local-", ".out");
    Path err = Files.createTempFile("rune-local-", ".err");
    try {
      Process process = start(what, command, out.toFile(), err.toFile());
      boolean ended;
      try {
        ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
        throw DriverException.transientError(what + ": interrupted", e);
      }
      if (!ended) {
        process.destroyForcibly();
        throw new DriverException(DriverError.TRANSIENT, Blame.BACKEND, null, what + ": " + command.get(0)
            + " did not finish within " + timeout.toSeconds() + " s (is the disk hanging?)", null);
      }
      if (!success.contains(process.exitValue())) {
        throw failed(what, command.get(0), process.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  /** Whether {@code tool} is an executable file on the PATH. Blocking. */
  static boolean onPath(String tool) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return true;
      }
    }
    return false;
  }

  private static Process start(String what, List<String> command, File out, File err) {
    try {
      Process process = new ProcessBuilder(CopyProcesses.dyingWithServer(command))
          .redirectOutput(out).redirectError(err).start();
      process.getOutputStream().close();
      return process;
    } catch (IOException e) {
      // Without the tool no volume of this mode can be served: the node's fault.
      throw new DriverException(DriverError.PERMANENT, Blame.BACKEND, null, what + ": cannot run " + command.get(0)
          + " (" + e.getMessage() + "); install it on the node", e);
    }
  }

  /** A tool's failure: a full or failing file system fails every volume, anything else this one. */
  static DriverException failed(String what, String tool, int exit, String stderr) {
    String errors = stderr.strip();
    if (errors.length() > MAX_STDERR) {
      errors = errors.substring(0, MAX_STDERR) + " …";
    }
    Blame blame = PathFaults.fileSystemWide(errors) ? Blame.BACKEND : Blame.OBJECT;
    return new DriverException(DriverError.TRANSIENT, blame, null, what + " failed: " + tool + " exited with "
        + exit + (errors.isEmpty() ? "" : ": " + errors), null);
  }
}
