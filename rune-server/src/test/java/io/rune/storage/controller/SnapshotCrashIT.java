package io.rune.storage.controller;

import static io.rune.storage.testing.RunedProcess.freePort;
import static io.rune.storage.testing.RunedProcess.stop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.FileTrees;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.RunedProcess;
import io.rune.storage.testing.SteppedCopy;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * A real runed killed in the middle of a snapshot copy: the snapshot is not Ready, the next
 * start removes the partial copy, and the retried copy is whole; the copy's own process dies
 * with the server.
 */
class SnapshotCrashIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  /** How soon after the kill a cp must be gone: the kernel kills it at once. */
  private static final Duration CP_DIES_WITHIN = Duration.ofSeconds(5);

  @Test
  void aSnapshotInterruptedByAKillIsNeverReadyFromAPartialCopy() throws Exception {
    Path home = TestServer.tempDir("snapshot-crash");
    Path volumes = home.resolve(".rune/local-volumes");
    List<String> args = List.of("--dev-mode", "--listen", "127.0.0.1:" + freePort());

    Process first = RunedProcess.start(home, args, null, "-Drune.failpoints=" + Failpoints.DURING_SNAPSHOT_COPY);
    Map<String, String> original;
    try {
      Http http = RunedProcess.adminClient(home, first);
      original = snapshotOfAFullVolume(http, volumes, 1536L << 20);
      assertThat(first.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("runed halted mid-copy").isTrue();
      assertThat(RunedProcess.log(first)).contains("Failpoint " + Failpoints.DURING_SNAPSHOT_COPY + " reached");
    } finally {
      first.destroyForcibly();
      first.waitFor(60, TimeUnit.SECONDS);
    }
    assertThat(partials(volumes)).as("the kill left a partial copy behind").isNotEmpty();
    assertThat(finished(volumes)).as("and no finished one").isEmpty();

    Process second = RunedProcess.start(home, args, null, "");
    try {
      Http http = RunedProcess.adminClient(home, second);
      JsonObject status = http.get("/api/v1/namespaces/db/snapshots/snap").json().getJsonObject("status");
      assertThat(status.getString("phase")).as("not Ready on a partial copy").isNotEqualTo("Ready");
      JsonObject ready = await().atMost(WAIT).until(() -> http.get("/api/v1/namespaces/db/snapshots/snap").json()
          .getJsonObject("status"), s -> "Ready".equals(s.getString("phase")) || "Failed".equals(s.getString("phase")));
      assertThat(ready.getString("phase")).as(ready.encode()).isEqualTo("Ready");
      assertThat(FileTrees.fingerprint(volumes.resolve(ready.getString("handle")))).isEqualTo(original);
      assertThat(partials(volumes)).as("no partial copy is left").isEmpty();
    } finally {
      stop(second);
      TestServer.deleteTree(home);
    }

  }

  /**
   * A real runed killed with SIGKILL while its cp copies a snapshot: the cp must die with it
   * (not go on writing into its partial copy), and after a restart the snapshot is Ready with
   * the whole volume, never Failed on a leftover of the killed attempt.
   *
   * <p>The copy is made long by stopping the cp (SIGSTOP) before the kill: a copy of any
   * length, whatever the disk's speed. Were it left running (as on a server without the fix),
   * it is continued (SIGCONT) before the restart, so that it writes on while the retry runs,
   * as a long copy would.
   */
  @Test
  void aCopyDiesWithAKilledServerAndTheRetryIsReady() throws Exception {
    Path home = TestServer.tempDir("snapshot-orphan");
    Path volumes = home.resolve(".rune/local-volumes");
    List<String> args = List.of("--dev-mode", "--listen", "127.0.0.1:" + freePort());
    SoftAssertions softly = new SoftAssertions();
    List<ProcessHandle> survivors = new ArrayList<>();
    Process first = RunedProcess.start(home, args, null, "");
    Map<String, String> original;
    try {
      Http http = RunedProcess.adminClient(home, first);
      original = snapshotOfAFullVolume(http, volumes, 768L << 20);

      ProcessHandle cp = await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
          .until(() -> SteppedCopy.copyOf(first.toHandle()), found -> found != null);
      SteppedCopy.signal("STOP", cp);
      first.destroyForcibly(); // SIGKILL: bin/runed execs java, so this is the JVM itself
      assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
      try {
        await().atMost(CP_DIES_WITHIN).until(() -> !running(cp));
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        survivors.add(cp);
      }
      softly.assertThat(survivors).as("the cp of the killed server still runs %s after the kill", CP_DIES_WITHIN)
          .isEmpty();
      for (ProcessHandle survivor : survivors) {
        SteppedCopy.signal("CONT", survivor);
      }
    } finally {
      first.destroyForcibly();
      first.waitFor(60, TimeUnit.SECONDS);
    }

    Process second = RunedProcess.start(home, args, null, "");
    try {
      Http http = RunedProcess.adminClient(home, second);
      JsonObject done = await().atMost(WAIT).until(() -> http.get("/api/v1/namespaces/db/snapshots/snap").json()
          .getJsonObject("status"), s -> "Ready".equals(s.getString("phase")) || "Failed".equals(s.getString("phase")));
      softly.assertThat(done.getString("phase")).as(done.encode()).isEqualTo("Ready");
      softly.assertThat(done.getInteger("attempts")).as("the attempt the kill cut short is the only one: "
          + done.encode()).isEqualTo(1);
      if ("Ready".equals(done.getString("phase"))) {
        softly.assertThat(FileTrees.fingerprint(volumes.resolve(done.getString("handle")))).isEqualTo(original);
      }
      softly.assertThat(RunedProcess.log(second)).doesNotContain("DirectoryNotEmptyException");
      softly.assertThat(partials(volumes)).as("no partial copy is left").isEmpty();
    } finally {
      survivors.forEach(ProcessHandle::destroyForcibly);
      stop(second);
      TestServer.deleteTree(home);
    }
    softly.assertAll();
  }

  /** Alive and not a zombie (an orphan's reaper may be slow to reap it). */
  private static boolean running(ProcessHandle process) throws IOException {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return process.isAlive() && state != 'Z' && state != 'X';
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /**
   * Makes volume db/data, fills it with a file of {@code bytes} and more, and asks for its
   * snapshot db/snap; returns the volume's fingerprint.
   */
  private static Map<String, String> snapshotOfAFullVolume(Http http, Path volumes, long bytes) throws Exception {
    assertThat(http.post("/api/v1/namespaces/db/volumes", new JsonObject().put("name", "data").put("size", "4Gi"))
        .status()).isEqualTo(201);
    String handle = await().atMost(WAIT).until(() -> http.get("/api/v1/namespaces/db/volumes/data").json()
        .getJsonObject("status"), s -> "Available".equals(s.getString("phase"))).getString("handle");
    Path data = volumes.resolve(handle);
    FileTrees.populate(data, bytes);
    Map<String, String> original = FileTrees.fingerprint(data);
    assertThat(http.post("/api/v1/namespaces/db/snapshots", new JsonObject().put("name", "snap")
        .put("source", new JsonObject().put("volume", "data"))).status()).isEqualTo(201);
    return original;
  }

  private static List<Path> partials(Path volumes) throws java.io.IOException {
    return entries(volumes.resolve(".snapshots/db")).stream()
        .filter(p -> p.getFileName().toString().endsWith(".partial")).toList();
  }

  private static List<Path> finished(Path volumes) throws java.io.IOException {
    return entries(volumes.resolve(".snapshots/db")).stream()
        .filter(p -> !p.getFileName().toString().endsWith(".partial")).toList();
  }

  private static List<Path> entries(Path dir) throws java.io.IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> list = Files.list(dir)) {
      return list.toList();
    }
  }
}
