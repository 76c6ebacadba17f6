package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.LogWatch;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Volumes of the local driver through the real server: real directories, phases on the watch stream, reclaim. */
class VolumeLifecycleIT {
  private static TestServer server;
  private static Http admin;
  private static Path volumeRoot;

  @BeforeAll
  static void start() {
    server = TestServer.external("lifecycle", new JsonObject()
        .put("controller", new JsonObject().put("resyncInterval", "1s")));
    admin = server.admin();
    volumeRoot = server.config().storage().localVolumeRoot();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aVolumeBecomesAvailableWithItsDirectoryAndTheWatchShowsEachPhaseInOrder() {
    try (WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=volumes&namespace=life")) {
      watch.until(frame -> "BOOKMARK".equals(frame.getString("type")), Duration.ofSeconds(10));
      JsonObject created = create("web-data", new JsonObject());
      assertThat(created.getJsonObject("status").getString("phase")).isEqualTo("Pending");

      List<JsonObject> frames = watch.until(frame -> "web-data".equals(name(frame))
          && "Available".equals(phase(frame)), Duration.ofSeconds(30));
      List<String> phases = frames.stream().filter(f -> "web-data".equals(name(f))).map(VolumeLifecycleIT::phase)
          .toList();
      assertThat(phases).containsExactly("Pending", "Provisioning", "Available");
    }
    JsonObject status = get("web-data").getJsonObject("status");
    String uid = get("web-data").getString("uid");
    assertThat(status.getString("handle")).isEqualTo("life/web-data_" + uid);
    assertThat(status.getString("node")).isEqualTo("test-node");
    assertThat(status.getJsonObject("topology").getString("rune.io/node")).isEqualTo("test-node");
    assertThat(volumeRoot.resolve(status.getString("handle"))).isDirectory();
    assertThat(directoriesOf("web-data")).hasSize(1);
  }

  @Test
  void deletingWithRetainKeepsTheDirectoryAndTheRowGoes() {
    Path dir = provisioned("kept", new JsonObject().put("reclaimPolicy", "retain"));
    Http.Response deleted = admin.delete("/api/v1/namespaces/life/volumes/kept");
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().getJsonObject("status").getString("phase")).isEqualTo("Deleting");
    awaitGone("kept");
    assertThat(dir).isDirectory();
  }

  @Test
  void deletingWithDeleteRemovesTheDirectory() throws IOException {
    Path dir = provisioned("scratch", new JsonObject().put("reclaimPolicy", "delete"));
    Files.writeString(dir.resolve("data.txt"), "gone soon");
    assertThat(admin.delete("/api/v1/namespaces/life/volumes/scratch").status()).isEqualTo(200);
    assertThat(admin.delete("/api/v1/namespaces/life/volumes/scratch").status())
        .as("deleting twice is fine (or already gone)").isIn(200, 404);
    awaitGone("scratch");
    assertThat(dir).doesNotExist();
  }

  @Test
  void aBoundVolumeCannotBeDeletedAndADeletingOneCannotChange() {
    provisioned("in-use", new JsonObject());
    server.patchStatus("Volume", "life", "in-use", new JsonObject().put("phase", "Bound")
        .put("boundClaim", "life/web-0"));
    Http.Response refused = admin.delete("/api/v1/namespaces/life/volumes/in-use");
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo("VolumeInUse");

    provisioned("leaving", new JsonObject());
    JsonObject deleting = admin.delete("/api/v1/namespaces/life/volumes/leaving").json();
    Http.Response change = admin.put("/api/v1/namespaces/life/volumes/leaving", deleting.copy()
        .put("labels", new JsonObject().put("a", "b")));
    assertThat(change.status()).isIn(409, 404);
    if (change.status() == 409) {
      assertThat(change.errorCode()).isIn("InvalidPhase", "Conflict");
    }
  }

  @Test
  void aNewVolumeWithTheNameOfARetainedOneGetsItsOwnDirectory() throws IOException {
    Path first = provisioned("reused", new JsonObject());
    Files.writeString(first.resolve("old.txt"), "tenant one");
    admin.delete("/api/v1/namespaces/life/volumes/reused");
    awaitGone("reused");
    Path second = provisioned("reused", new JsonObject());
    assertThat(second).isNotEqualTo(first);
    assertThat(second.resolve("old.txt")).doesNotExist();
    assertThat(first.resolve("old.txt")).exists();
  }

  @Test
  void preserveOnDeleteKeepsTheDirectoryOfAVolumeWhosePolicyIsDelete() {
    try (TestServer preserving = TestServer.external("preserve", new JsonObject()
        .put("storage", new JsonObject().put("preserveOnDelete", true)));
        LogWatch logs = LogWatch.start(Set.of("precious is gone", "keeping the directory of local volume"))) {
      Http http = preserving.admin();
      assertThat(http.post("/api/v1/namespaces/life/volumes", new JsonObject().put("name", "precious")
          .put("size", "1Gi").put("reclaimPolicy", "delete")).status()).isEqualTo(201);
      String handle = await().atMost(Duration.ofSeconds(30))
          .until(() -> http.get("/api/v1/namespaces/life/volumes/precious").json().getJsonObject("status"),
              s -> "Available".equals(s.getString("phase"))).getString("handle");
      Path dir = preserving.config().storage().localVolumeRoot().resolve(handle);
      assertThat(http.delete("/api/v1/namespaces/life/volumes/precious").status()).isEqualTo(200);
      await().atMost(Duration.ofSeconds(30))
          .until(() -> http.get("/api/v1/namespaces/life/volumes/precious").status() == 404);
      assertThat(dir).isDirectory();
      // The core says the driver took the delete, never that it deleted; the driver says it kept the directory.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logs.sightings()).anySatisfy(line ->
          assertThat(line).contains("precious is gone (storage " + handle + " handed to driver local's delete, which succeeded)")));
      assertThat(logs.sightings()).anySatisfy(line -> assertThat(line)
          .contains("keeping the directory of local volume " + handle));
      assertThat(logs.sightings()).noneSatisfy(line -> assertThat(line).containsIgnoringCase("deleted"));
    }
  }

  @Test
  void theResyncFindsAVolumeWhoseChangeWasNeverAnnounced() {
    Path dir = provisioned("missed", new JsonObject());
    // Behind the server's back: no change-log row, no notification; only the periodic resync can see it.
    server.patchStatus("Volume", "life", "missed", new JsonObject().put("phase", "Pending"));
    await().atMost(Duration.ofSeconds(60))
        .until(() -> "Available".equals(get("missed").getJsonObject("status").getString("phase")));
    assertThat(directoriesOf("missed")).containsExactly(dir);
  }

  private static Path provisioned(String name, JsonObject fields) {
    create(name, fields);
    JsonObject status = await().atMost(Duration.ofSeconds(30)).until(() -> get(name).getJsonObject("status"),
        s -> "Available".equals(s.getString("phase")));
    return volumeRoot.resolve(status.getString("handle"));
  }

  private static JsonObject create(String name, JsonObject fields) {
    Http.Response created = admin.post("/api/v1/namespaces/life/volumes",
        fields.copy().put("name", name).put("size", "1Gi"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json();
  }

  private static void awaitGone(String name) {
    await().atMost(Duration.ofSeconds(30))
        .until(() -> admin.get("/api/v1/namespaces/life/volumes/" + name).status() == 404);
  }

  private static JsonObject get(String name) {
    return admin.get("/api/v1/namespaces/life/volumes/" + name).json();
  }

  private static List<Path> directoriesOf(String name) {
    try (Stream<Path> entries = Files.list(volumeRoot.resolve("life"))) {
      return entries.filter(p -> p.getFileName().toString().startsWith(name + "_")).toList();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String name(JsonObject frame) {
    JsonObject object = frame.getJsonObject("object");
    return object == null ? null : object.getString("name");
  }

  private static String phase(JsonObject frame) {
    return frame.getJsonObject("object").getJsonObject("status").getString("phase");
  }
}
