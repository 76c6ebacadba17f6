package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** local-host volumes through the real server: the allowlist, createIfMissing, and what it never does. */
class LocalHostVolumesIT {
  private static Path allowed;
  private static Path outside;
  private static TestServer server;
  private static Http admin;

  @BeforeAll
  static void start() throws IOException {
    Path base = TestServer.tempDir("host-paths").toRealPath();
    allowed = Files.createDirectories(base.resolve("srv/data"));
    outside = Files.createDirectories(base.resolve("elsewhere"));
    server = TestServer.external("localhost", new JsonObject().put("storage", new JsonObject()
        .put("hostPathAllowlist", new JsonArray().add(allowed.toString())).put("allowCreateMissing", false)));
    admin = server.admin();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void anAllowlistedDirectoryBecomesAnAvailableVolumeAndOutlivesIt() throws IOException {
    Path dir = Files.createDirectories(allowed.resolve("web"));
    Files.writeString(dir.resolve("index.html"), "hello");
    assertThat(create("web", dir.toString(), new JsonObject()).status()).isEqualTo(201);
    JsonObject status = await().atMost(Duration.ofSeconds(30)).until(() -> volume("web").getJsonObject("status"),
        s -> "Available".equals(s.getString("phase")));
    assertThat(status.getString("handle")).isEqualTo(dir.toString());
    assertThat(status.getJsonObject("topology").getString("rune.io/host-path-root")).isEqualTo(allowed.toString());
    assertThat(status.getJsonObject("topology").getString("rune.io/node")).isEqualTo("test-node");

    assertThat(admin.delete("/api/v1/namespaces/hosts/volumes/web").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> admin.get("/api/v1/namespaces/hosts/volumes/web").status() == 404);
    assertThat(dir.resolve("index.html")).hasContent("hello");
  }

  @Test
  void pathsOutsideTheAllowlistAreRefusedAndNothingIsStored() throws IOException {
    Path sibling = Files.createDirectories(allowed.resolveSibling("data2"));
    Path link = allowed.resolve("sneaky");
    Files.createSymbolicLink(link, outside);
    refused("outside", outside.toString(), "HostPathNotAllowed");
    refused("sibling", sibling.toString(), "HostPathNotAllowed");
    refused("dotdot", allowed + "/../../elsewhere", "HostPathNotAllowed");
    refused("symlink", link.toString(), "HostPathNotAllowed");
    refused("state", server.dataDir().toString(), "HostPathNotAllowed");
  }

  @Test
  void aMissingDirectoryNeedsBothCreateIfMissingKnobs() {
    Path missing = allowed.resolve("not-yet");
    Http.Response withoutVolumeKnob = create("missing-a", missing.toString(), new JsonObject());
    assertThat(withoutVolumeKnob.status()).isEqualTo(422);
    assertThat(withoutVolumeKnob.errorField()).isEqualTo("hostPath");
    assertThat(withoutVolumeKnob.json().getJsonObject("error").getString("message"))
        .contains("createIfMissing").contains("allowCreateMissing");
    Http.Response withoutServerKnob = create("missing-b", missing.toString(),
        new JsonObject().put("createIfMissing", true));
    assertThat(withoutServerKnob.status()).isEqualTo(422);
    assertThat(missing).doesNotExist();
    assertThat(admin.get("/api/v1/namespaces/hosts/volumes/missing-b").status()).isEqualTo(404);
  }

  @Test
  void withBothKnobsAMissingDirectoryIsCreated() throws IOException {
    Path base = TestServer.tempDir("host-create").toRealPath();
    try (TestServer permissive = TestServer.external("localhost-create", new JsonObject().put("storage",
        new JsonObject().put("hostPathAllowlist", new JsonArray().add(base.toString())).put("allowCreateMissing", true)))) {
      Http http = permissive.admin();
      Path missing = base.resolve("made/for/me");
      Http.Response created = http.post("/api/v1/namespaces/hosts/volumes", new JsonObject().put("name", "made")
          .put("size", "1Gi").put("storageClassName", "local-host").put("hostPath", missing.toString())
          .put("createIfMissing", true));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      await().atMost(Duration.ofSeconds(30)).until(() -> "Available".equals(http.get(
          "/api/v1/namespaces/hosts/volumes/made").json().getJsonObject("status").getString("phase")));
      assertThat(missing).isDirectory();
    }
  }

  @Test
  void reclaimPolicyDeleteAndSnapshotsAreRefusedUpFront() throws IOException {
    Path dir = Files.createDirectories(allowed.resolve("db"));
    Http.Response deleting = create("db-delete", dir.toString(), new JsonObject().put("reclaimPolicy", "delete"));
    assertThat(deleting.status()).isEqualTo(422);
    assertThat(deleting.errorCode()).isEqualTo("DeleteUnsupported");
    assertThat(admin.get("/api/v1/namespaces/hosts/volumes/db-delete").status()).isEqualTo(404);

    assertThat(create("db", dir.toString(), new JsonObject()).status()).isEqualTo(201);
    Http.Response snapshot = admin.post("/api/v1/namespaces/hosts/snapshots", new JsonObject()
        .put("name", "db-snap").put("source", new JsonObject().put("volume", "db")));
    assertThat(snapshot.status()).isEqualTo(422);
    assertThat(snapshot.errorCode()).isEqualTo("SnapshotsUnsupported");
    assertThat(admin.get("/api/v1/namespaces/hosts/snapshots/db-snap").status()).isEqualTo(404);
  }

  private static void refused(String name, String hostPath, String code) {
    Http.Response response = create(name, hostPath, new JsonObject());
    assertThat(response.status()).as(hostPath + ": " + response).isEqualTo(422);
    assertThat(response.errorCode()).isEqualTo(code);
    assertThat(response.errorField()).isEqualTo("hostPath");
    assertThat(admin.get("/api/v1/namespaces/hosts/volumes/" + name).status()).isEqualTo(404);
  }

  private static Http.Response create(String name, String hostPath, JsonObject fields) {
    return admin.post("/api/v1/namespaces/hosts/volumes", fields.copy().put("name", name).put("size", "1Gi")
        .put("storageClassName", "local-host").put("hostPath", hostPath));
  }

  private static JsonObject volume(String name) {
    return admin.get("/api/v1/namespaces/hosts/volumes/" + name).json();
  }
}
