package io.rune.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** A short-lived child process of the bench (cp, sync, rm, du): run to its end, with a deadline. */
final class Command {
  private static final int MAX_OUTPUT = 2000;

  private Command() {}

  /** What it printed (stdout and stderr together), and how long it took from start to exit. */
  record Ran(String output, long nanos) {
    double seconds() {
      return nanos / 1e9;
    }
  }

  /** Runs {@code command}; fails when it exits with another status than 0 or outlives the deadline. */
  static Ran run(List<String> command, Duration deadline) throws IOException, InterruptedException {
    long start = System.nanoTime();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
    if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new IOException(String.join(" ", command) + " did not finish within " + deadline.toSeconds() + " s");
    }
    long nanos = System.nanoTime() - start;
    String text;
    try {
      text = output.get(10, TimeUnit.SECONDS).strip();
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      text = "(output unreadable: " + e.getMessage() + ")";
    }
    if (process.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + process.exitValue() + ": "
          + text.substring(0, Math.min(MAX_OUTPUT, text.length())));
    }
    return new Ran(text, nanos);
  }

  private static String readAll(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(output unreadable: " + e.getMessage() + ")";
    }
  }
}
