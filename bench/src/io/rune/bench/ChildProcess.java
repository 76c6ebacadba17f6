package io.rune.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server process of the bench: started, awaited until it prints its ready line, stopped with
 * SIGTERM. Its stderr goes to a log file; stdout is read (and kept draining) by a thread.
 */
final class ChildProcess implements AutoCloseable {
  private static final Duration STOP_DEADLINE = Duration.ofSeconds(60);

  private final String name;
  private final Process process;
  private final Path log;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** Starts {@code command} with exactly {@code env}; returns once a stdout line matches {@code ready}. */
  static Started start(String name, List<String> command, Map<String, String> env, Path log, Pattern ready,
      Duration deadline) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().clear();
    builder.environment().putAll(env);
    ChildProcess child = new ChildProcess(name, builder.start(), log);
    Runtime.getRuntime().addShutdownHook(new Thread(child::close, "stop-" + name));
    CompletableFuture<Matcher> readyLine = new CompletableFuture<>();
    Thread reader = new Thread(() -> child.readStdout(ready, readyLine), name + "-stdout");
    reader.setDaemon(true);
    reader.start();
    try {
      return new Started(child, readyLine.get(deadline.toMillis(), TimeUnit.MILLISECONDS));
    } catch (TimeoutException | ExecutionException | InterruptedException e) {
      child.close();
      throw new IOException(name + " did not get ready within " + deadline.toSeconds() + " s ("
          + e.getMessage() + "); the end of its log " + log + ":\n" + child.logTail(), e);
    }
  }

  record Started(ChildProcess process, Matcher readyLine) {}

  private void readStdout(Pattern ready, CompletableFuture<Matcher> readyLine) {
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        Matcher m = ready.matcher(line);
        if (!readyLine.isDone() && m.find()) {
          readyLine.complete(m);
        }
      }
      readyLine.completeExceptionally(new IOException(name + " closed its output without the ready line"));
    } catch (IOException e) {
      readyLine.completeExceptionally(e);
    }
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(unreadable: " + e.getMessage() + ")";
    }
  }

  /** SIGTERM, then waits for the exit; SIGKILL only if it does not come. Idempotent. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
        System.err.println("bench: " + name + " ignored SIGTERM for " + STOP_DEADLINE.toSeconds()
            + " s; killing it");
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
