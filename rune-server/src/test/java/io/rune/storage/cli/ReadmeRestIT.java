package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.RunedProcess;
import io.rune.storage.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's REST examples (its section "The same through the REST API"), run as written by
 * bash and curl against bin/runed in dev mode, as a reader would after the set-up command, through
 * the contract check.
 * Each curl's HTTP status is recorded (curl writes it to stderr) and held to what the README
 * says of it: a {@code # 409} or {@code # 403} comment, a {@code # {"error"...}} line under it
 * (a 4xx), and otherwise success; a wait ({@code until curl ...}) polls uncounted. The one line
 * left out is the JDK watch client, which runs until stopped.
 */
class ReadmeRestIT {
  private static final Pattern BLOCK = Pattern.compile("```bash\n(.*?)```", Pattern.DOTALL);
  private static final Pattern STATUS_COMMENT = Pattern.compile("#\\s*(\\d{3})\\b");
  private static final String WATCH_LINE = "java conf/examples/Watch.java";

  @Test
  void everyRestExampleAnswersAsTheReadmeSays() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("## The same through the REST API");
    int end = readme.indexOf("## The rune CLI");
    assertThat(start).as("the README has its REST section").isNotNegative();
    List<String> blocks = new ArrayList<>();
    Matcher block = BLOCK.matcher(readme.substring(start, end));
    while (block.find()) {
      blocks.add(block.group(1));
    }
    assertThat(blocks).as("bash blocks of the REST section").hasSizeGreaterThan(5);

    Path home = TestServer.tempDir("readme-rest");
    int port = RunedProcess.freePort();
    Process runed = RunedProcess.start(home, List.of("--dev-mode", "--listen", "127.0.0.1:" + port), null, "");
    try {
      // Through the contract check: every answer must also be one openapi.yaml declares.
      String server = RunedProcess.checkedBaseUrl(runed, RunedProcess.awaitReady(runed));
      StringBuilder script = new StringBuilder("set -u\n"
          + "curl() { command curl -w '%{stderr}README-STATUS %{http_code}\\n' \"$@\"; }\n");
      List<Expected> expected = new ArrayList<>();
      for (String text : blocks) {
        for (String command : commands(text)) {
          if (command.contains(WATCH_LINE)) {
            continue;
          }
          String runnable = command.replace("http://127.0.0.1:7861", server);
          if (command.startsWith("until ")) {
            // A wait polls as often as it needs: its answers are not counted.
            script.append("echo README-POLL >&2\n").append(runnable).append("\necho README-POLLED >&2\n");
            continue;
          }
          if (command.contains("curl ")) {
            expected.add(Expected.of(command));
          }
          script.append(runnable).append('\n');
        }
      }
      ProcessBuilder reader = new ProcessBuilder("bash", "-c", script.toString())
          .directory(Path.of("").toAbsolutePath().toFile()).redirectOutput(home.resolve("stdout").toFile())
          .redirectError(home.resolve("stderr").toFile());
      reader.environment().put("HOME", home.toString());
      Process bash = reader.start();
      assertThat(bash.waitFor(120, TimeUnit.SECONDS)).as("the README's REST examples finish").isTrue();
      String stdout = Files.readString(home.resolve("stdout"));
      List<Integer> statuses = new ArrayList<>();
      boolean polling = false;
      for (String line : Files.readAllLines(home.resolve("stderr"))) {
        polling = line.equals("README-POLL") || (polling && !line.equals("README-POLLED"));
        if (!polling && line.startsWith("README-STATUS ")) {
          statuses.add(Integer.parseInt(line.substring("README-STATUS ".length())));
        }
      }
      assertThat(statuses).as("one status per curl; stdout:%n%s", stdout).hasSize(expected.size());
      for (int i = 0; i < expected.size(); i++) {
        Expected want = expected.get(i);
        assertThat(want.matches(statuses.get(i)))
            .as("README: %s%nanswered %d, expected %s; stdout:%n%s", want.command(), statuses.get(i), want, stdout)
            .isTrue();
      }
    } finally {
      RunedProcess.stop(runed);
    }
  }

  /** The block's commands: lines joined where one ends with a backslash or leaves a quote open, comments dropped. */
  private static List<String> commands(String block) {
    List<String> commands = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : block.split("\n")) {
      if (current.isEmpty() && (line.isBlank() || line.trim().startsWith("#"))) {
        if (!commands.isEmpty() && line.trim().startsWith("# {\"error\"")) {
          int last = commands.size() - 1;
          commands.set(last, commands.get(last) + "\n" + line.trim());
        }
        continue;
      }
      current.append(current.isEmpty() ? "" : "\n").append(line);
      if (!line.endsWith("\\") && balancedQuotes(current)) {
        commands.add(current.toString());
        current.setLength(0);
      }
    }
    return commands;
  }

  private static boolean balancedQuotes(CharSequence text) {
    int single = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\'') {
        single++;
      }
    }
    return single % 2 == 0;
  }

  /** What the README says a curl answers: one status, any 4xx (an error shown under it), or success. */
  private record Expected(String command, int status) {
    static Expected of(String command) {
      Matcher comment = STATUS_COMMENT.matcher(command.substring(Math.max(0, command.lastIndexOf('#'))));
      if (command.contains("#") && comment.find()) {
        return new Expected(command, Integer.parseInt(comment.group(1)));
      }
      return new Expected(command, command.contains("# {\"error\"") ? 400 : 200);
    }

    boolean matches(int answered) {
      return status == 200 || status == 400 ? answered / 100 == status / 100 : answered == status;
    }

    @Override
    public String toString() {
      return status == 200 ? "2xx" : status == 400 ? "4xx" : Integer.toString(status);
    }
  }
}
