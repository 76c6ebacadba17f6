package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * {@code ?dryRun=All} on every write, through the real server: the answer is the real
 * write's (the would-be object, or the same error), and nothing is kept: the change-log head
 * does not move, no list shows the object, no directory appears on disk.
 */
class DryRunIT extends ApiTestBase {
  private static final String DRY = "?dryRun=All";
  private Path hostRoot;

  @Override
  protected TestServer startServer() {
    try {
      hostRoot = TestServer.tempDir("dry-run-hosts").toRealPath();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return TestServer.external("dryrun", new JsonObject().put("storage", new JsonObject()
        .put("hostPathAllowlist", new JsonArray().add(hostRoot.toString())).put("allowCreateMissing", true)));
  }

  private static String services(String namespace) {
    return "/api/v1/namespaces/" + namespace + "/services";
  }

  private static String secrets(String namespace) {
    return "/api/v1/namespaces/" + namespace + "/secrets";
  }

  /** Sends a dry run that must answer {@code status}, and checks that it changed nothing. */
  private Http.Response dryRun(int status, Supplier<Http.Response> request) {
    awaitControllersIdle();
    long before = headSeq();
    Http.Response response = request.get();
    assertThat(response.status()).as("%s", response).isEqualTo(status);
    assertThat(response.header("Rune-Dry-Run")).as("%s", response).isEqualTo("All");
    assertThat(headSeq()).as("a dry run moves no change-log head").isEqualTo(before);
    return response;
  }

  @Test
  void aDryRunCreateOfEveryKindAnswersTheWouldBeObjectAndStoresNothing() throws IOException {
    String ns = newNamespace();
    createVolume(ns, new JsonObject().put("name", "data").put("size", "1Gi"));
    Http.Response snap = admin.post(snapshots(ns), new JsonObject().put("name", "data-1")
        .put("source", new JsonObject().put("volume", "data")));
    assertThat(snap.status()).as("%s", snap).isEqualTo(201);

    JsonObject cls = dryRun(201, () -> admin.post("/api/v1/storageclasses" + DRY, new JsonObject()
        .put("name", "dry-class").put("driver", "local"))).json();
    assertThat(cls.getString("name")).isEqualTo("dry-class");
    assertThat(cls.getString("uid")).isNotBlank();
    assertThat(admin.get("/api/v1/storageclasses/dry-class").status()).isEqualTo(404);

    JsonObject volume = dryRun(201, () -> admin.post(volumes(ns) + DRY, new JsonObject().put("name", "dry-vol")
        .put("size", "2Gi").put("accessMode", "RWO"))).json();
    assertThat(volume.getString("accessMode")).isEqualTo("ReadWriteOnce");
    assertThat(volume.getJsonObject("status").getString("phase")).isEqualTo("Pending");
    assertThat(admin.get(volumes(ns)).items()).hasSize(1);

    dryRun(201, () -> admin.post(snapshots(ns) + DRY, new JsonObject().put("name", "dry-snap")
        .put("source", new JsonObject().put("volume", "data"))));
    assertThat(admin.get(snapshots(ns)).items()).hasSize(1);

    dryRun(201, () -> admin.post(services(ns) + DRY, new JsonObject().put("name", "web").put("scale", 1)
        .put("volumes", new JsonArray().add(new JsonObject().put("name", "data").put("mountPath", "/srv")
            .put("claimTemplate", new JsonObject().put("size", "1Gi").put("accessMode", "RWO"))))));
    assertThat(admin.get(services(ns)).items()).isEmpty();

    JsonObject secret = dryRun(201, () -> admin.post(secrets(ns) + DRY, new JsonObject().put("name", "creds")
        .put("data", new JsonObject().put("password", "hunter2")))).json();
    assertThat(secret.getJsonObject("status").getJsonArray("keys")).containsExactly("password");
    assertThat(admin.get(secrets(ns)).items()).isEmpty();
    assertThat(server.sqlValue("SELECT count(*) FROM secret_values s JOIN objects o ON o.uid = s.uid"
        + " WHERE o.namespace = '" + ns + "'")).isEqualTo("0");

    // createIfMissing: the directory is the controller's to make, and no controller hears of a dry run.
    Path missing = hostRoot.resolve("made-by-dry-run");
    dryRun(201, () -> admin.post(volumes(ns) + DRY, new JsonObject().put("name", "host").put("size", "1Gi")
        .put("storageClassName", "local-host").put("hostPath", missing.toString()).put("createIfMissing", true)));
    assertThat(admin.get(volumes(ns) + "/host").status()).isEqualTo(404);
    assertThat(missing).doesNotExist();

    JsonObject applied = dryRun(200, () -> admin.post("/api/v1/apply" + DRY, new JsonObject().put("volume",
        new JsonObject().put("name", "applied").put("namespace", ns).put("size", "1Gi")))).json();
    assertThat(applied.getJsonArray("results").getJsonObject(0).getString("action")).isEqualTo("created");
    assertThat(admin.get(volumes(ns) + "/applied").status()).isEqualTo(404);
  }

  @Test
  void aDryRunFailsAsTheRealWriteWould() {
    String ns = newNamespace();
    createVolume(ns, new JsonObject().put("name", "taken").put("size", "1Gi"));
    Http.Response taken = dryRun(409, () -> admin.post(volumes(ns) + DRY, new JsonObject().put("name", "taken")
        .put("size", "1Gi")));
    assertThat(taken.errorCode()).isEqualTo("AlreadyExists");
    // A default class is written in a transaction of its own (it demotes the old default).
    JsonObject defaultClass = new JsonObject().put("name", "local").put("driver", "local").put("default", true);
    Http.Response classTaken = dryRun(409, () -> admin.post("/api/v1/storageclasses" + DRY, defaultClass));
    assertThat(classTaken.errorCode()).isEqualTo("AlreadyExists");
    Http.Response realTaken = assertRefused(409, "AlreadyExists", () -> admin.post("/api/v1/storageclasses",
        defaultClass));
    assertThat(classTaken.json()).isEqualTo(realTaken.json());
    Http.Response badSize = dryRun(422, () -> admin.post(volumes(ns) + DRY, new JsonObject().put("name", "big")
        .put("size", "lots")));
    assertThat(badSize.errorField()).isEqualTo("size");
    Http readonly = server.client("readonly");
    Http.Response forbidden = dryRun(403, () -> readonly.post(volumes(ns) + DRY, new JsonObject().put("name", "ro")
        .put("size", "1Gi")));
    assertThat(forbidden.errorCode()).isEqualTo("Forbidden");
    JsonObject current = admin.get(volumes(ns) + "/taken").json();
    Http.Response stale = dryRun(409, () -> admin.put(volumes(ns) + "/taken" + DRY,
        current.copy().put("resourceVersion", "1").put("labels", new JsonObject().put("a", "b"))));
    assertThat(stale.errorCode()).isEqualTo("Conflict");
    Http.Response stalePatch = dryRun(409, () -> admin.send("PATCH", volumes(ns) + "/taken" + DRY,
        "{\"resourceVersion\":\"1\",\"labels\":{\"a\":\"b\"}}", "application/merge-patch+json"));
    assertThat(stalePatch.errorCode()).isEqualTo("Conflict");
    Http.Response notRetryable = dryRun(409, () -> admin.post(volumes(ns) + "/taken/retry" + DRY, null));
    assertThat(notRetryable.errorCode()).isEqualTo("InvalidPhase");
    String documents = new JsonArray()
        .add(new JsonObject().put("volume", new JsonObject().put("name", "fresh").put("namespace", ns).put("size", "1Gi")))
        .add(new JsonObject().put("volume", current.copy().put("resourceVersion", "1"))).encode();
    Http.Response secondDocument = dryRun(409, () -> admin.send("POST", "/api/v1/apply" + DRY, documents,
        "application/json"));
    assertThat(secondDocument.errorField()).startsWith("documents[1]");

    for (String value : new String[] {"all", "true", "", "Server"}) {
      Http.Response bad = assertRefused(400, "MalformedRequest", () -> admin.post(volumes(ns) + "?dryRun=" + value,
          new JsonObject().put("name", "x").put("size", "1Gi")));
      assertThat(bad.errorField()).isEqualTo("dryRun");
    }
  }

  @Test
  void aDryRunOfEveryOtherWriteAnswersAsTheWriteWouldAndKeepsNothing() {
    String ns = newNamespace();
    JsonObject volume = createVolume(ns, new JsonObject().put("name", "data").put("size", "1Gi")).json();
    String path = volumes(ns) + "/data";

    JsonObject grown = dryRun(200, () -> admin.put(path + DRY, volume.copy().put("size", "2Gi"))).json();
    assertThat(grown.getString("size")).isEqualTo("2Gi");
    assertThat(grown.getString("resourceVersion")).isNotEqualTo(volume.getString("resourceVersion"));
    JsonObject labelled = dryRun(200, () -> admin.send("PATCH", path + DRY,
        "{\"labels\":{\"tier\":\"gold\"}}", "application/merge-patch+json")).json();
    assertThat(labelled.getJsonObject("labels").getString("tier")).isEqualTo("gold");
    JsonObject deleting = dryRun(200, () -> admin.delete(path + DRY)).json();
    assertThat(deleting.getJsonObject("status").getString("phase")).isEqualTo("Deleting");
    dryRun(200, () -> admin.post(path + "/detach" + DRY, null));

    JsonObject after = admin.get(path).json();
    assertThat(after.getString("resourceVersion")).isEqualTo(volume.getString("resourceVersion"));
    assertThat(after.getString("size")).isEqualTo("1Gi");
    assertThat(after.getJsonObject("labels")).isEqualTo(volume.getJsonObject("labels"));

    Http.Response snap = admin.post(snapshots(ns), new JsonObject().put("name", "data-1")
        .put("source", new JsonObject().put("volume", "data")));
    assertThat(snap.status()).as("%s", snap).isEqualTo(201);
    await().atMost(Duration.ofSeconds(30)).until(() -> admin.get(snapshots(ns) + "/data-1").json(),
        s -> "Ready".equals(s.getJsonObject("status").getString("phase")));
    JsonObject restored = dryRun(201, () -> admin.post(volumes(ns) + "/copy/restore" + DRY,
        new JsonObject().put("fromSnapshot", "data-1"))).json();
    assertThat(restored.getJsonObject("source").getString("snapshot")).isEqualTo("data-1");
    assertThat(admin.get(volumes(ns) + "/copy").status()).isEqualTo(404);

    assertThat(admin.post("/api/v1/storageclasses", new JsonObject().put("name", "dry-default-" + ns)
        .put("driver", "local")).status()).isEqualTo(201);
    JsonObject promoted = dryRun(200, () -> admin.post("/api/v1/storageclasses/dry-default-" + ns
        + "/set-default" + DRY, null)).json();
    assertThat(promoted.getBoolean("default")).isTrue();
    assertThat(admin.get("/api/v1/storageclasses/local").json().getBoolean("default")).isTrue();
    assertThat(admin.delete("/api/v1/storageclasses/dry-default-" + ns).status()).isEqualTo(200);
  }

  @Test
  void theEventBusTakesTheDryRunHeader() {
    String ns = newNamespace();
    DeliveryOptions options = new DeliveryOptions().addHeader("token", server.adminToken()).addHeader("dryRun", "All");
    long before = headSeq();
    Message<Object> reply = TestServer.await(server.vertx().eventBus().request("rune.api.volumes.create",
        new JsonObject().put("namespace", ns).put("object", new JsonObject().put("name", "bus").put("size", "1Gi")),
        options));
    assertThat(((JsonObject) reply.body()).getString("name")).isEqualTo("bus");
    assertThat(reply.headers().get("Rune-Dry-Run")).isEqualTo("All");
    assertThat(headSeq()).isEqualTo(before);
    assertThat(admin.get(volumes(ns) + "/bus").status()).isEqualTo(404);

    DeliveryOptions wrong = new DeliveryOptions().addHeader("token", server.adminToken()).addHeader("dryRun", "yes");
    Throwable failure = catchThrowableOfType(IllegalStateException.class, () -> TestServer.await(server.vertx()
        .eventBus().request("rune.api.volumes.create", new JsonObject().put("namespace", ns).put("object",
            new JsonObject().put("name", "bus").put("size", "1Gi")), wrong))).getCause();
    assertThat(failure).isInstanceOf(ReplyException.class);
    ReplyException refused = (ReplyException) failure;
    assertThat(refused.failureCode()).isEqualTo(400);
    assertThat(new JsonObject(refused.getMessage()).getJsonObject("error").getString("field")).isEqualTo("dryRun");
    assertThat(admin.get(volumes(ns) + "/bus").status()).isEqualTo(404);
  }
}
