package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two services of API.md through the real server: claims, claim templates, binding, release,
 * cascade, and a refused attach.
 */
class ServicesIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  /** How long attach attempts are counted, and how many the backoff (2 s, 4 s, 8 s, …) allows in it. */
  private static final Duration WATCHED = Duration.ofSeconds(20);
  private static final int MAX_ATTEMPTS_WATCHED = 5;
  private static TestServer server;
  private static Http admin;
  private static Path root;

  @BeforeAll
  static void start() {
    server = TestServer.external("services");
    admin = server.admin();
    root = server.config().storage().localVolumeRoot();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void webMountsItsClaimedVolumeAndDeletingTheServiceLeavesItReleased() {
    assertThat(admin.post("/api/v1/namespaces/default/volumes", new JsonObject().put("name", "web-data")
        .put("size", "5Gi")).status()).isEqualTo(201);
    awaitVolume("default", "web-data", "Available");
    Http.Response cast = admin.post("/api/v1/namespaces/default/services", new JsonObject().put("name", "web")
        .put("scale", 1).put("volumes", new JsonArray().add(new JsonObject().put("name", "data")
            .put("mountPath", "/var/lib/web").put("claim", new JsonObject().put("name", "web-data")))));
    assertThat(cast.status()).as(cast.toString()).isEqualTo(201);

    JsonObject replica = awaitReady("default", "web", 1).get(0);
    JsonObject volume = awaitVolume("default", "web-data", "Bound");
    assertThat(volume.getString("boundClaim")).isEqualTo("default/web-0");
    assertThat(volume.getString("boundNode")).isEqualTo("test-node");
    JsonObject mount = replica.getJsonArray("mounts").getJsonObject(0);
    assertThat(mount.getString("mountPath")).isEqualTo("/var/lib/web");
    assertThat(Path.of(mount.getString("hostPath"))).isEqualTo(root.resolve(volume.getString("handle")));

    assertThat(admin.delete("/api/v1/namespaces/default/services/web").status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/default/services/web").status() == 404);
    JsonObject released = awaitVolume("default", "web-data", "Released");
    assertThat(released.getString("lastClaim")).isEqualTo("default/web-0");
    assertThat(released.containsKey("boundClaim")).isFalse();
    assertThat(root.resolve(released.getString("handle"))).isDirectory();
  }

  @Test
  void aBoundVolumeIsDetachedOnlyWithForceAndIsThenNotBoundAgain() {
    assertThat(admin.post("/api/v1/namespaces/ops/volumes", new JsonObject().put("name", "api-data")
        .put("size", "1Gi")).status()).isEqualTo(201);
    Http.Response idle = admin.post("/api/v1/namespaces/ops/volumes/api-data/detach", new JsonObject());
    awaitVolume("ops", "api-data", "Available");
    assertThat(admin.post("/api/v1/namespaces/ops/volumes/api-data/detach", new JsonObject()).json()
        .getJsonObject("status").getString("message")).contains("nothing to detach");
    assertThat(idle.status()).isEqualTo(200);
    assertThat(admin.post("/api/v1/namespaces/ops/services", new JsonObject().put("name", "api").put("scale", 1)
        .put("volumes", new JsonArray().add(new JsonObject().put("name", "data").put("mountPath", "/srv")
            .put("claim", new JsonObject().put("name", "api-data"))))).status()).isEqualTo(201);
    awaitReady("ops", "api", 1);

    Http.Response withoutForce = admin.post("/api/v1/namespaces/ops/volumes/api-data/detach", new JsonObject());
    assertThat(withoutForce.status()).isEqualTo(409);
    assertThat(withoutForce.errorCode()).isEqualTo("VolumeInUse");
    assertThat(withoutForce.json().getJsonObject("error").getString("message")).contains("ops/api-0", "force=true");
    assertThat(admin.delete("/api/v1/namespaces/ops/volumes/api-data").errorCode()).isEqualTo("VolumeInUse");

    Http.Response forced = admin.post("/api/v1/namespaces/ops/volumes/api-data/detach?force=true", new JsonObject());
    assertThat(forced.status()).isEqualTo(200);
    assertThat(forced.json().getJsonObject("status").getString("message")).contains("force-detach", "ops/api-0");
    JsonObject released = awaitVolume("ops", "api-data", "Released");
    assertThat(released.getBoolean("detachRequested")).isTrue();
    JsonObject replica = await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/ops/services/api").json()
        .getJsonObject("status").getJsonArray("replicas").getJsonObject(0), r -> "Pending".equals(r.getString("phase")));
    assertThat(replica.getString("message")).contains("force-detached");
    assertThat(admin.delete("/api/v1/namespaces/ops/volumes/api-data").status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/ops/volumes/api-data").status() == 404);
  }

  @Test
  void postgresGetsOneVolumePerReplicaThatSurvivesFailuresAndScalingAndGoesWithCascade() throws Exception {
    try (WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=volumes,services&namespace=prod")) {
      Http.Response cast = admin.post("/api/v1/namespaces/prod/services", postgres(3));
      assertThat(cast.status()).as(cast.toString()).isEqualTo(201);
      List<JsonObject> replicas = awaitReady("prod", "postgres", 3);
      for (int i = 0; i < 3; i++) {
        JsonObject volume = awaitVolume("prod", "pgdata-postgres-" + i, "Bound");
        assertThat(volume.getString("boundClaim")).isEqualTo("prod/postgres-" + i);
        assertThat(volume.getString("ownerService")).isEqualTo("postgres");
        Path hostPath = Path.of(replicas.get(i).getJsonArray("mounts").getJsonObject(0).getString("hostPath"));
        assertThat(hostPath).isEqualTo(root.resolve(volume.getString("handle"))).isDirectory();
      }

      // Replica 1 writes, fails, comes back: the same volume, with the file.
      Path mount1 = Path.of(replicas.get(1).getJsonArray("mounts").getJsonObject(0).getString("hostPath"));
      Files.writeString(mount1.resolve("PG_VERSION"), "17\n");
      String uid1 = volume("prod", "pgdata-postgres-1").getString("uid");
      Http.Response failed = admin.post("/api/v1/namespaces/prod/services/postgres/replicas/1/report",
          new JsonObject().put("phase", "Failed").put("message", "container exited 137"));
      assertThat(failed.status()).as(failed.toString()).isEqualTo(200);
      java.util.concurrent.atomic.AtomicBoolean sawRelease = new java.util.concurrent.atomic.AtomicBoolean();
      List<JsonObject> frames = watch.until(f -> {
        if (isVolume(f, "pgdata-postgres-1") && "Released".equals(phase(f))) {
          sawRelease.set(true);
        }
        return sawRelease.get() && isVolume(f, "pgdata-postgres-1") && "Bound".equals(phase(f));
      }, WAIT);
      assertThat(frames.stream().filter(f -> isVolume(f, "pgdata-postgres-1")).map(ServicesIT::phase).toList())
          .containsSubsequence("Released", "Bound");
      List<JsonObject> serviceFrames = watch.until(f -> "Service".equals(f.getString("kind"))
          && "Ready".equals(replicaPhase(f, 1)) && allReady(f), WAIT);
      List<String> replica1 = new java.util.ArrayList<>();
      java.util.stream.Stream.concat(frames.stream(), serviceFrames.stream())
          .filter(f -> "Service".equals(f.getString("kind"))).map(f -> replicaPhase(f, 1))
          .forEach(p -> {
            if (replica1.isEmpty() || !replica1.get(replica1.size() - 1).equals(p)) {
              replica1.add(p);
            }
          });
      assertThat(replica1).as("replica 1 on the watch stream, in order").containsSubsequence("Ready", "Failed", "Ready");
      JsonObject back = awaitReady("prod", "postgres", 3).get(1);
      assertThat(Path.of(back.getJsonArray("mounts").getJsonObject(0).getString("hostPath")).resolve("PG_VERSION"))
          .hasContent("17\n");
      assertThat(volume("prod", "pgdata-postgres-1").getString("uid")).isEqualTo(uid1);

      // Scale 3 → 1: replicas 1 and 2 let go of their volumes, which keep their data.
      scale(1);
      awaitReady("prod", "postgres", 1);
      JsonObject released = awaitVolume("prod", "pgdata-postgres-1", "Released");
      assertThat(released.getString("lastClaim")).isEqualTo("prod/postgres-1");
      assertThat(released.containsKey("boundClaim")).as("Released holds no claim").isFalse();
      assertThat(released.containsKey("boundNode")).isFalse();
      awaitVolume("prod", "pgdata-postgres-2", "Released");
      assertThat(mount1.resolve("PG_VERSION")).hasContent("17\n");
      // And back to 3: each replica binds its own volume again.
      scale(3);
      awaitReady("prod", "postgres", 3);
      for (int i = 0; i < 3; i++) {
        assertThat(awaitVolume("prod", "pgdata-postgres-" + i, "Bound").getString("boundClaim"))
            .isEqualTo("prod/postgres-" + i);
      }
      assertThat(volume("prod", "pgdata-postgres-1").getString("uid")).isEqualTo(uid1);

      // Cascade: not for readwrite tokens; for an admin it deletes the owned volumes, then the service.
      Http readwrite = server.client("readwrite", "prod");
      Http.Response refused = readwrite.delete("/api/v1/namespaces/prod/services/postgres?cascade=true");
      assertThat(refused.status()).isEqualTo(403);
      List<Path> dirs = List.of(0, 1, 2).stream()
          .map(i -> root.resolve(volume("prod", "pgdata-postgres-" + i).getString("handle"))).toList();
      assertThat(admin.delete("/api/v1/namespaces/prod/services/postgres?cascade=true").status()).isEqualTo(200);
      await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/prod/services/postgres").status() == 404);
      for (int i = 0; i < 3; i++) {
        assertThat(admin.get("/api/v1/namespaces/prod/volumes/pgdata-postgres-" + i).status()).isEqualTo(404);
      }
      assertThat(dirs).allSatisfy(dir -> assertThat(dir).doesNotExist());
    }
  }

  static JsonObject postgres(int scale) {
    return new JsonObject().put("name", "postgres").put("scale", scale).put("volumes", new JsonArray()
        .add(new JsonObject().put("name", "pgdata").put("mountPath", "/var/lib/postgresql/data")
            .put("claimTemplate", new JsonObject().put("storageClassName", "local").put("size", "10Gi")
                .put("accessMode", "ReadWriteOnce").put("reclaimPolicy", "delete"))));
  }

  private static void scale(int scale) {
    JsonObject current = admin.get("/api/v1/namespaces/prod/services/postgres").json();
    Http.Response put = admin.put("/api/v1/namespaces/prod/services/postgres", current.put("scale", scale));
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
  }

  /**
   * A Bound volume whose directory was swapped for a symbolic link, then attached again (the
   * runner reported its replica failed): the volume and the replica say the attach was refused
   * and why, the attempts follow the backoff (2 s, 4 s, 8 s, …, not one every 2 s or faster),
   * and putting the directory back lets it recover.
   */
  @Test
  void aRefusedAttachIsInTheStatusRetriedWithBackoffAndRecovers() throws Exception {
    assertThat(admin.post("/api/v1/namespaces/att/volumes", new JsonObject().put("name", "data").put("size", "1Gi"))
        .status()).isEqualTo(201);
    Http.Response created = admin.post("/api/v1/namespaces/att/services", new JsonObject().put("name", "app")
        .put("scale", 1).put("volumes", new JsonArray().add(new JsonObject().put("name", "data")
            .put("mountPath", "/srv").put("claim", new JsonObject().put("name", "data")))));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    await().atMost(WAIT).until(() -> firstReplica("att", "app").getString("phase"), "Ready"::equals);
    Path dir = root.resolve(volume("att", "data").getString("handle"));
    Path elsewhere = server.config().dataDir().resolve("moved-away");

    Files.move(dir, elsewhere);
    Files.createSymbolicLink(dir, elsewhere);
    assertThat(admin.post("/api/v1/namespaces/att/services/app/replicas/0/report", new JsonObject()
        .put("phase", "Failed").put("message", "container exited")).status()).isEqualTo(200);

    JsonObject refused = await().atMost(WAIT).until(() -> volume("att", "data"),
        s -> "AttachFailed".equals(s.getString("reason")));
    assertThat(refused.getString("phase")).isEqualTo("Bound");
    assertThat(refused.getString("message")).contains(dir.getFileName().toString(), "symbolic link",
        "not a directory");
    JsonObject replica = await().atMost(WAIT).until(() -> firstReplica("att", "app"),
        r -> r.containsKey("mountAttempts"));
    assertThat(replica.getString("phase")).isEqualTo("Pending");
    // The local driver's own word for the cause: a link where the volume's directory should be.
    assertThat(replica.getString("reason")).isEqualTo("PathBlocked");
    assertThat(replica.getString("message")).contains("att/data", "symbolic link", "next try in");
    assertThat(replica.getJsonArray("mounts")).isEmpty();

    int before = replica.getInteger("mountAttempts");
    await().pollDelay(WATCHED).atMost(WATCHED.plusSeconds(5)).until(() -> true);
    int after = firstReplica("att", "app").getInteger("mountAttempts");
    assertThat(after - before).as("attach attempts in %s after attempt %d", WATCHED, before)
        .isBetween(1, MAX_ATTEMPTS_WATCHED);

    Files.delete(dir);
    Files.move(elsewhere, dir);
    JsonObject ready = await().atMost(WAIT).until(() -> firstReplica("att", "app"), r -> "Ready".equals(r.getString("phase")));
    assertThat(ready.containsKey("reason")).as(ready.encode()).isFalse();
    assertThat(ready.getJsonArray("mounts").getJsonObject(0).getString("hostPath")).isEqualTo(dir.toString());
    JsonObject bound = volume("att", "data");
    assertThat(bound.getString("phase")).isEqualTo("Bound");
    assertThat(bound.getString("reason")).as(bound.encode()).isEqualTo("Bound");
  }

  /**
   * A replica waiting for a volume another service holds is looked at again every second (no
   * change of that volume names it), with no end while the volume is not its to bind: Bound
   * elsewhere, then Released (which only its last claim binds again). While it waits, its
   * service's status is written once per change of what it waits for, not once per look.
   */
  @Test
  void aReplicaWaitingForAVolumeHeldElsewhereWritesNothingWhileItWaits() {
    assertThat(admin.post("/api/v1/namespaces/waits/volumes", new JsonObject().put("name", "shared-data")
        .put("size", "1Gi")).status()).isEqualTo(201);
    awaitVolume("waits", "shared-data", "Available");
    JsonObject spec = new JsonObject().put("scale", 1).put("volumes", new JsonArray().add(new JsonObject()
        .put("name", "data").put("mountPath", "/data").put("claim", new JsonObject().put("name", "shared-data"))));
    assertThat(admin.post("/api/v1/namespaces/waits/services", spec.copy().put("name", "holder")).status())
        .isEqualTo(201);
    awaitReady("waits", "holder", 1);
    Http.Response second = admin.post("/api/v1/namespaces/waits/services", spec.copy().put("name", "waiter"));
    assertThat(second.status()).as(second.toString()).isEqualTo(201);
    await().atMost(WAIT).until(() -> firstReplica("waits", "waiter"),
        r -> r != null && "Pending".equals(r.getString("phase"))
            && r.getString("message", "").contains("is Bound to waits/holder-0"));

    assertNoWritesWhileWaiting("waiter");

    assertThat(admin.delete("/api/v1/namespaces/waits/services/holder").status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> firstReplica("waits", "waiter"),
        r -> "Pending".equals(r.getString("phase")) && r.getString("message", "").contains("is Released"));
    assertNoWritesWhileWaiting("waiter");
    assertThat(volume("waits", "shared-data").getString("lastClaim")).isEqualTo("waits/holder-0");
    assertThat(admin.delete("/api/v1/namespaces/waits/services/waiter").status()).isEqualTo(200);
  }

  /** Four looks or more pass without a status write of the service. */
  private static void assertNoWritesWhileWaiting(String service) {
    String writes = "SELECT count(*) FROM change_log WHERE kind = 'Service' AND type = 'MODIFIED'"
        + " AND namespace = 'waits' AND name = '" + service + "'";
    String waiting = server.sqlValue(writes);
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(200))
        .until(() -> waiting.equals(server.sqlValue(writes)));
  }

  private static JsonObject firstReplica(String ns, String service) {
    JsonArray replicas = admin.get("/api/v1/namespaces/" + ns + "/services/" + service).json().getJsonObject("status")
        .getJsonArray("replicas", new JsonArray());
    return replicas.isEmpty() ? new JsonObject() : replicas.getJsonObject(0);
  }

  private static List<JsonObject> awaitReady(String ns, String service, int count) {
    JsonObject status = await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/" + ns + "/services/"
        + service).json().getJsonObject("status"), s -> {
          JsonArray replicas = s.getJsonArray("replicas", new JsonArray());
          return replicas.size() == count && replicas.stream()
              .allMatch(r -> "Ready".equals(((JsonObject) r).getString("phase")));
        });
    return status.getJsonArray("replicas").stream().map(JsonObject.class::cast).toList();
  }

  private static JsonObject awaitVolume(String ns, String name, String phase) {
    return await().atMost(WAIT).until(() -> {
      Http.Response r = admin.get("/api/v1/namespaces/" + ns + "/volumes/" + name);
      return r.status() == 200 ? r.json().getJsonObject("status").put("handle",
          r.json().getJsonObject("status").getString("handle")).put("uid", r.json().getString("uid")) : new JsonObject();
    }, s -> phase.equals(s.getString("phase")));
  }

  private static JsonObject volume(String ns, String name) {
    JsonObject volume = admin.get("/api/v1/namespaces/" + ns + "/volumes/" + name).json();
    return volume.getJsonObject("status").copy().put("uid", volume.getString("uid"));
  }

  private static String replicaPhase(JsonObject serviceFrame, int ordinal) {
    return serviceFrame.getJsonObject("object").getJsonObject("status", new JsonObject())
        .getJsonArray("replicas", new JsonArray()).stream().map(JsonObject.class::cast)
        .filter(r -> r.getInteger("ordinal") == ordinal).map(r -> r.getString("phase")).findFirst().orElse("absent");
  }

  private static boolean allReady(JsonObject serviceFrame) {
    JsonArray replicas = serviceFrame.getJsonObject("object").getJsonObject("status", new JsonObject())
        .getJsonArray("replicas", new JsonArray());
    return replicas.size() == 3 && replicas.stream().allMatch(r -> "Ready".equals(((JsonObject) r).getString("phase")));
  }

  private static boolean isVolume(JsonObject frame, String name) {
    JsonObject object = frame.getJsonObject("object");
    return "Volume".equals(frame.getString("kind")) && object != null && name.equals(object.getString("name"));
  }

  private static String phase(JsonObject frame) {
    return frame.getJsonObject("object").getJsonObject("status", new JsonObject()).getString("phase");
  }
}
