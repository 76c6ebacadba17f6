package io.rune.storage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.drivers.FaultyDriverProvider;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** rune watch, --wait (its progress, failures and time limit) and shell completion, as a user runs them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CliWatchIT {
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final Duration LINE = Duration.ofSeconds(30);
  private static final JsonObject RUNEFILE = new JsonObject()
      .put("controller", new JsonObject().put("initialBackoff", "200ms").put("maxBackoff", "1s")
          .put("resyncInterval", "500ms"))
      .put("drivers", new JsonObject().put("breakerMaxFailures", 1000));

  private TestServer server;
  private Http admin;
  private RuneProcess rune;
  private Path home;

  @BeforeAll
  void start() {
    server = TestServer.external("cli-watch", RUNEFILE);
    admin = server.admin();
    home = TestServer.tempDir("cli-watch-home");
    rune = RuneProcess.as(home, Map.of("RUNE_SERVER", server.baseUrl(), "RUNE_TOKEN", server.adminToken()));
    assertThat(admin.post("/api/v1/storageclasses", new JsonObject().put("name", "slow-copy")
        .put("driver", FaultyDriverProvider.NAME).put("parameters", new JsonObject().put("copySeconds", "2")))
        .status()).isEqualTo(201);
    for (String failWith : List.of("PERMANENT", "TRANSIENT")) {
      assertThat(admin.post("/api/v1/storageclasses", new JsonObject().put("name", "fails-" + failWith.toLowerCase())
          .put("driver", FaultyDriverProvider.NAME).put("reclaimPolicy", "delete")
          .put("parameters", new JsonObject().put("failFirst", "always").put("failWith", failWith))).status())
          .isEqualTo(201);
    }
  }

  @AfterAll
  void stop() {
    server.close();
    TestServer.deleteTree(home);
  }

  @Test
  void watchShowsEachChangeOfItsNamespaceAndKindsAsALine() {
    String ns = newNamespace();
    String elsewhere = newNamespace();
    try (RuneProcess.Running watch = rune.start("watch", "volumes", "-n", ns)) {
      assertThat(watch.awaitLine(line -> line.startsWith("SEQ"), LINE)).matches("SEQ\\s+EVENT\\s+OBJECT\\s+PHASE");
      createVolume(elsewhere, "not-shown", "fails-permanent");
      createVolume(ns, "shown", null);
      assertThat(watch.awaitLine(line -> line.contains("volume/shown"), LINE))
          .matches("\\d+\\s+ADDED\\s+volume/shown\\s+Pending");
      watch.awaitLine(line -> line.matches("\\d+\\s+MODIFIED\\s+volume/shown\\s+Available"), LINE);
      assertThat(admin.delete(volumes(ns) + "/shown").status()).isEqualTo(200);
      watch.awaitLine(line -> line.matches("\\d+\\s+DELETED\\s+volume/shown\\s+Deleting"), LINE);
      assertThat(watch.seen()).noneMatch(line -> line.contains("not-shown"));
      List<Long> seqs = watch.seen().stream().skip(1).map(line -> Long.parseLong(line.split("\\s+")[0])).toList();
      assertThat(seqs).isSorted().doesNotHaveDuplicates();
    }
  }

  @Test
  void watchReplaysFromASequenceAsJsonFramesThatParseBack() {
    String ns = newNamespace();
    long before = Long.parseLong(admin.get(volumes(ns)).json().getString("resourceVersion"));
    createVolume(ns, "old", null);
    await().atMost(LINE).until(() -> "Available".equals(phase(ns, "old")));
    try (RuneProcess.Running watch = rune.start("watch", "vol", "snap", "-A", "--since", Long.toString(before),
        "-o", "json")) {
      String added = watch.awaitLine(line -> line.contains("\"ADDED\""), LINE);
      JsonObject frame = new JsonObject(added);
      assertThat(frame.getString("kind")).isEqualTo("Volume");
      assertThat(frame.getJsonObject("object").getString("name")).isEqualTo("old");
      assertThat(frame.getLong("seq")).isGreaterThan(before);
      String available = watch.awaitLine(line -> line.contains("\"Available\""), LINE);
      JsonObject current = admin.get(volumes(ns) + "/old").json();
      assertThat(new JsonObject(available).getJsonObject("object")).isEqualTo(current);
    }
  }

  @Test
  void watchRefusalsAreErrorsWithTheServersWordsOrUsageErrors() {
    RuneProcess.Result unknownKind = rune.run("watch", "buckets");
    assertThat(unknownKind.exit()).isEqualTo(2);
    assertThat(unknownKind.stderr()).startsWith("error: unknown kind 'buckets'; use volumes, snapshots, services"
        + ", storageclasses or secrets\n").contains("Usage: rune watch");

    String readonly = rune.run("token", "create", "--role", "readonly", "-n", "only-this").ok().stdout().trim();
    RuneProcess.Result forbidden = rune.run("watch", "volumes", "-n", "another", "--token", readonly);
    assertThat(forbidden.exit()).isEqualTo(1);
    assertThat(forbidden.stdout()).isEmpty();
    assertThat(forbidden.stderr()).startsWith("error: ").contains("another");

    RuneProcess.Result compacted = rune.run("watch", "--since", "-1");
    assertThat(compacted.exit()).isEqualTo(1);
    assertThat(compacted.stderr()).isEqualTo("error: sinceSeq cannot be negative (field: sinceSeq)\n");

    long head = Long.parseLong(admin.get("/api/v1/storageclasses?limit=1").json().getString("resourceVersion"));
    RuneProcess.Result ahead = rune.run("watch", "--since", Long.toString(head + 1000));
    assertThat(ahead.exit()).isEqualTo(1);
    assertThat(ahead.stdout()).isEmpty();
    assertThat(ahead.stderr()).startsWith("error: sinceSeq " + (head + 1000) + " is ahead")
        .containsPattern("latest sequence is \\d+").contains("without --since");
  }

  @Test
  void aWatchWhoseTokenIsDeletedEndsInsteadOfReconnecting() {
    JsonObject token = admin.post("/api/v1/tokens", new JsonObject().put("role", "readonly")).json();
    try (RuneProcess.Running watch = rune.start("watch", "volumes", "-A", "--token", token.getString("token"))) {
      watch.awaitLine(line -> line.startsWith("SEQ"), LINE);
      assertThat(admin.delete("/api/v1/tokens/" + token.getString("id")).status()).isEqualTo(204);
      await().atMost(Duration.ofSeconds(10)).until(() -> !watch.isAlive());
    }
  }

  @Test
  void waitOnASnapshotFollowsItToReadyAndPrintsTheReadyObject() throws IOException {
    String ns = newNamespace();
    createVolume(ns, "big", null);
    await().atMost(LINE).until(() -> "Available".equals(phase(ns, "big")));
    writeRandomFile(volumeDir(ns, "big").resolve("blob"), 256L << 20);

    RuneProcess.Result lines = rune.run("snapshot", "create", "big", "--name", "s1", "-n", ns, "--wait").ok();
    assertThat(lines.lines()).startsWith("snapshot/s1 created").endsWith("snapshot/s1 Ready");
    assertThat(lines.lines()).containsSubsequence("snapshot/s1 Creating", "snapshot/s1 Ready");
    assertThat(lines.stderr()).isEmpty();
    List<Integer> percents = new ArrayList<>();
    Pattern progress = Pattern.compile("snapshot/s1 Creating (\\d+)% \\(([0-9.]+\\w*) of 256Mi\\)");
    for (String line : lines.lines()) {
      Matcher m = progress.matcher(line);
      if (m.matches()) {
        percents.add(Integer.parseInt(m.group(1)));
      } else {
        assertThat(line).matches("snapshot/s1 (created|Pending|Creating|Ready)");
      }
    }
    assertThat(percents).isSorted();

    RuneProcess.Result json = rune.run("snap", "create", "big", "--name", "s2", "-n", ns, "--wait", "-o", "json")
        .ok();
    assertThat(json.json()).isEqualTo(admin.get("/api/v1/namespaces/" + ns + "/snapshots/s2").json());
    assertThat(json.json().getJsonObject("status").getString("phase")).isEqualTo("Ready");
    assertThat(json.stderr()).contains("snapshot/s2 Ready");

    assertThat(rune.run("snap", "delete", "s2", "-n", ns, "--wait").ok().lines())
        .containsSubsequence("snapshot/s2 marked for deletion", "snapshot/s2 deleted");
    assertThat(admin.get("/api/v1/namespaces/" + ns + "/snapshots/s2").status()).isEqualTo(404);
  }

  @Test
  void aSlowCopyShowsItsProgressAsLinesWhenPipedAndAsABarOnATerminal() throws Exception {
    String ns = newNamespace();
    createVolume(ns, "slow", "slow-copy");
    await().atMost(LINE).until(() -> "Available".equals(phase(ns, "slow")));

    List<String> lines = rune.run("snap", "create", "slow", "--name", "piped", "-n", ns, "--wait").ok().lines();
    List<String> progress = lines.stream().filter(line -> line.matches("snapshot/piped Creating \\d+% \\(.* of 1Gi\\)"))
        .toList();
    assertThat(progress).as("%s", lines).isNotEmpty();
    assertThat(lines).noneMatch(line -> line.contains("\r") || line.contains("#"));
    assertThat(lines.get(lines.size() - 1)).isEqualTo("snapshot/piped Ready");

    Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script gives a terminal");
    List<String> command = rune.command("snap", "create", "slow", "--name", "on-a-tty", "-n", ns, "--wait");
    ProcessBuilder builder = new ProcessBuilder("/usr/bin/script", "-qec",
        command.stream().map(arg -> "'" + arg + "'").collect(Collectors.joining(" ")), "/dev/null")
        .redirectErrorStream(true);
    rune.environment(builder.environment());
    Process tty = builder.start();
    tty.getOutputStream().close();
    String drawn = new String(tty.getInputStream().readAllBytes());
    assertThat(tty.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(tty.exitValue()).as(drawn).isZero();
    assertThat(drawn).as(drawn).containsPattern("\rsnapshot/on-a-tty Creating \\[#*-*\\] \\d+% [0-9.]+\\w* ?/1Gi")
        .contains("snapshot/on-a-tty Ready");
  }

  @Test
  void waitEndsWithExit1AndTheReasonWhenTheObjectFails() throws IOException {
    String ns = newNamespace();
    Path file = home.resolve(ns + ".yaml");
    Files.writeString(file, "volume: {name: doomed, namespace: %s, size: 1Gi, storageClassName: fails-permanent}\n"
        .formatted(ns));
    RuneProcess.Result failed = rune.run("cast", "-f", file.toString(), "--wait");
    assertThat(failed.exit()).isEqualTo(1);
    assertThat(failed.stdout()).startsWith("volume/doomed created\n");
    JsonObject status = admin.get(volumes(ns) + "/doomed").json().getJsonObject("status");
    assertThat(status.getString("phase")).isEqualTo("Failed");
    assertThat(failed.stderr()).isEqualTo("error: volume/doomed failed: Failed (" + status.getString("reason") + "): "
        + status.getString("message") + "\n");
  }

  @Test
  void waitGivesUpAfterItsTimeoutAndSaysWhatWasLeft() throws IOException {
    String ns = newNamespace();
    Path file = home.resolve(ns + "-waiting.yaml");
    Files.writeString(file, """
        service:
          name: waiting
          namespace: %s
          scale: 1
          volumes: [{name: data, mountPath: /data, claimTemplate: {size: 1Gi, storageClassName: fails-transient}}]
        """.formatted(ns));
    RuneProcess.Result slow = rune.run("cast", "-f", file.toString(), "--wait", "--timeout", "2s");
    assertThat(slow.exit()).isEqualTo(1);
    assertThat(slow.stdout()).as(slow.toString()).isEqualTo("service/waiting created\nservice/waiting 0/1 replicas ready\n");
    assertThat(slow.stderr()).isEqualTo("error: gave up waiting after 2s: service/waiting is 0/1 replicas ready;"
        + " the server goes on with it (see: rune service get waiting -n " + ns + ")\n");

    RuneProcess.Result badTimeout = rune.run("svc", "delete", "waiting", "-n", ns, "--wait", "--timeout", "soon");
    assertThat(badTimeout.exit()).isEqualTo(2);
    assertThat(badTimeout.stderr()).contains("invalid duration \"soon\": use a whole number followed by ms, s, m, h or d");
    assertThat(admin.get("/api/v1/namespaces/" + ns + "/services/waiting").status()).isEqualTo(200);
  }

  @Test
  void bashCompletionOffersTheCommandsAndTheirFlags() throws IOException, InterruptedException {
    Path script = home.resolve("rune-completion.bash");
    Files.writeString(script, rune.run("completion", "bash").ok().stdout());
    assertThat(complete(script, "rune ", "")).contains("volume", "snapshot", "service", "watch", "cast",
        "completion");
    assertThat(complete(script, "rune volume ", "")).contains("detach", "restore", "retry-provision", "list");
    assertThat(complete(script, "rune volume detach --", "--")).contains("--force", "--namespace");
    assertThat(complete(script, "rune volume list -o ", "")).contains("json", "yaml", "wide", "name", "table");

    String zsh = rune.run("completion", "zsh").ok().stdout();
    assertThat(zsh).startsWith("autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n")
        .contains("complete -F _complete_rune");
    assertThat(rune.run("completion", "fish").exit()).isEqualTo(2);
  }

  /** What bash completes for {@code line} (ending in the word being completed, {@code current}). */
  private List<String> complete(Path script, String line, String current) throws IOException, InterruptedException {
    String words = line.endsWith(" ") ? line + "''" : line;
    String program = "source " + script + "\n"
        + "COMP_LINE=\"" + line + "\"; COMP_POINT=${#COMP_LINE}\n"
        + "COMP_WORDS=(" + words + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
        + "_complete_rune rune \"" + current + "\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
        + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    Process bash = new ProcessBuilder("bash", "-c", program).redirectErrorStream(true).start();
    String out = new String(bash.getInputStream().readAllBytes());
    assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out.lines().map(String::trim).toList();
  }

  private void createVolume(String ns, String name, String storageClass) {
    JsonObject body = new JsonObject().put("name", name).put("size", "1Gi");
    if (storageClass != null) {
      body.put("storageClassName", storageClass);
    }
    Http.Response created = admin.post(volumes(ns), body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  private Path volumeDir(String ns, String name) {
    String handle = admin.get(volumes(ns) + "/" + name).json().getJsonObject("status").getString("handle");
    return server.config().storage().localVolumeRoot().resolve(handle);
  }

  private static void writeRandomFile(Path file, long size) throws IOException {
    byte[] block = new byte[1 << 20];
    Random random = new Random(7);
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long written = 0; written < size; written += block.length) {
        random.nextBytes(block);
        out.write(block);
      }
    }
  }

  private String phase(String ns, String name) {
    return admin.get(volumes(ns) + "/" + name).json().getJsonObject("status").getString("phase");
  }

  private static String newNamespace() {
    return "cliw-" + NAMES.incrementAndGet();
  }

  private static String volumes(String ns) {
    return "/api/v1/namespaces/" + ns + "/volumes";
  }
}
