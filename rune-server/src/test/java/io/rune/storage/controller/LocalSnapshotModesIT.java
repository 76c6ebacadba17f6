package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.LoopFileSystem;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Snapshots and restores of local volumes in the enforcement modes that make them without a
 * tree copy, through the real server on a btrfs the test makes and loop-mounts: read-only
 * subvolume snapshots in mode btrfs (O(1): the 1 GiB in 20,000 files), image copies
 * taken frozen in mode loop.
 */
class LocalSnapshotModesIT {
  private static final Duration WAIT = Duration.ofSeconds(120);
  private static final int FILES = 20_000;
  private static final int FILE_BYTES = (int) ((1L << 30) / FILES);
  private static final String NS = "modes";

  private TestServer server;
  private Http admin;
  private LoopFileSystem btrfs;
  private Path root;

  /** The server first, then its file system (try closes in reverse order, skipping what was never made). */
  @AfterEach
  @SuppressWarnings("try") // the resources are only closed
  void stop() throws IOException {
    try (LoopFileSystem fs = btrfs; TestServer stopped = server) {
      // closed on the way out
    }
  }

  @Test
  void aBtrfsSnapshotOfAGibibyteInTwentyThousandFilesIsASubvolumeMadeInUnderASecondAndRestoresWithItsOwnLimit()
      throws Exception {
    start("btrfs", 6L << 30);
    Path data = root.resolve(available("src", "2Gi").getString("handle"));
    // The data's own time, not measured: 1 GiB in 20,000 files, on disk before the snapshot is asked for.
    writeFiles(data, FILES, FILE_BYTES);
    LoopFileSystem.output("sync", "-f", data.toString());

    JsonObject ready = snapshot("whole", "src");

    assertThat(ready.getString("method")).isEqualTo("subvolume");
    double seconds = ready.getDouble("methodSeconds");
    assertThat(seconds).as("the driver's time for a snapshot of 1 GiB in 20,000 files").isLessThan(1.0);
    Path copy = root.resolve(ready.getString("handle"));
    assertThat(isSubvolume(copy)).isTrue();
    assertThat(LoopFileSystem.output("btrfs", "property", "get", "-ts", copy.toString(), "ro"))
        .isEqualTo("ro=true");
    System.out.printf("btrfs snapshot of 1 GiB in %,d files: driver %.3f s, server createdAt → readyAt %.3f s%n",
        FILES, seconds, serverSeconds("snapshots", "whole"));

    // Restore: a writable subvolume with the data and a limit of its own size, not the source's.
    JsonObject restored = restore("back", "whole", "3Gi");
    Path back = root.resolve(restored.getString("handle"));
    assertThat(isSubvolume(back)).isTrue();
    assertThat(tree(back)).isEqualTo(tree(copy)).isEqualTo(new long[] {FILES, (long) FILES * FILE_BYTES});
    assertThat(Files.readAllBytes(back.resolve("d7/f7777"))).isEqualTo(Files.readAllBytes(data.resolve("d7/f7777")));
    assertThat(qgroupLimit(back)).isEqualTo(3L << 30);
    assertThat(qgroupLimit(data)).isEqualTo(2L << 30);
    Files.writeString(back.resolve("new.txt"), "written after the restore");
    assertThat(data.resolve("new.txt")).doesNotExist();

    deleteSnapshot("whole");
    assertThat(copy).doesNotExist();
  }

  @Test
  void aLoopVolumeSnapshotIsItsImageClonedWhileFrozenAndRestoresIntoALargerVolume() throws Exception {
    start("loop", 2L << 30);
    Path data = root.resolve(available("small", "64Mi").getString("handle"));
    Files.writeString(data.resolve("kept.txt"), "in the snapshot");
    writeFiles(data.resolve("tree"), 100, 100_000);

    JsonObject ready = snapshot("image", "small");

    assertThat(ready.getString("method")).isEqualTo("reflink");
    assertThat(ready.getDouble("methodSeconds")).isPositive();
    Files.writeString(data.resolve("later.txt"), "after the snapshot");

    JsonObject restored = restore("grown", "image", "128Mi");
    Path back = root.resolve(restored.getString("handle"));
    assertThat(LoopFileSystem.output("findmnt", "-n", "-o", "FSTYPE", back.toString())).isEqualTo("ext4");
    assertThat(back.resolve("kept.txt")).hasContent("in the snapshot");
    assertThat(back.resolve("later.txt")).doesNotExist();
    assertThat(back.resolve("lost+found")).as("a new loop volume has none, a restored one neither").doesNotExist();
    assertThat(tree(back.resolve("tree"))).isEqualTo(new long[] {100, 100L * 100_000});
    long total = Files.getFileStore(back).getTotalSpace();
    assertThat(total).as("the restored file system fills its 128Mi image").isGreaterThan(100L << 20)
        .isLessThanOrEqualTo(128L << 20);
    assertThat(Files.getFileStore(data).getTotalSpace()).isLessThanOrEqualTo(64L << 20);

    deleteSnapshot("image");
    for (String volume : List.of("grown", "small")) {
      assertThat(admin.delete("/api/v1/namespaces/" + NS + "/volumes/" + volume).status()).isEqualTo(200);
      await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/" + NS + "/volumes/" + volume).status() == 404);
    }
    assertThat(LoopFileSystem.mountsBelow(root)).as("mounts left below the root").isEmpty();
  }

  private void start(String enforcement, long imageBytes) throws IOException {
    Path home = TestServer.tempDir("snapshot-modes-" + enforcement);
    btrfs = LoopFileSystem.make(home, "btrfs", imageBytes, "");
    root = btrfs.mountPoint().resolve("volumes");
    server = TestServer.external("snapshot-modes-" + enforcement, new JsonObject().put("storage", new JsonObject()
        .put("localVolumeRoot", root.toString())
        .put("drivers", new JsonObject().put("local", new JsonObject().put("enforcement", enforcement)))));
    admin = server.admin();
  }

  private JsonObject available(String name, String size) {
    Http.Response created = admin.post("/api/v1/namespaces/" + NS + "/volumes", new JsonObject().put("name", name)
        .put("size", size).put("reclaimPolicy", "delete"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return awaitPhase("volumes", name, "Available");
  }

  private JsonObject snapshot(String name, String volume) {
    Http.Response taken = admin.post("/api/v1/namespaces/" + NS + "/snapshots", new JsonObject().put("name", name)
        .put("source", new JsonObject().put("volume", volume)));
    assertThat(taken.status()).as(taken.toString()).isEqualTo(201);
    return awaitPhase("snapshots", name, "Ready");
  }

  /** A volume made from {@code snapshot}, its storage removed with it. */
  private JsonObject restore(String volume, String snapshot, String size) {
    Http.Response restored = admin.post("/api/v1/namespaces/" + NS + "/volumes", new JsonObject().put("name", volume)
        .put("size", size).put("reclaimPolicy", "delete").put("source", new JsonObject().put("snapshot", snapshot)));
    assertThat(restored.status()).as(restored.toString()).isEqualTo(201);
    return awaitPhase("volumes", volume, "Available");
  }

  private void deleteSnapshot(String name) {
    assertThat(admin.delete("/api/v1/namespaces/" + NS + "/snapshots/" + name).status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/" + NS + "/snapshots/" + name).status() == 404);
  }

  private double serverSeconds(String plural, String name) {
    JsonObject object = admin.get("/api/v1/namespaces/" + NS + "/" + plural + "/" + name).json();
    return Duration.between(Instant.parse(object.getString("createdAt")),
        Instant.parse(object.getJsonObject("status").getString("readyAt"))).toNanos() / 1e9;
  }

  private JsonObject awaitPhase(String plural, String name, String phase) {
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> admin.get("/api/v1/namespaces/"
        + NS + "/" + plural + "/" + name).json().getJsonObject("status"), s -> s != null && phase.equals(
            s.getString("phase")));
  }

  /** {@code count} files of {@code bytes} pseudo-random bytes, 1,000 to a directory d0, d1, … */
  private static void writeFiles(Path dir, int count, int bytes) throws IOException {
    Random random = new Random(count);
    byte[] content = new byte[bytes];
    for (int i = 0; i < count; i++) {
      Path file = dir.resolve("d" + i / 1000).resolve("f" + i);
      Files.createDirectories(file.getParent());
      random.nextBytes(content);
      try (OutputStream out = Files.newOutputStream(file)) {
        out.write(content);
      }
    }
  }

  /** Regular files and their bytes below {@code dir}. */
  private static long[] tree(Path dir) throws IOException {
    long[] counted = new long[2];
    try (var walk = Files.walk(dir)) {
      walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(p -> {
        counted[0]++;
        counted[1] += p.toFile().length();
      });
    }
    return counted;
  }

  private static boolean isSubvolume(Path dir) throws IOException {
    return ((Number) Files.getAttribute(dir, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue() == 256;
  }

  /** The max referenced bytes of the subvolume's qgroup ({@code btrfs qgroup show --raw -rf}). */
  private static long qgroupLimit(Path subvolume) throws IOException {
    return LoopFileSystem.output("btrfs", "qgroup", "show", "--raw", "-rf", subvolume.toString()).lines()
        .map(String::trim).filter(line -> line.startsWith("0/")).map(line -> line.split("\\s+")[3])
        .mapToLong(Long::parseLong).findFirst().orElseThrow();
  }
}
