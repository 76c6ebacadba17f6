package io.rune.storage.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.cli.ReadmeWalkthroughIT;
import io.rune.storage.cli.ReadmeWalkthroughIT.Step;
import io.rune.storage.testing.RunedProcess;
import io.rune.storage.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's "Run three nodes on one machine", run as written: each {@code $} line of the
 * block after the marker goes to bash from the project directory, with HOME (so
 * {@code ~/rune-cluster}) in a temporary directory and every port of the section (5432,
 * 8081-8083, 5701-5703, 5801-5803) replaced by a free one, in the commands, in copies of
 * {@code conf/cluster/*.toml} and in the lines shown.
 *
 * <ul>
 *   <li>A line ending in {@code &} starts a process that runs until the end (rune-postgres,
 *       the three runed, a watch): its first shown line (a ready line, the watch's header) is
 *       awaited before the next step, and all its shown lines must have appeared, in order,
 *       by the end.
 *   <li>Any other line must print exactly what is shown (ages, watch sequence numbers and
 *       shard counts masked; with {@code --wait}, the lines shown in order among others), run again until it does, for at most a minute: a user reads
 *       the README's "within 15 s" the same way. Where it lists nodes, the Ready ones must
 *       hold all 16 shards between them and the NotReady ones none.
 *   <li>{@code export} lines are run again before each later command, as one shell would keep them.
 * </ul>
 * The time from the {@code kill -9} to the node list that shows its shards moved is measured.
 */
class ThreeNodeReadmeIT {
  static final String MARKER = "<!-- three nodes: run by ThreeNodeReadmeIT -->";
  private static final List<Integer> PORTS = List.of(5432, 8081, 8082, 8083, 5701, 5702, 5703, 5801, 5802, 5803);
  private static final Pattern PORT = Pattern.compile("\\b(5432|808[1-3]|570[1-3]|580[1-3])\\b");
  private static final Pattern SHARDS = Pattern.compile("\\b\\d+ shards?\\b");
  private static final Pattern SEQ = Pattern.compile("^\\d+ ");
  private static final Pattern NODE_ROW = Pattern.compile("^(\\S+)\\s+(Ready|NotReady)\\s.*?\\b(\\d+) shards?\\b.*");
  private static final Duration FOREGROUND_DEADLINE = Duration.ofSeconds(60);

  private final Path home = TestServer.tempDir("three-nodes-home");
  private final Path conf = TestServer.tempDir("three-nodes-conf");
  private final Map<String, String> ports = new LinkedHashMap<>();
  private final List<Background> background = new ArrayList<>();

  /** A process started by a {@code &} line, with everything it printed so far. */
  record Background(Step step, Process process, List<String> printed) {}

  @AfterEach
  void stopAll() throws InterruptedException {
    // The reverse of their start: the nodes and the watch before the database.
    for (int i = background.size() - 1; i >= 0; i--) {
      RunedProcess.stop(background.get(i).process());
    }
  }

  @Test
  void everyCommandOfTheThreeNodeSectionRunsAndPrintsWhatTheReadmeShows() throws Exception {
    for (int port : PORTS) {
      ports.put(String.valueOf(port), String.valueOf(RunedProcess.freePort()));
    }
    try (var files = Files.list(Path.of("conf/cluster"))) {
      for (Path file : files.toList()) {
        Files.writeString(conf.resolve(file.getFileName()), withPorts(Files.readString(file)));
      }
    }
    List<Step> steps = ReadmeWalkthroughIT.steps(Files.readString(Path.of("README.md")), MARKER);
    assertThat(steps).as("the section's commands").hasSizeGreaterThanOrEqualTo(10);
    List<String> exports = new ArrayList<>();
    long killedAt = 0;
    Duration failover = null;
    for (Step step : steps) {
      String command = command(step.command());
      List<String> shown = step.shown().stream().map(this::shownHere).toList();
      if (command.endsWith("&")) {
        startInBackground(step, prelude(exports) + "exec " + command.substring(0, command.length() - 1).trim(), shown);
        continue;
      }
      Printed matched = runUntilItPrints(prelude(exports) + command, shown, step.exitStatus());
      if (step.command().startsWith("kill -9")) {
        killedAt = System.nanoTime();
      } else if (killedAt != 0 && failover == null && matched.text().contains("NotReady")) {
        failover = Duration.ofNanos(matched.startedAt() - killedAt);
      }
      if (step.command().startsWith("export ")) {
        exports.add(command);
      }
    }
    for (Background running : background) {
      List<String> shown = running.step().shown().stream().map(this::shownHere).map(ThreeNodeReadmeIT::normalized)
          .toList();
      assertThat(running.printed().stream().map(ThreeNodeReadmeIT::normalized).toList())
          .as("what %s printed", running.step().command()).containsSubsequence(shown);
    }
    assertThat(failover).as("a node list after the kill showed the shards moved").isNotNull();
    System.out.println("ThreeNodeReadmeIT: the killed node's shards were seen moved by a node list started "
        + failover.toMillis() + " ms after the kill");
    assertThat(failover).as("kill -9 to its shards seen with the others").isLessThanOrEqualTo(Duration.ofSeconds(17));
  }

  /** Starts the command; waits for its first shown line (60 s at most), keeps reading the rest. */
  private void startInBackground(Step step, String script, List<String> shown) throws Exception {
    ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
    environment(builder);
    Process process = builder.start();
    process.getOutputStream().close();
    List<String> printed = new CopyOnWriteArrayList<>();
    background.add(new Background(step, process, printed));
    CompletableFuture.runAsync(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          printed.add(line);
        }
      } catch (IOException ignored) {
        // the process ended
      }
    });
    if (!shown.isEmpty()) {
      String first = normalized(shown.get(0));
      await(step.command() + " printed " + shown.get(0)).atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .failFast("it exited; it printed: " + printed, () -> !process.isAlive())
          .until(() -> printed.stream().map(ThreeNodeReadmeIT::normalized).anyMatch(first::equals));
    }
  }

  /** What a command printed, and when (System.nanoTime) the run that printed it started. */
  record Printed(String text, long startedAt) {}

  /** Runs the command until it prints what is shown with the exit status shown. */
  private Printed runUntilItPrints(String script, List<String> shown, int exitStatus) {
    List<String> expected = shown.stream().map(ThreeNodeReadmeIT::normalized).toList();
    AtomicReference<Printed> last = new AtomicReference<>(new Printed("(nothing yet)", 0));
    try {
      await().atMost(FOREGROUND_DEADLINE).pollDelay(Duration.ZERO).pollInterval(Duration.ofSeconds(1))
          .until(() -> {
            long startedAt = System.nanoTime();
            ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).redirectErrorStream(true);
            environment(builder);
            Process bash = builder.start();
            bash.getOutputStream().close();
            String printed = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(bash.waitFor(120, TimeUnit.SECONDS)).as("%s finished", script).isTrue();
            last.set(new Printed(printed + "(exit status " + bash.exitValue() + ")", startedAt));
            List<String> actual = printed.lines().map(ThreeNodeReadmeIT::normalized).toList();
            // As in the walkthrough: --wait prints progress lines that depend on timing.
          boolean asShown = script.contains("--wait") ? containsInOrder(actual, expected) : actual.equals(expected);
          return bash.exitValue() == exitStatus && asShown && shardsAccountedFor(printed);
          });
    } catch (ConditionTimeoutException e) {
      throw new AssertionError(script + " did not print, within " + FOREGROUND_DEADLINE.toSeconds() + " s, what the"
          + " README shows (exit status " + exitStatus + "):\n" + String.join("\n", shown) + "\nlast time it printed:\n"
          + last.get().text(), e);
    }
    return last.get();
  }

  private static boolean containsInOrder(List<String> actual, List<String> expected) {
    int next = 0;
    for (String line : actual) {
      if (next < expected.size() && line.equals(expected.get(next))) {
        next++;
      }
    }
    return next == expected.size();
  }

  /** A node list: the Ready nodes hold the 16 shards between them, the NotReady ones none. */
  private static boolean shardsAccountedFor(String printed) {
    int ready = 0;
    for (String line : printed.lines().toList()) {
      Matcher row = NODE_ROW.matcher(line);
      if (row.matches()) {
        int held = Integer.parseInt(row.group(3));
        if (row.group(2).equals("NotReady") && held != 0) {
          return false;
        }
        ready += row.group(2).equals("Ready") ? held : 0;
      }
    }
    return ready == 0 && !printed.contains("shard") || ready == 16;
  }

  private void environment(ProcessBuilder builder) {
    builder.directory(Path.of("").toAbsolutePath().toFile());
    builder.environment().keySet().removeIf(name -> name.startsWith("RUNE_"));
    builder.environment().put("HOME", home.toString());
    // Java takes its user.home from the password database, not HOME: the runefiles' "~/" and the CLI's follow this.
    builder.environment().put("RUNE_JAVA_OPTS", "-Duser.home=" + home);
  }

  private static String prelude(List<String> exports) {
    return exports.isEmpty() ? "" : String.join(" && ", exports) + " && ";
  }

  /** The README's command here: free ports, the copied runefiles, the database's port given. */
  private String command(String readme) {
    String command = withPorts(readme).replace("conf/cluster/", conf + "/");
    return command.replaceFirst("^bin/rune-postgres ", "bin/rune-postgres --port " + ports.get("5432") + " ");
  }

  /** A line the README shows, as it prints here: this HOME, these ports. */
  private String shownHere(String line) {
    return withPorts(line.replace("/home/me", home.toString()));
  }

  private String withPorts(String text) {
    return PORT.matcher(text).replaceAll(m -> ports.getOrDefault(m.group(1), m.group(1)));
  }

  /** As the walkthrough's, with watch sequence numbers and shard counts masked too. */
  private static String normalized(String line) {
    String masked = SHARDS.matcher(ReadmeWalkthroughIT.normalized(line)).replaceAll("<n> shards");
    return SEQ.matcher(masked).replaceFirst("<seq> ");
  }
}
