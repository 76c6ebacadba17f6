package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.FileTrees;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Snapshots of local volumes and restores from them, through the real server and real directories. */
class SnapshotRestoreIT {
  /** Big enough that the copy takes well over a second, so progress shows on the watch stream. */
  private static final long LARGE = 1536L << 20;
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static TestServer server;
  private static Http admin;
  private static Path root;

  @BeforeAll
  static void start() {
    server = TestServer.external("snapshots");
    admin = server.admin();
    root = server.config().storage().localVolumeRoot();
    assertThat(admin.post("/api/v1/storageclasses", new JsonObject().put("name", "local-b").put("driver", "local"))
        .status()).isEqualTo(201);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aTreeSurvivesSnapshotAndRestoreIntoAnotherNamespaceAndClassWithProgressOnTheWatch() throws IOException {
    Path data = volumeDir("prod", createAvailable("prod", "pgdata", "4Gi"));
    FileTrees.populate(data, LARGE);
    Map<String, String> original = FileTrees.fingerprint(data);

    List<JsonObject> frames;
    try (WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=snapshots&namespace=prod")) {
      watch.until(f -> "BOOKMARK".equals(f.getString("type")), WAIT);
      Http.Response taken = admin.post("/api/v1/namespaces/prod/snapshots", new JsonObject().put("name", "nightly")
          .put("source", new JsonObject().put("volume", "pgdata")));
      assertThat(taken.status()).as(taken.toString()).isEqualTo(201);
      frames = watch.until(f -> "Ready".equals(phase(f)) || "Failed".equals(phase(f)), WAIT).stream()
          .filter(f -> f.getJsonObject("object") != null).toList();
    }
    assertThat(frames).extracting(SnapshotRestoreIT::phase).startsWith("Pending", "Creating").endsWith("Ready");
    List<JsonObject> progress = frames.stream().filter(f -> "Creating".equals(phase(f)))
        .map(f -> f.getJsonObject("object").getJsonObject("status").getJsonObject("progress"))
        .filter(p -> p != null).toList();
    assertThat(progress).as("progress written while copying").isNotEmpty();
    assertThat(progress).allSatisfy(p -> assertThat(p.getLong("bytesDone")).isBetween(0L, p.getLong("bytesTotal")));
    JsonObject ready = frames.get(frames.size() - 1).getJsonObject("object").getJsonObject("status");
    assertThat(ready.getJsonObject("progress").getLong("bytesDone")).isEqualTo(ready.getJsonObject("progress")
        .getLong("bytesTotal")).isGreaterThanOrEqualTo(LARGE);
    assertThat(ready.getLong("sizeBytes")).isEqualTo(4L << 30);
    assertThat(ready.getString("readyAt")).isNotBlank();

    // Into another namespace, by the restore endpoint (class and size from the snapshot).
    Http.Response restored = admin.post("/api/v1/namespaces/staging/volumes/pgdata-copy/restore",
        new JsonObject().put("fromSnapshot", "nightly").put("snapshotNamespace", "prod"));
    assertThat(restored.status()).as(restored.toString()).isEqualTo(201);
    assertThat(restored.json().getString("storageClassName")).isEqualTo("local");
    assertThat(restored.json().getString("size")).isEqualTo("4Gi");
    // Into another class, by a volume with a source.
    Http.Response other = admin.post("/api/v1/namespaces/staging/volumes", new JsonObject().put("name", "pgdata-b")
        .put("size", "5Gi").put("storageClassName", "local-b")
        .put("source", new JsonObject().put("snapshot", "nightly").put("namespace", "prod")));
    assertThat(other.status()).as(other.toString()).isEqualTo(201);

    for (String name : List.of("pgdata-copy", "pgdata-b")) {
      JsonObject status = awaitPhase("staging", name, "Available");
      Path copy = root.resolve(status.getString("handle"));
      assertThat(FileTrees.fingerprint(copy)).as(name).isEqualTo(original);
      assertThat(Files.getLastModifiedTime(copy.resolve("a/config.yml")))
          .isEqualTo(Files.getLastModifiedTime(data.resolve("a/config.yml")));
    }
    assertThat(partials()).as("no partial copy is left").isEmpty();
  }

  @Test
  void aSnapshotOutlivesItsVolumeAndDeletingItTwiceIsFine() throws IOException {
    Path data = volumeDir("keep", createAvailable("keep", "src", "1Gi"));
    Files.writeString(data.resolve("note.txt"), "kept in the snapshot");
    String handle = takeSnapshot("keep", "snap", "src").getString("handle");
    assertThat(admin.delete("/api/v1/namespaces/keep/volumes/src").status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/keep/volumes/src").status() == 404);

    assertThat(admin.post("/api/v1/namespaces/keep/volumes/back/restore", new JsonObject().put("fromSnapshot", "snap"))
        .status()).isEqualTo(201);
    Path back = root.resolve(awaitPhase("keep", "back", "Available").getString("handle"));
    assertThat(back.resolve("note.txt")).hasContent("kept in the snapshot");

    Http.Response first = admin.delete("/api/v1/namespaces/keep/snapshots/snap");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.json().getJsonObject("status").getString("phase")).isEqualTo("Deleting");
    assertThat(admin.delete("/api/v1/namespaces/keep/snapshots/snap").status()).isIn(200, 404);
    await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/keep/snapshots/snap").status() == 404);
    assertThat(admin.delete("/api/v1/namespaces/keep/snapshots/snap").status()).isEqualTo(404);
    assertThat(root.resolve(handle)).doesNotExist();
  }

  @Test
  void aBoundVolumeCanBeSnapshottedAndRestoredOverTheEventBus() throws IOException {
    Path data = volumeDir("bound", createAvailable("bound", "in-use", "1Gi"));
    Files.writeString(data.resolve("live.txt"), "written while bound");
    server.patchStatus("Volume", "bound", "in-use", new JsonObject().put("phase", "Bound")
        .put("boundClaim", "bound/web-0").put("boundNode", "test-node"));
    takeSnapshot("bound", "while-bound", "in-use");

    JsonObject restored = (JsonObject) TestServer.await(server.vertx().eventBus().request("rune.api.volumes.restore",
        new JsonObject().put("namespace", "bound").put("name", "from-bus")
            .put("restore", new JsonObject().put("fromSnapshot", "while-bound")))).body();
    assertThat(restored.getJsonObject("source").getString("snapshot")).isEqualTo("while-bound");
    Path copy = root.resolve(awaitPhase("bound", "from-bus", "Available").getString("handle"));
    assertThat(copy.resolve("live.txt")).hasContent("written while bound");
  }

  @Test
  void restoresThatCannotWorkAreRefusedAndStoreNothing() {
    createAvailable("bad", "src", "2Gi");
    takeSnapshot("bad", "ok", "src");
    Http.Response pending = admin.post("/api/v1/namespaces/bad/snapshots", new JsonObject().put("name", "unfinished")
        .put("source", new JsonObject().put("volume", "src")));
    assertThat(pending.status()).isEqualTo(201);
    awaitPhase("bad", "unfinished", "Ready", "snapshots");
    server.patchStatus("Snapshot", "bad", "unfinished", new JsonObject().put("phase", "Failed"));
    assertThat(admin.post("/api/v1/storageclasses", new JsonObject().put("name", "elsewhere")
        .put("driver", "test-faulty")).status()).isEqualTo(201);

    refused("SnapshotNotReady", "fromSnapshot", new JsonObject().put("fromSnapshot", "unfinished"));
    refused("SnapshotNotReady", "source.snapshot", volumeFrom("unfinished", null, "2Gi"));
    refused("RestoreUnsupported", "storageClassName", new JsonObject().put("fromSnapshot", "ok")
        .put("storageClassName", "elsewhere"));
    refused("Invalid", "size", new JsonObject().put("fromSnapshot", "ok").put("size", "1Gi"));
    refused("Invalid", "size", volumeFrom("ok", "local", "1Gi"));
    refused("Invalid", "fromSnapshot", new JsonObject().put("fromSnapshot", "no-such"));
    Http.Response unknownField = admin.post("/api/v1/namespaces/bad/volumes/x/restore",
        new JsonObject().put("fromSnapshot", "ok").put("form", "typo"));
    assertThat(unknownField.status()).isEqualTo(400);
  }

  private static void refused(String code, String field, JsonObject body) {
    long before = head();
    Http.Response response = body.containsKey("fromSnapshot")
        ? admin.post("/api/v1/namespaces/bad/volumes/target/restore", body)
        : admin.post("/api/v1/namespaces/bad/volumes", body);
    assertThat(response.status()).as(response.toString()).isEqualTo(422);
    assertThat(response.errorCode()).isEqualTo(code);
    assertThat(response.errorField()).isEqualTo(field);
    assertThat(admin.get("/api/v1/namespaces/bad/volumes/target").status()).isEqualTo(404);
    assertThat(head()).as("nothing written").isEqualTo(before);
  }

  private static JsonObject volumeFrom(String snapshot, String storageClass, String size) {
    JsonObject volume = new JsonObject().put("name", "target").put("size", size)
        .put("source", new JsonObject().put("snapshot", snapshot));
    return storageClass == null ? volume : volume.put("storageClassName", storageClass);
  }

  private static long head() {
    return Long.parseLong(admin.get("/api/v1/storageclasses?limit=1").json().getString("resourceVersion"));
  }

  private static JsonObject takeSnapshot(String ns, String name, String volume) {
    Http.Response taken = admin.post("/api/v1/namespaces/" + ns + "/snapshots", new JsonObject().put("name", name)
        .put("source", new JsonObject().put("volume", volume)));
    assertThat(taken.status()).as(taken.toString()).isEqualTo(201);
    return awaitPhase(ns, name, "Ready", "snapshots");
  }

  private static JsonObject createAvailable(String ns, String name, String size) {
    Http.Response created = admin.post("/api/v1/namespaces/" + ns + "/volumes", new JsonObject().put("name", name)
        .put("size", size));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return awaitPhase(ns, name, "Available");
  }

  private static JsonObject awaitPhase(String ns, String name, String phase) {
    return awaitPhase(ns, name, phase, "volumes");
  }

  private static JsonObject awaitPhase(String ns, String name, String phase, String plural) {
    return await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/" + ns + "/" + plural + "/" + name).json()
        .getJsonObject("status"), s -> phase.equals(s.getString("phase")));
  }

  private static Path volumeDir(String ns, JsonObject status) {
    return root.resolve(status.getString("handle"));
  }

  private static List<Path> partials() throws IOException {
    try (Stream<Path> walk = Files.walk(root, 3)) {
      return walk.filter(p -> p.getFileName().toString().endsWith(".partial")).toList();
    }
  }

  private static String phase(JsonObject frame) {
    JsonObject object = frame.getJsonObject("object");
    return object == null ? null : object.getJsonObject("status", new JsonObject()).getString("phase");
  }
}
