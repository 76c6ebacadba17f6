package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * DELETE of a StorageClass with cascade=true through the real server: every volume of the
 * class, in every namespace, is deleted through its own reclaimPolicy and the class goes, in
 * one transaction; only admins may ask; a Bound volume refuses it, and a refusal changes nothing.
 */
class StorageClassCascadeIT extends ApiTestBase {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String CLASSES = "/api/v1/storageclasses";

  @Override
  protected TestServer startServer() {
    return TestServer.external("sc-cascade");
  }

  @Test
  void aCascadeDeletesEveryVolumeOfTheClassInEveryNamespaceThroughItsOwnReclaimPolicy() throws IOException {
    createClass("doomed");
    Path inA = provisioned("cascade-a", "data", "doomed", null);
    Path inB = provisioned("cascade-b", "data", "doomed", null);
    Path kept = provisioned("cascade-b", "kept", "doomed", "retain");
    Path elsewhere = provisioned("cascade-a", "other", "local", "delete");
    for (Path dir : new Path[] {inA, inB, kept}) {
      Files.writeString(dir.resolve("file.txt"), "data");
    }

    awaitControllersIdle();
    long before = headSeq();
    Http.Response deleted = admin.delete(CLASSES + "/doomed?cascade=true");
    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(200);
    assertThat(deleted.json().getString("name")).isEqualTo("doomed");
    assertThat(admin.get(CLASSES + "/doomed").status()).isEqualTo(404);

    // One transaction: the class and the marks of its volumes at consecutive sequence numbers,
    // each volume marked as a volume DELETE marks it.
    String logged = server.sqlValue("SELECT string_agg(concat_ws(' ', type, kind, namespace || '/' || name,"
        + " object -> 'status' ->> 'phase', object -> 'status' ->> 'reason'), ', ' ORDER BY seq)"
        + " || ' | ' || (max(seq) - min(seq)) FROM (SELECT * FROM change_log WHERE seq > " + before
        + " AND ((kind = 'StorageClass' AND name = 'doomed') OR (kind = 'Volume'"
        + " AND namespace IN ('cascade-a', 'cascade-b'))) ORDER BY seq LIMIT 4) c");
    assertThat(logged).isEqualTo("DELETED StorageClass /doomed, "
        + "MODIFIED Volume cascade-a/data Deleting DeletionRequested, "
        + "MODIFIED Volume cascade-b/data Deleting DeletionRequested, "
        + "MODIFIED Volume cascade-b/kept Deleting DeletionRequested | 3");
    assertThat(server.sqlValue("SELECT object -> 'status' ->> 'message' FROM change_log WHERE seq > " + before
        + " AND kind = 'Volume' AND namespace = 'cascade-b' AND name = 'kept' ORDER BY seq LIMIT 1"))
        .isEqualTo("deletion requested; reclaimPolicy retain: the storage is kept before the volume goes");

    awaitGone("cascade-a", "data");
    awaitGone("cascade-b", "data");
    awaitGone("cascade-b", "kept");
    assertThat(inA).as("reclaimPolicy delete, from the class").doesNotExist();
    assertThat(inB).as("reclaimPolicy delete, from the class").doesNotExist();
    assertThat(kept.resolve("file.txt")).as("reclaimPolicy retain keeps the directory").hasContent("data");
    assertThat(phase("cascade-a", "other")).as("a volume of another class").isEqualTo("Available");
    assertThat(elsewhere).isDirectory();
  }

  @Test
  void withoutCascadeTheVolumesStayAndAreStillReclaimedAfterTheirClassIsGone() {
    createClass("plain");
    Path dir = provisioned("cascade-c", "v", "plain", null);
    assertThat(admin.delete(CLASSES + "/plain").status()).isEqualTo(200);
    assertThat(admin.get(CLASSES + "/plain").status()).isEqualTo(404);
    assertThat(phase("cascade-c", "v")).isEqualTo("Available");
    assertThat(dir).isDirectory();

    // The volume controller reclaims with the driver the volume's status recorded.
    assertThat(admin.delete(volumes("cascade-c") + "/v").status()).isEqualTo(200);
    awaitGone("cascade-c", "v");
    assertThat(dir).doesNotExist();
  }

  @Test
  void onlyAnAdminMayCascadeOverRestOrTheBusAndARefusalChangesNothing() {
    createClass("guarded");
    Path dir = provisioned("cascade-d", "v", "guarded", null);
    Http readwrite = server.client("readwrite", "cascade-d");

    Http.Response refused = assertRefused(403, "Forbidden",
        () -> readwrite.delete(CLASSES + "/guarded?cascade=true"));
    assertThat(refused.json().getJsonObject("error").getString("message")).contains("admin", "readwrite");
    assertRefused(400, "MalformedRequest", () -> admin.delete(CLASSES + "/guarded?cascade=yes"));

    JsonObject request = new JsonObject().put("name", "guarded").put("cascade", true);
    long before = headSeq();
    assertThat(busFailure(request, readwrite.token()).failureCode()).isEqualTo(403);
    assertThat(busFailure(request.copy().put("cascade", "yes"), null).failureCode()).isEqualTo(400);
    assertThat(headSeq()).as("nothing may be written by a refused request").isEqualTo(before);
    assertThat(admin.get(CLASSES + "/guarded").status()).isEqualTo(200);
    assertThat(phase("cascade-d", "v")).isEqualTo("Available");

    // The embedding application (no token) may.
    JsonObject deleted = (JsonObject) TestServer.await(server.vertx().eventBus()
        .request(EventBusApi.PREFIX + "storageclasses.delete", request)).body();
    assertThat(deleted.getString("name")).isEqualTo("guarded");
    awaitGone("cascade-d", "v");
    assertThat(dir).doesNotExist();
    assertThat(admin.get(CLASSES + "/guarded").status()).isEqualTo(404);
  }

  @Test
  void boundVolumesRefuseTheCascadeByNameUntilTheirServicesAreGone() {
    String ns = "cascade-e";
    createClass("busy");
    Path shared = provisioned(ns, "shared", "busy", null);
    Path idle = provisioned(ns, "idle", "busy", null);
    cast(ns, new JsonObject().put("name", "web").put("scale", 1).put("volumes", new JsonArray()
        .add(new JsonObject().put("name", "data").put("mountPath", "/srv")
            .put("claim", new JsonObject().put("name", "shared")))));
    cast(ns, new JsonObject().put("name", "db").put("scale", 4).put("volumes", new JsonArray()
        .add(new JsonObject().put("name", "data").put("mountPath", "/var/lib/db")
            .put("claimTemplate", new JsonObject().put("storageClassName", "busy").put("size", "1Gi")))));
    for (String volume : new String[] {"shared", "data-db-0", "data-db-1", "data-db-2", "data-db-3"}) {
      await().atMost(WAIT).until(() -> phase(ns, volume), "Bound"::equals);
    }

    Http.Response five = assertRefused(409, "VolumeInUse", () -> admin.delete(CLASSES + "/busy?cascade=true"));
    assertThat(five.json().getJsonObject("error").getString("message")).isEqualTo("StorageClass 'busy' cannot be"
        + " deleted with cascade: volumes cascade-e/data-db-0 (bound to cascade-e/db-0), cascade-e/data-db-1"
        + " (bound to cascade-e/db-1), cascade-e/data-db-2 (bound to cascade-e/db-2) and 2 more are in use;"
        + " detach them or delete their services first, then delete the class again. Nothing was changed");
    assertThat(admin.get(CLASSES + "/busy").status()).isEqualTo(200);
    assertThat(phase(ns, "idle")).isEqualTo("Available");

    assertThat(admin.delete(services(ns) + "/db?cascade=true").status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> admin.get(services(ns) + "/db").status() == 404);
    Http.Response one = assertRefused(409, "VolumeInUse", () -> admin.delete(CLASSES + "/busy?cascade=true"));
    assertThat(one.json().getJsonObject("error").getString("message")).contains(
        "volume cascade-e/shared (bound to cascade-e/web-0) is in use; detach it or delete its service first");

    assertThat(admin.delete(services(ns) + "/web").status()).isEqualTo(200);
    await().atMost(WAIT).until(() -> phase(ns, "shared"), "Released"::equals);
    assertThat(admin.delete(CLASSES + "/busy?cascade=true").status()).isEqualTo(200);
    awaitGone(ns, "shared");
    awaitGone(ns, "idle");
    assertThat(shared).doesNotExist();
    assertThat(idle).doesNotExist();
  }

  // --- helpers

  /** A class of the local driver whose volumes' storage goes with them unless they say otherwise. */
  private void createClass(String name) {
    Http.Response created = admin.post(CLASSES, new JsonObject().put("name", name).put("driver", "local")
        .put("reclaimPolicy", "delete"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  /** An Available volume of {@code storageClass}; its directory. */
  private Path provisioned(String ns, String name, String storageClass, String reclaimPolicy) {
    JsonObject body = new JsonObject().put("name", name).put("size", "1Gi").put("storageClassName", storageClass);
    if (reclaimPolicy != null) {
      body.put("reclaimPolicy", reclaimPolicy);
    }
    Http.Response created = createVolume(ns, body);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    JsonObject status = created.json().getJsonObject("status");
    assertThat(status.getString("phase")).isEqualTo("Available");
    Path dir = server.config().storage().localVolumeRoot().resolve(status.getString("handle"));
    assertThat(dir).isDirectory();
    return dir;
  }

  private void cast(String ns, JsonObject service) {
    Http.Response created = admin.post(services(ns), service);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  private static String services(String namespace) {
    return "/api/v1/namespaces/" + namespace + "/services";
  }

  private String phase(String ns, String name) {
    Http.Response volume = admin.get(volumes(ns) + "/" + name);
    return volume.status() == 200 ? volume.json().getJsonObject("status").getString("phase") : null;
  }

  private void awaitGone(String ns, String name) {
    await().atMost(WAIT).until(() -> admin.get(volumes(ns) + "/" + name).status() == 404);
  }

  /** The failure of a storage class delete over the event bus, with the token header when given. */
  private ReplyException busFailure(JsonObject request, String token) {
    DeliveryOptions options = new DeliveryOptions();
    if (token != null) {
      options.addHeader("token", token);
    }
    return (ReplyException) catchThrowableOfType(IllegalStateException.class, () -> TestServer.await(
        server.vertx().eventBus().request(EventBusApi.PREFIX + "storageclasses.delete", request, options)))
        .getCause();
  }
}
