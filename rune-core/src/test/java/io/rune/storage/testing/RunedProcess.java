package io.rune.storage.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.contract.ContractProxy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** bin/runed as a real process, as a user starts it: its ready line, its log, SIGTERM and SIGKILL. */
public final class RunedProcess {
  public static final Pattern READY = Pattern.compile(
      "Rune Storage ready on (http://127\\.0\\.0\\.1:(\\d+)) \\(node (\\S+), admin token in (\\S+)\\)(?:; .*)?");

  /** The log (stderr) of each process, kept to look for blocked event loops. */
  private static final Map<Process, StringBuffer> LOGS = new ConcurrentHashMap<>();

  /** When each process's log was read to its end (the process closed stderr: it exited). */
  private static final Map<Process, CompletableFuture<Void>> LOG_ENDS = new ConcurrentHashMap<>();

  /** The contract proxies {@link #adminClient} put in front of processes. */
  private static final Map<Process, ContractProxy> PROXIES = new ConcurrentHashMap<>();

  /**
   * A test's runed lives seconds and mostly waits: the quick JIT tier alone and the serial
   * collector spend a third less CPU on its start than C2's compiler threads and G1, on a
   * machine whose cores the test forks keep busy. Options a test passes come after these.
   */
  static final String TEST_JAVA_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

  private RunedProcess() {}

  /**
   * Starts bin/runed with HOME at {@code home}.
   *
   * @param listenEnv RUNE_LISTEN, or null
   * @param javaOptions extra JVM options (system properties such as failpoints), or ""
   */
  public static Process start(Path home, List<String> args, String listenEnv, String javaOptions) throws IOException {
    return startWithEnv(home, args, listenEnv == null ? Map.of() : Map.of("RUNE_LISTEN", listenEnv), javaOptions);
  }

  /**
   * Starts bin/runed with HOME at {@code home} and {@code env} added to an environment
   * cleared of the RUNE_* variables a developer's shell may set (RUNE_EXTRA_CLASSPATH, say).
   */
  public static Process startWithEnv(Path home, List<String> args, Map<String, String> env, String javaOptions)
      throws IOException {
    List<String> command = new ArrayList<>(List.of("bin/runed"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(Path.of("").toAbsolutePath().toFile());
    builder.environment().put("HOME", home.toString());
    builder.environment().put("RUNE_JAVA_OPTS", (TEST_JAVA_OPTIONS + " -Duser.home=" + home + " " + javaOptions).trim());
    builder.environment().remove("RUNE_LISTEN");
    builder.environment().remove("RUNE_DATA_DIR");
    builder.environment().remove("RUNE_STORE_URL");
    builder.environment().remove("RUNE_EXTRA_CLASSPATH");
    builder.environment().putAll(env);
    return builder.start();
  }

  /** Reads stdout until the ready line (60 s at most); the log (stderr) is kept for {@link #log}. */
  public static Matcher awaitReady(Process runed) throws Exception {
    Matcher matcher = awaitLine(runed, READY);
    if (matcher == null) {
      awaitLogEnd(runed, 5);
    }
    assertThat(matcher).as("runed printed its ready line (%s); its log:%n%s",
        runed.isAlive() ? "still running" : "exited with " + runed.exitValue(), log(runed)).isNotNull();
    return matcher;
  }

  /**
   * Reads stdout until a line matches {@code wanted} (60 s at most), keeping what it prints and
   * draining stderr into {@link #log}; null when the process ended without printing it.
   */
  public static Matcher awaitLine(Process process, Pattern wanted) throws Exception {
    StringBuffer log = LOGS.computeIfAbsent(process, p -> new StringBuffer());
    CompletableFuture<Matcher> found = CompletableFuture.supplyAsync(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          // What it prints before it is ready (why it refuses to start) belongs in its log too.
          log.append(line).append('\n');
          Matcher matcher = wanted.matcher(line);
          if (matcher.matches()) {
            return matcher;
          }
        }
        return null;
      } catch (IOException e) {
        return null;
      }
    });
    LOG_ENDS.put(process, CompletableFuture.runAsync(() -> drain(process)));
    return found.get(60, TimeUnit.SECONDS);
  }

  /**
   * Waits for the ready line of a dev-mode runed whose HOME is {@code home} and gives a
   * client with the admin token it wrote there, through a contract check ({@link #checkedBaseUrl}).
   */
  public static Http adminClient(Path home, Process runed) throws Exception {
    Matcher ready = awaitReady(runed);
    return new Http(checkedBaseUrl(runed, ready), java.nio.file.Files.readString(home.resolve(".rune/admin.token")).trim());
  }

  /**
   * The base URL of a runed that printed its {@code ready} line, through a {@link ContractProxy}
   * that checks its exchanges against openapi.yaml until {@link #stop} (or the end of the JVM).
   */
  public static String checkedBaseUrl(Process runed, Matcher ready) {
    ContractProxy proxy = ContractProxy.start(0, Integer.parseInt(ready.group(2)));
    ContractProxy earlier = PROXIES.put(runed, proxy);
    if (earlier != null) {
      earlier.close();
    }
    return "http://127.0.0.1:" + proxy.port();
  }

  public static String log(Process runed) {
    return LOGS.getOrDefault(runed, new StringBuffer()).toString();
  }

  /** Waits up to {@code seconds} for the log of a process that is exiting to be read to its end. */
  public static void awaitLogEnd(Process runed, long seconds) {
    CompletableFuture<Void> end = LOG_ENDS.get(runed);
    if (end != null) {
      try {
        end.get(seconds, TimeUnit.SECONDS);
      } catch (Exception e) {
        // still running, or the reader failed: the log so far is what there is
      }
    }
  }

  /** SIGTERM, a minute to finish, then SIGKILL if it has not. */
  public static void stop(Process runed) throws InterruptedException {
    ContractProxy proxy = PROXIES.remove(runed);
    if (proxy != null) {
      proxy.close();
    }
    runed.destroy();
    runed.waitFor(60, TimeUnit.SECONDS);
    runed.destroyForcibly();
  }

  /** A port for a server of another process: see {@link FreePorts}. */
  public static int freePort() throws IOException {
    return FreePorts.next();
  }

  private static void drain(Process runed) {
    StringBuffer log = LOGS.computeIfAbsent(runed, p -> new StringBuffer());
    try (BufferedReader err = new BufferedReader(new InputStreamReader(runed.getErrorStream(), StandardCharsets.UTF_8))) {
      for (String line = err.readLine(); line != null; line = err.readLine()) {
        log.append(line).append('\n');
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }
}
