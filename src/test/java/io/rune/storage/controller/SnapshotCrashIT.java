package io.rune.storage.controller;

import static io.rune.storage.testing.RunedProcess.freePort;
import static io.rune.storage.testing.RunedProcess.stop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.FileTrees;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.RunedProcess;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A real runed killed in the middle of a snapshot copy: the snapshot is not Ready, the next
 * start removes the partial copy, and the retried copy is whole.
 */
class SnapshotCrashIT {
  private static final Duration WAIT = Duration.ofSeconds(120);

  @Test
  void aSnapshotInterruptedByAKillIsNeverReadyFromAPartialCopy() throws Exception {
    Path home = TestServer.tempDir("snapshot-crash");
    Path volumes = home.resolve(".rune/local-volumes");
    List<String> args = List.of("--dev-mode", "--listen", "127.0.0.1:" + freePort());

    Process first = RunedProcess.start(home, args, null, "-Drune.failpoints=" + Failpoints.DURING_SNAPSHOT_COPY);
    Map<String, String> original;
    try {
      Http http = RunedProcess.adminClient(home, first);
      assertThat(http.post("/api/v1/namespaces/db/volumes", new JsonObject().put("name", "data").put("size", "4Gi"))
          .status()).isEqualTo(201);
      String handle = await().atMost(WAIT).until(() -> http.get("/api/v1/namespaces/db/volumes/data").json()
          .getJsonObject("status"), s -> "Available".equals(s.getString("phase"))).getString("handle");
      Path data = volumes.resolve(handle);
      FileTrees.populate(data, 1536L << 20);
      original = FileTrees.fingerprint(data);
      assertThat(http.post("/api/v1/namespaces/db/snapshots", new JsonObject().put("name", "snap")
          .put("source", new JsonObject().put("volume", "data"))).status()).isEqualTo(201);
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
