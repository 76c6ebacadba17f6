package io.rune.storage.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A server's cp held stopped (SIGSTOP) and let on in small steps, so that a test sees a copy
 * mid-way whatever the machine's speed: the test plays a slow disk, the copy stays the real
 * one. Closing continues it (SIGCONT).
 */
public final class SteppedCopy implements AutoCloseable {

  private final ProcessHandle cp;

  private SteppedCopy(ProcessHandle cp) {
    this.cp = cp;
  }

  /** Waits for a cp among the descendants of {@code parent} and stops it at once. */
  public static SteppedCopy stopped(ProcessHandle parent, Duration wait) throws Exception {
    ProcessHandle cp = await().atMost(wait).pollInterval(Duration.ofMillis(5))
        .until(() -> copyOf(parent), found -> found != null);
    signal("STOP", cp);
    return new SteppedCopy(cp);
  }

  /** The cp among the descendants of {@code parent} (setpriv becomes cp once it armed its signal), or null. */
  public static ProcessHandle copyOf(ProcessHandle parent) {
    return parent.descendants()
        .filter(p -> p.info().command().map(c -> c.endsWith("/cp")).orElse(false))
        .findFirst().orElse(null);
  }

  public static void signal(String signal, ProcessHandle process) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  /**
   * Lets the cp run in steps (continued and stopped again by one shell, so each step is the
   * instant between two kill calls) until it has written at least {@code bytes}; returns what
   * it wrote.
   */
  public long stepUntilWritten(long bytes, Duration wait) {
    return await().atMost(wait).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
      long written = bytesWritten();
      if (written < bytes) {
        Process step = new ProcessBuilder("sh", "-c", "kill -CONT \"$1\"; kill -STOP \"$1\"", "sh",
            Long.toString(cp.pid())).inheritIO().start();
        assertThat(step.waitFor(10, TimeUnit.SECONDS)).isTrue();
      }
      return written;
    }, written -> written >= bytes);
  }

  /** wchar of the cp: the bytes its write and copy_file_range calls wrote. */
  public long bytesWritten() throws IOException {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(cp.pid()), "io"))) {
        if (line.startsWith("wchar:")) {
          return Long.parseLong(line.substring("wchar:".length()).strip());
        }
      }
    } catch (NoSuchFileException gone) {
      throw new AssertionError("the cp ended before the test could hold it mid-way: give it more to copy");
    }
    throw new AssertionError("no wchar in /proc/" + cp.pid() + "/io");
  }

  @Override
  public void close() throws Exception {
    signal("CONT", cp);
  }
}
