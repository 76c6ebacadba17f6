package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The rune CLI as a user runs it: the packaged jar in a new JVM, with its own home
 * directory and environment, stdout, stderr and exit status captured, and a deadline.
 */
final class RuneProcess {
  static final Path JAR = Path.of("target", "rune.jar");
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

  /** Runs with {@code stdin} as standard input (none when null). */
  Result runWithInput(String stdin, String... args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Duser.home=" + home,
        "-cp", JAR.toString(), "io.rune.storage.cli.RuneCli"));
    command.addAll(List.of(args));
    try {
      Path dir = Files.createTempDirectory("rune-cli-run-");
      Path in = dir.resolve("stdin");
      Files.writeString(in, stdin == null ? "" : stdin);
      ProcessBuilder builder = new ProcessBuilder(command)
          .redirectInput(in.toFile())
          .redirectOutput(dir.resolve("stdout").toFile())
          .redirectError(dir.resolve("stderr").toFile());
      builder.environment().keySet().removeIf(name -> name.startsWith("RUNE_"));
      builder.environment().putAll(env);
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
}
