package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The rune CLI as a user runs it: the packaged jar in a new JVM, with its own home
 * directory and environment, stdout, stderr and exit status captured, and a deadline.
 */
final class RuneProcess {
  static final Path JAR = Path.of("rune-server", "target", "rune.jar");
  /** The build's class-data sharing archive for the CLI (scripts/cds-archives), as bin/rune uses it. */
  static final Path CDS_ARCHIVE = Path.of("rune-server", "target", "rune-cli.jsa");
  private static final long DEADLINE_SECONDS = 60;

  private final Path home;
  private final Map<String, String> env;

  private RuneProcess(Path home, Map<String, String> env) {
    this.home = home;
    this.env = Map.copyOf(env);
  }

  /** A user whose home is {@code home} and whose environment adds {@code env} (RUNE_* cleared first). */
  static RuneProcess as(Path home, Map<String, String> env) {
    return new RuneProcess(home, env);
  }

  RuneProcess withEnv(String name, String value) {
    Map<String, String> more = new HashMap<>(env);
    more.put(name, value);
    return new RuneProcess(home, more);
  }

  Path home() {
    return home;
  }

  Result run(String... args) {
    return runWithInput(null, args);
  }

  /** The java command line that runs rune with {@code args} as this user. */
  List<String> command(String... args) {
    // The JVM options of bin/rune: a short-lived process starts fastest on them.
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Duser.home=" + home));
    if (Files.exists(CDS_ARCHIVE)) {
      command.addAll(List.of("-XX:SharedArchiveFile=" + CDS_ARCHIVE.toAbsolutePath(), "-Xlog:cds*=off"));
    }
    command.addAll(List.of("-cp", JAR.toAbsolutePath().toString(), "io.rune.storage.cli.RuneCli"));
    command.addAll(List.of(args));
    return command;
  }

  /** The environment of this user's processes: the test JVM's, without RUNE_*, plus this user's. */
  void environment(Map<String, String> environment) {
    environment.keySet().removeIf(name -> name.startsWith("RUNE_"));
    environment.putAll(env);
  }

  /** Starts rune with {@code args} and leaves it running (for rune watch): read its lines, then stop it. */
  Running start(String... args) {
    ProcessBuilder builder = new ProcessBuilder(command(args)).redirectErrorStream(false);
    environment(builder.environment());
    try {
      return new Running(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs with {@code stdin} as standard input (none when null). */
  Result runWithInput(String stdin, String... args) {
    List<String> command = command(args);
    try {
      Path dir = Files.createTempDirectory("rune-cli-run-");
      Path in = dir.resolve("stdin");
      Files.writeString(in, stdin == null ? "" : stdin);
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectInput(in.toFile())
          .redirectOutput(dir.resolve("stdout").toFile())
          .redirectError(dir.resolve("stderr").toFile());
      environment(builder.environment());
      Process process = builder.start();
      boolean exited = process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS);
      if (!exited) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      Result result = new Result(exited ? process.exitValue() : -1,
          Files.readString(dir.resolve("stdout"), StandardCharsets.UTF_8),
          Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8));
      for (String file : List.of("stdin", "stdout", "stderr")) {
        Files.delete(dir.resolve(file));
      }
      Files.delete(dir);
      assertThat(exited).as("rune %s finished within %ds; so far: %s", String.join(" ", args), DEADLINE_SECONDS,
          result).isTrue();
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** What one run of rune did. */
  record Result(int exit, String stdout, String stderr) {
    List<String> lines() {
      return stdout.lines().toList();
    }

    JsonObject json() {
      return new JsonObject(stdout);
    }

    /** Asserts exit 0 and returns this, so that a failure shows what rune printed. */
    Result ok() {
      assertThat(exit).as("exit status of a run that should succeed: %s", this).isZero();
      return this;
    }

    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
  }

  /** A rune process still running, its standard output read line by line as it comes. */
  static final class Running implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();
    private final Thread reader;

    Running(Process process) {
      this.process = process;
      this.reader = new Thread(() -> {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line = out.readLine(); line != null; line = out.readLine()) {
            lines.add(line);
          }
        } catch (IOException e) {
          lines.add("<stdout failed: " + e + ">");
        }
      }, "rune-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    /** The next line of output that matches, waiting at most {@code timeout}; lines before it are passed. */
    String awaitLine(Predicate<String> wanted, Duration timeout) {
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        while (true) {
          String line = lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (line == null) {
            throw new AssertionError("no matching line within " + timeout + "; the output so far: " + seen
                + (process.isAlive() ? "" : "; rune exited " + process.exitValue() + ", stderr: " + stderr()));
          }
          seen.add(line);
          if (wanted.test(line)) {
            return line;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }

    /** Every line printed so far. */
    List<String> seen() {
      return List.copyOf(seen);
    }

    boolean isAlive() {
      return process.isAlive();
    }

    /** The exit status; call once the process has exited. */
    int exitValue() {
      return process.exitValue();
    }

    String stderr() {
      try {
        return new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "<" + e + ">";
      }
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
