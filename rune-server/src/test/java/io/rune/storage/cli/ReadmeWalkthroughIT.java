package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The README's CLI walkthrough, run as written: each {@code $} line of the block after the
 * walkthrough marker goes to bash from the project directory (so {@code bin/rune} is the
 * real launcher), against a real server, and what it prints is compared with the lines
 * the README shows under it. Ages are masked; for {@code --wait} commands the README's
 * lines must appear in order among the progress lines, which depend on timing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class ReadmeWalkthroughIT {
  static final String MARKER = "<!-- walkthrough: run by ReadmeWalkthroughIT -->";
  private static final Pattern EXIT_STATUS = Pattern.compile("#\\s*exit status (\\d+)\\s*$");
  private static final Pattern AGE = Pattern.compile("\\b\\d+[smhdy]\\b");

  private TestServer server;
  private Path home;

  @BeforeAll
  void start() {
    server = TestServer.external("readme");
    home = TestServer.tempDir("readme-home");
  }

  @AfterAll
  void stop() {
    server.close();
    TestServer.deleteTree(home);
  }

  /** One {@code $} line of the block and the lines the README shows it printing. */
  public record Step(String command, List<String> shown, int exitStatus) {}

  @Test
  void everyCommandOfTheReadmeWalkthroughPrintsWhatTheReadmeShows() throws Exception {
    List<Step> steps = steps(Files.readString(Path.of("README.md")));
    assertThat(steps).as("the walkthrough's commands").hasSizeGreaterThanOrEqualTo(8);
    for (Step step : steps) {
      ProcessBuilder builder = new ProcessBuilder("bash", "-c", step.command()).redirectErrorStream(true);
      builder.environment().keySet().removeIf(name -> name.startsWith("RUNE_"));
      // The test server instead of a dev-mode one; a home of its own, so no ~/.rune of the machine counts.
      builder.environment().putAll(Map.of("RUNE_SERVER", server.baseUrl(), "RUNE_TOKEN", server.adminToken(),
          "RUNE_JAVA_OPTS", "-Duser.home=" + home));
      Process bash = builder.start();
      bash.getOutputStream().close();
      String printed = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(bash.waitFor(120, TimeUnit.SECONDS)).as("%s finished", step.command()).isTrue();
      assertThat(bash.exitValue()).as("exit status of %s; it printed:%n%s", step.command(), printed)
          .isEqualTo(step.exitStatus());
      List<String> actual = printed.lines().map(ReadmeWalkthroughIT::normalized).toList();
      List<String> shown = step.shown().stream().map(ReadmeWalkthroughIT::normalized).toList();
      if (step.command().contains("--wait")) {
        assertThat(actual).as("output of %s", step.command()).containsSubsequence(shown);
      } else {
        assertThat(actual).as("output of %s", step.command()).containsExactlyElementsOf(shown);
      }
    }
  }

  /** The steps of the block after the marker. */
  static List<Step> steps(String readme) {
    return steps(readme, MARKER);
  }

  /** The steps of the block after {@code mark} (another section run by a test of its own). */
  public static List<Step> steps(String readme, String mark) {
    int marker = readme.indexOf(mark);
    assertThat(marker).as("the README has the walkthrough marker").isNotNegative();
    int open = readme.indexOf("```", marker);
    int body = readme.indexOf('\n', open) + 1;
    int close = readme.indexOf("\n```", body);
    List<Step> steps = new ArrayList<>();
    String command = null;
    List<String> shown = new ArrayList<>();
    for (String line : readme.substring(body, close).split("\n")) {
      if (line.startsWith("$ ")) {
        if (command != null) {
          steps.add(step(command, shown));
        }
        command = line.substring(2);
        shown = new ArrayList<>();
      } else {
        shown.add(line);
      }
    }
    if (command != null) {
      steps.add(step(command, shown));
    }
    return steps;
  }

  private static Step step(String command, List<String> shown) {
    Matcher exit = EXIT_STATUS.matcher(command);
    return new Step(command, List.copyOf(shown), exit.find() ? Integer.parseInt(exit.group(1)) : 0);
  }

  /** Ages masked, runs of spaces made one (column widths follow the ages). */
  public static String normalized(String line) {
    return AGE.matcher(line).replaceAll("<age>").replaceAll("\\s+", " ").strip();
  }
}
