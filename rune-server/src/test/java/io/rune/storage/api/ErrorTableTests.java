package io.rune.storage.api;

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
import org.junit.jupiter.api.Test;

/**
 * Every row of API.md's error table that the resources of this server can reach: the bad
 * input goes through HTTP, and each test checks status, code word and that nothing was
 * stored. (503 StoreUnavailable has its own suite, which stops the database.)
 */
abstract class ErrorTableTests extends ApiTestBase {
  protected Path allowed;

  /** A runefile whose host path allowlist is a real directory of this test. */
  protected JsonObject runefile(Path root) {
    allowed = root.resolve("allowed");
    try {
      Files.createDirectories(allowed.resolve("web"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return new JsonObject().put("storage", new JsonObject()
        .put("hostPathAllowlist", new JsonArray().add(allowed.toString())));
  }

  @Test
  void malformedBodies() {
    String ns = newNamespace();
    assertRefused(400, "MalformedBody", () -> admin.send("POST", volumes(ns), "{not json", "application/json"));
    assertRefused(400, "MalformedBody", () -> admin.send("POST", volumes(ns), "[1,2]", "application/json"));
    assertRefused(400, "MalformedBody", () -> admin.send("POST", volumes(ns), "a: [b", "application/yaml"));
    assertRefused(400, "MalformedBody", () -> admin.send("POST", volumes(ns), "", "application/json"));
    Http.Response wrongType = assertRefused(400, "MalformedBody",
        () -> createVolume(ns, new JsonObject().put("name", "v").put("size", true)));
    assertThat(wrongType.errorField()).isEqualTo("size");
    Http.Response unknown = assertRefused(400, "MalformedBody",
        () -> createVolume(ns, new JsonObject().put("name", "v").put("size", "1Gi").put("sise", "2Gi")));
    assertThat(unknown.errorField()).isEqualTo("sise");
    Http.Response nested = assertRefused(400, "MalformedBody", () -> admin.post(snapshots(ns),
        new JsonObject().put("name", "s").put("source", new JsonObject().put("volume", "v").put("extra", 1))));
    assertThat(nested.errorField()).isEqualTo("source.extra");
  }

  @Test
  void unauthenticated() {
    String ns = newNamespace();
    assertRefused(401, "Unauthenticated", () -> server.anonymous().get(volumes(ns)));
    assertRefused(401, "Unauthenticated",
        () -> server.anonymous().post(volumes(ns), new JsonObject().put("name", "v").put("size", "1Gi")));
    assertRefused(401, "Unauthenticated", () -> admin.withToken("rune_not-a-token").get(volumes(ns)));
  }

  @Test
  void forbidden() {
    String ns = newNamespace();
    Http readonly = server.client("readonly");
    Http scoped = server.client("readwrite", ns);
    JsonObject volume = new JsonObject().put("name", "v").put("size", "1Gi");
    assertRefused(403, "Forbidden", () -> readonly.post(volumes(ns), volume));
    assertRefused(403, "Forbidden", () -> scoped.post(volumes(newNamespace()), volume));
    assertRefused(403, "Forbidden", () -> scoped.post("/api/v1/storageclasses",
        new JsonObject().put("name", "mine").put("driver", "local")));
    assertRefused(403, "Forbidden", () -> scoped.post("/api/v1/storageclasses/local-host/set-default", null));
    assertRefused(403, "Forbidden", () -> scoped.post("/api/v1/tokens", new JsonObject().put("role", "admin")));
    assertRefused(403, "Forbidden", () -> scoped.get(volumes(newNamespace())));
    assertThat(scoped.post(volumes(ns), volume).status()).isEqualTo(201);
    assertThat(readonly.get(volumes(ns)).items()).hasSize(1);
  }

  @Test
  void notFound() {
    String ns = newNamespace();
    assertRefused(404, "NotFound", () -> admin.get(volumes(ns) + "/missing"));
    assertRefused(404, "NotFound", () -> admin.delete(volumes(ns) + "/missing"));
    assertRefused(404, "NotFound", () -> admin.get("/api/v1/storageclasses/missing"));
    assertRefused(404, "NotFound", () -> admin.get("/api/v1/no-such-thing"));
    assertRefused(404, "NotFound", () -> admin.post("/api/v1/storageclasses/missing/set-default", null));
  }

  @Test
  void alreadyExists() {
    String ns = newNamespace();
    JsonObject volume = new JsonObject().put("name", "taken").put("size", "1Gi");
    assertThat(createVolume(ns, volume).status()).isEqualTo(201);
    assertRefused(409, "AlreadyExists", () -> createVolume(ns, volume.copy().put("size", "2Gi")));
    assertThat(admin.get(volumes(ns) + "/taken").json().getString("size")).isEqualTo("1Gi");
  }

  @Test
  void conflictOnAStaleResourceVersion() {
    String ns = newNamespace();
    JsonObject read = createVolume(ns, new JsonObject().put("name", "v").put("size", "1Gi")).json();
    assertThat(admin.put(volumes(ns) + "/v", read.copy().put("labels", new JsonObject().put("a", "1"))).status())
        .isEqualTo(200);
    assertRefused(409, "Conflict",
        () -> admin.put(volumes(ns) + "/v", read.copy().put("labels", new JsonObject().put("a", "2"))));
    assertThat(admin.get(volumes(ns) + "/v").json().getJsonObject("labels").getString("a")).isEqualTo("1");
  }

  @Test
  void volumeInUseCannotBeDeleted() {
    String ns = newNamespace();
    createVolume(ns, new JsonObject().put("name", "bound").put("size", "1Gi"));
    server.patchStatus("Volume", ns, "bound", new JsonObject().put("phase", "Bound").put("boundClaim", "x/web-0"));
    assertRefused(409, "VolumeInUse", () -> admin.delete(volumes(ns) + "/bound"));
    assertThat(admin.get(volumes(ns) + "/bound").status()).isEqualTo(200);
  }

  @Test
  void snapshotInUseCannotBeDeleted() {
    String ns = newNamespace();
    createVolume(ns, new JsonObject().put("name", "src").put("size", "1Gi"));
    assertThat(admin.post(snapshots(ns), new JsonObject().put("name", "snap")
        .put("source", new JsonObject().put("volume", "src"))).status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(30)).until(() -> admin.get(snapshots(ns) + "/snap").json()
        .getJsonObject("status").getString("phase"), "Ready"::equals);
    createVolume(ns, new JsonObject().put("name", "copy").put("size", "1Gi")
        .put("source", new JsonObject().put("snapshot", "snap")));
    // A restore whose attempts ran out still needs its snapshot: retry-provision reads it again.
    server.patchStatus("Volume", ns, "copy", new JsonObject().put("phase", "Stalled").put("attempts", 5));
    Http.Response refused = assertRefused(409, "SnapshotInUse", () -> admin.delete(snapshots(ns) + "/snap"));
    assertThat(refused.json().getJsonObject("error").getString("message"))
        .contains("is being restored into volume " + ns + "/copy (phase Stalled)");
    assertThat(admin.get(snapshots(ns) + "/snap").json().getJsonObject("status").getString("phase"))
        .isEqualTo("Ready");
  }

  @Test
  void retryProvisionOnlyFromFailedOrStalled() {
    String ns = newNamespace();
    createVolume(ns, new JsonObject().put("name", "v").put("size", "1Gi"));
    assertRefused(409, "InvalidPhase", () -> admin.post(volumes(ns) + "/v/retry-provision", null));
    server.patchStatus("Volume", ns, "v", new JsonObject().put("phase", "Stalled").put("attempts", 5));
    Http.Response retried = admin.post(volumes(ns) + "/v/retry-provision", null);
    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.json().getJsonObject("status").getString("phase")).isEqualTo("Pending");
    assertThat(retried.json().getJsonObject("status").getInteger("attempts")).isZero();
  }

  @Test
  void bodyTooLarge() {
    String ns = newNamespace();
    String huge = "{\"name\":\"v\",\"size\":\"1Gi\",\"parameters\":{\"x\":\"" + "a".repeat(1_100_000) + "\"}}";
    assertRefused(413, "BodyTooLarge", () -> admin.send("POST", volumes(ns), huge, "application/json"));
  }

  @Test
  void invalidFields() {
    String ns = newNamespace();
    assertInvalid(ns, new JsonObject().put("name", "Bad_Name").put("size", "1Gi"), "name");
    assertInvalid(ns, new JsonObject().put("name", "v").put("size", "10GB"), "size");
    assertInvalid(ns, new JsonObject().put("name", "v").put("size", "0"), "size");
    assertInvalid(ns, new JsonObject().put("name", "v").put("size", "-1Gi"), "size");
    assertInvalid(ns, new JsonObject().put("name", "v").put("size", "100Ei"), "size");
    assertInvalid(ns, new JsonObject().put("name", "v"), "size");
    assertInvalid(ns, new JsonObject().put("name", "v").put("size", "1Gi").put("storageClassName", "nope"),
        "storageClassName");
    assertInvalid(ns, new JsonObject().put("name", "v").put("size", "1Gi").put("accessMode", "ReadWriteAll"), "accessMode");
    assertInvalid(ns, new JsonObject().put("name", "v").put("size", "1Gi").put("hostPath", allowed.toString()),
        "hostPath");
    assertRefused(422, "Invalid", () -> admin.post("/api/v1/storageclasses",
        new JsonObject().put("name", "c").put("driver", "ceph")));
    assertRefused(422, "Invalid", () -> admin.post(snapshots(ns),
        new JsonObject().put("name", "s").put("source", new JsonObject().put("volume", "missing"))));
    assertRefused(400, "MalformedRequest", () -> admin.get(volumes(ns) + "?limit=0"));
  }

  @Test
  void fieldsThatCannotChange() {
    String ns = newNamespace();
    JsonObject v = createVolume(ns, new JsonObject().put("name", "v").put("size", "2Gi")).json();
    assertRefused(422, "Invalid", () -> admin.put(volumes(ns) + "/v", v.copy().put("size", "1Gi")));
    JsonObject host = createVolume(ns, hostVolume("h")).json();
    assertRefused(422, "ExpandUnsupported", () -> admin.put(volumes(ns) + "/h", host.copy().put("size", "3Gi")));
    assertRefused(422, "Invalid", () -> admin.put(volumes(ns) + "/v", v.copy().put("accessMode", "ReadOnlyMany")));
    assertRefused(422, "Invalid", () -> admin.put(volumes(ns) + "/v", v.copy().put("storageClassName", "local-host")));
    assertRefused(422, "Invalid", () -> admin.put(volumes(ns) + "/v", v.copy().put("source",
        new JsonObject().put("snapshot", "s"))));
    assertRefused(422, "Invalid", () -> admin.put(volumes(ns) + "/v", v.copy().putNull("resourceVersion")));
    JsonObject local = admin.get("/api/v1/storageclasses/local").json();
    assertRefused(422, "Invalid", () -> admin.put("/api/v1/storageclasses/local", local.copy().put("driver", "local-host")));
  }

  @Test
  void noDefaultClassMeansTheVolumeMustNameOne() {
    JsonObject local = admin.get("/api/v1/storageclasses/local").json();
    assertThat(admin.put("/api/v1/storageclasses/local", local.copy().put("default", false)).status()).isEqualTo(200);
    try {
      String ns = newNamespace();
      assertInvalid(ns, new JsonObject().put("name", "v").put("size", "1Gi"), "storageClassName");
    } finally {
      assertThat(admin.post("/api/v1/storageclasses/local/set-default", null).status()).isEqualTo(200);
    }
  }

  @Test
  void unsupportedAccessMode() {
    String ns = newNamespace();
    assertRefused(422, "UnsupportedAccessMode", () -> createVolume(ns,
        new JsonObject().put("name", "v").put("size", "1Gi").put("accessMode", "ReadWriteMany")));
  }

  @Test
  void snapshotsUnsupported() {
    String ns = newNamespace();
    assertThat(createVolume(ns, hostVolume("web")).status()).isEqualTo(201);
    assertRefused(422, "SnapshotsUnsupported", () -> admin.post(snapshots(ns),
        new JsonObject().put("name", "s").put("source", new JsonObject().put("volume", "web"))));
    assertRefused(422, "SnapshotsUnsupported", () -> createVolume(ns, hostVolume("restored")
        .put("source", new JsonObject().put("snapshot", "whatever"))));
  }

  @Test
  void hostPathNotAllowed() {
    String ns = newNamespace();
    assertRefused(422, "HostPathNotAllowed", () -> createVolume(ns, hostVolume("etc").put("hostPath", "/etc")));
    assertRefused(422, "HostPathNotAllowed", () -> createVolume(ns,
        hostVolume("sibling").put("hostPath", allowed + "2/web")));
    assertRefused(422, "HostPathNotAllowed", () -> createVolume(ns,
        hostVolume("escape").put("hostPath", allowed + "/../../etc")));
    assertRefused(422, "HostPathNotAllowed", () -> createVolume(ns,
        hostVolume("state").put("hostPath", server.dataDir().resolve("admin.token").toString())));
  }

  @Test
  void topologyNotAllowed() {
    JsonObject zoned = new JsonObject().put("name", "zone-a").put("driver", "local")
        .put("allowedTopologies", new JsonArray().add(new JsonObject()
            .put("matchLabels", new JsonObject().put("rune.io/zone", "a"))));
    assertThat(admin.post("/api/v1/storageclasses", zoned).status()).isEqualTo(201);
    String ns = newNamespace();
    JsonObject volume = new JsonObject().put("name", "v").put("size", "1Gi").put("storageClassName", "zone-a");
    assertRefused(422, "TopologyNotAllowed", () -> createVolume(ns,
        volume.copy().put("topology", new JsonObject().put("rune.io/zone", "b"))));
    // Allowed, and stored; but this server's node has no zone, so no node can take it.
    assertThat(admin.post(volumes(ns), volume.copy().put("topology", new JsonObject().put("rune.io/zone", "a")))
        .status()).isEqualTo(201);
    await().atMost(Duration.ofSeconds(30)).until(() -> admin.get(volumes(ns) + "/v").json().getJsonObject("status")
        .getString("reason"), "TopologyUnsatisfied"::equals);
    assertThat(admin.delete(volumes(ns) + "/v").status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(30)).until(() -> admin.get(volumes(ns) + "/v").status() == 404);
  }

  @Test
  void deleteUnsupported() {
    String ns = newNamespace();
    assertRefused(422, "DeleteUnsupported", () -> createVolume(ns, hostVolume("v").put("reclaimPolicy", "delete")));
    assertRefused(422, "DeleteUnsupported", () -> admin.post("/api/v1/storageclasses",
        new JsonObject().put("name", "host-delete").put("driver", "local-host").put("reclaimPolicy", "delete")));
  }

  private JsonObject hostVolume(String name) {
    return new JsonObject().put("name", name).put("size", "1Gi").put("storageClassName", "local-host")
        .put("hostPath", allowed.resolve("web").toString());
  }

  private void assertInvalid(String ns, JsonObject body, String field) {
    Http.Response refused = assertRefused(422, "Invalid", () -> createVolume(ns, body));
    assertThat(refused.errorField()).as(refused.body()).isEqualTo(field);
  }
}
