package io.rune.storage.cli;

import static io.rune.storage.cli.CliIT.cells;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.FileTrees;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.LoopFileSystem;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Snapshots of local volumes say how they were made ({@code status.method}) and how long the
 * driver took ({@code status.methodSeconds}), through the real server, on real file systems:
 * the default root (ext4 on this machine's disk: every byte copied) and a btrfs made by the
 * test (files cloned, also without any size enforcement); and the CLI shows both.
 */
class SnapshotMethodIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final long DATA = 32L << 20;

  private TestServer server;
  private LoopFileSystem btrfs;
  private Path home;

  /** The server first, then its file system (try closes in reverse order, skipping what was never made). */
  @AfterEach
  @SuppressWarnings("try") // the resources are only closed
  void stop() throws IOException {
    try (LoopFileSystem fs = btrfs; TestServer stopped = server) {
      // closed on the way out
    } finally {
      if (home != null) {
        TestServer.deleteTree(home);
      }
    }
  }

  @Test
  void onTheDefaultRootEveryByteIsCopiedAndStatusAndTheCliSaySo() throws IOException {
    server = TestServer.external("snapshot-method-copy");
    Path root = server.config().storage().localVolumeRoot();
    assertThat(LoopFileSystem.output("stat", "-f", "-c", "%T", parentThatExists(root)))
        .as("this test is about a root that cannot clone files").isEqualTo("ext2/ext3");

    Taken taken = snapshotOf(root, "plain");

    assertThat(taken.status().getString("method")).isEqualTo("copy");
    assertTimedWithin(taken);
    RuneProcess rune = cli();
    List<String> described = rune.run("snapshot", "describe", "plain", "-n", "methods").ok().lines();
    assertThat(described).anySatisfy(line -> assertThat(line).matches("Method:\\s+copy \\(\\d+\\.\\d{3} s\\)"));
    List<String> wide = rune.run("snapshot", "list", "-n", "methods", "-o", "wide").ok().lines();
    assertThat(cells(wide.get(0))).contains("METHOD");
    assertThat(cells(wide.get(1)).get(cells(wide.get(0)).indexOf("METHOD"))).isEqualTo("copy");
  }

  @Test
  void onABtrfsRootWithoutEnforcementFilesAreClonedAndStatusSaysReflink() throws IOException {
    home = TestServer.tempDir("snapshot-method-btrfs");
    btrfs = LoopFileSystem.make(home, "btrfs", 1L << 30, "");
    Path root = btrfs.mountPoint().resolve("volumes");
    // Mode none: auto would take btrfs there, whose snapshots are subvolumes (LocalSnapshotModesIT).
    server = TestServer.external("snapshot-method-reflink", new JsonObject().put("storage", new JsonObject()
        .put("localVolumeRoot", root.toString())
        .put("drivers", new JsonObject().put("local", new JsonObject().put("enforcement", "none")))));

    Taken taken = snapshotOf(root, "cloned");

    assertThat(taken.status().getString("method")).isEqualTo("reflink");
    assertTimedWithin(taken);
    Path copy = root.resolve(taken.status().getString("handle"));
    assertThat(FileTrees.fingerprint(copy)).isEqualTo(taken.fingerprint());
    // btrfs filesystem du: Total, Exclusive, Set shared. A clone owns no data blocks of its own.
    String[] usage = cells(LoopFileSystem.output("btrfs", "filesystem", "du", "-s", "--raw", copy.toString())
        .lines().toList().get(1)).toArray(String[]::new);
    assertThat(Long.parseLong(usage[0].trim())).as("data in the snapshot").isGreaterThanOrEqualTo(DATA);
    assertThat(Long.parseLong(usage[1].trim())).as("bytes only the snapshot holds: none, it shares them")
        .isZero();
  }

  /** A volume of {@code root} filled with a tree of {@link #DATA} bytes, and a snapshot of it taken. */
  private Taken snapshotOf(Path root, String name) throws IOException {
    Http admin = server.admin();
    Http.Response created = admin.post("/api/v1/namespaces/methods/volumes", new JsonObject().put("name", "src")
        .put("size", "1Gi"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonObject volume = awaitPhase(admin, "volumes", "src", "Available");
    Path data = root.resolve(volume.getString("handle"));
    FileTrees.populate(data, DATA);
    Map<String, String> fingerprint = FileTrees.fingerprint(data);

    long asked = System.nanoTime();
    Http.Response taken = admin.post("/api/v1/namespaces/methods/snapshots", new JsonObject().put("name", name)
        .put("source", new JsonObject().put("volume", "src")));
    assertThat(taken.status()).as(taken.toString()).isEqualTo(201);
    JsonObject status = awaitPhase(admin, "snapshots", name, "Ready");
    return new Taken(status, (System.nanoTime() - asked) / 1e9, fingerprint);
  }

  /** What the driver took is part of what the user waited for, and something. */
  private static void assertTimedWithin(Taken taken) {
    Object seconds = taken.status().getValue("methodSeconds");
    assertThat(seconds).as("methodSeconds is a JSON number").isInstanceOf(Number.class);
    assertThat(((Number) seconds).doubleValue()).isGreaterThan(0).isLessThanOrEqualTo(taken.postToReadySeconds());
  }

  private RuneProcess cli() {
    home = home != null ? home : TestServer.tempDir("snapshot-method-cli");
    return RuneProcess.as(home.resolve("cli"), Map.of("RUNE_SERVER", server.baseUrl(), "RUNE_TOKEN",
        server.adminToken()));
  }

  private static JsonObject awaitPhase(Http admin, String plural, String name, String phase) {
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> admin.get(
        "/api/v1/namespaces/methods/" + plural + "/" + name).json().getJsonObject("status"),
        s -> s != null && phase.equals(s.getString("phase")));
  }

  /** The nearest directory of {@code path} that exists (the root is made with the first volume). */
  private static String parentThatExists(Path path) {
    Path existing = path;
    while (!existing.toFile().isDirectory()) {
      existing = existing.getParent();
    }
    return existing.toString();
  }

  private record Taken(JsonObject status, double postToReadySeconds, Map<String, String> fingerprint) {}
}
