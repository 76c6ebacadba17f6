package io.rune.storage.testing;

import io.rune.storage.testing.contract.ContractProxy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One node of a {@link RunedCluster}: a {@code bin/runed} process with its HOME, runefile
 * and port, started again on the same ones after it was killed. Signals go to the pid of
 * the JVM (bin/runed execs java), as an operator's {@code kill} would send them. Its
 * {@link #port()} is a {@link ContractProxy}'s in front of it (listening while the node runs),
 * which checks every exchange against openapi.yaml; {@link #directPort()} is the node's own.
 */
public final class RunedNode {
  private final String name;
  private final Path home;
  private final int httpPort;
  private final Path runefile;
  private final Map<String, String> env;
  private final String javaOptions;
  /** Every process this node has been, the current one last: their logs make the node's. */
  private final List<Process> incarnations = new CopyOnWriteArrayList<>();
  private volatile Process process;
  private volatile boolean paused;
  private volatile long lastStartMillis = -1;
  private volatile ContractProxy proxy;

  RunedNode(String name, Path home, int httpPort, Path runefile, Map<String, String> env, String javaOptions) {
    this.name = name;
    this.home = home;
    this.httpPort = httpPort;
    this.runefile = runefile;
    this.env = Map.copyOf(env);
    this.javaOptions = javaOptions;
  }

  public String name() {
    return name;
  }

  public Path home() {
    return home;
  }

  public Path dataDir() {
    return home.resolve(".rune");
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  /** The port clients use: the contract proxy's once the node started. */
  public int port() {
    return proxy == null ? httpPort : proxy.port();
  }

  /** The node's own HTTP port, past the contract check. */
  public int directPort() {
    return httpPort;
  }

  private synchronized void checkContract() {
    if (proxy == null) {
      proxy = ContractProxy.start(0, httpPort);
    } else {
      proxy.listen(httpPort);
    }
  }

  private synchronized void uncheck() {
    if (proxy != null) {
      proxy.stop();
    }
  }

  /** Stops the node and its contract proxy for good. */
  public void close() {
    stop();
    if (proxy != null) {
      proxy.close();
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean alive() {
    Process current = process;
    return current != null && current.isAlive();
  }

  /** Starts the process; the future completes when it printed its ready line. */
  public CompletableFuture<Void> startAsync() {
    return CompletableFuture.runAsync(() -> {
      long began = System.nanoTime();
      Process started;
      try {
        started = RunedProcess.startWithEnv(home, List.of("--config", runefile.toString()), env, javaOptions);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      incarnations.add(started);
      process = started;
      paused = false;
      try {
        RunedProcess.awaitReady(started);
        lastStartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        checkContract();
      } catch (Exception | AssertionError e) {
        // Its last words (why it refused to start) are in the log, read to the end once it exited.
        RunedProcess.awaitLogEnd(started, 5);
        throw new IllegalStateException("node " + name + " did not start: " + e + "\n" + logTail(80), e);
      }
    });
  }

  /** How long its last start took, from the command to the ready line (-1 before one finished). */
  public long lastStartMillis() {
    return lastStartMillis;
  }

  /** SIGKILL, as a power cut leaves it: no shutdown hook runs. Returns when the process is gone. */
  public void kill() {
    uncheck();
    Process current = process;
    current.destroyForcibly();
    try {
      current.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    paused = false;
  }

  /** SIGSTOP: the process keeps its sockets and state but runs nothing until {@link #resume}. */
  public void pause() {
    signal("STOP");
    paused = true;
  }

  /** SIGCONT to a paused node; nothing otherwise. */
  public void resume() {
    if (paused && alive()) {
      signal("CONT");
    }
    paused = false;
  }

  /** SIGTERM, a minute to finish, then SIGKILL. */
  public void stop() {
    uncheck();
    Process current = process;
    if (current != null && current.isAlive()) {
      try {
        RunedProcess.stop(current);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The log (stderr) of every process this node has been, oldest first. */
  public String log() {
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < incarnations.size(); i++) {
      all.append("----- ").append(name).append(" run ").append(i + 1).append(" -----\n")
          .append(RunedProcess.log(incarnations.get(i)));
    }
    return all.toString();
  }

  public String logTail(int lines) {
    List<String> all = Arrays.asList(log().split("\n"));
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  /** The result of one run of the CLI. */
  public record CliResult(int exitCode, String stdout, String stderr) {}

  /** Runs bin/rune with {@code args} against this node as a user with {@code token} (60 s at most). */
  public CliResult rune(String token, String... args) {
    List<String> command = new ArrayList<>(List.of("bin/rune"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile());
    builder.environment().keySet().removeIf(variable -> variable.startsWith("RUNE_"));
    builder.environment().putAll(Map.of("HOME", home.toString(), "RUNE_JAVA_OPTS", "-Duser.home=" + home,
        "RUNE_SERVER", baseUrl(), "RUNE_TOKEN", token));
    try {
      Process cli = builder.start();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(cli.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(cli.getErrorStream()));
      if (!cli.waitFor(60, TimeUnit.SECONDS)) {
        cli.destroyForcibly();
        throw new AssertionError("rune " + String.join(" ", args) + " did not finish within 60 s");
      }
      return new CliResult(cli.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return name + (alive() ? "(pid " + pid() + (paused ? ", stopped" : "") + ")" : "(down)");
  }

  private void signal(String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String read(java.io.InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
