package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Editing objects as clients do: PUT takes back what GET returned (server-written fields
 * are ignored), PATCH takes a JSON merge patch, and bodies are JSON or YAML, never forms.
 */
class PatchAndPutIT extends ApiTestBase {
  private static final String MERGE = "application/merge-patch+json";

  @Override
  protected TestServer startServer() {
    return TestServer.external("patch");
  }

  private static String services(String namespace) {
    return "/api/v1/namespaces/" + namespace + "/services";
  }

  private static String secrets(String namespace) {
    return "/api/v1/namespaces/" + namespace + "/secrets";
  }

  private Http.Response patch(String path, String patch) {
    return admin.send("PATCH", path, patch, MERGE);
  }

  /** GET, change a label, PUT it back whole: every server-written field goes back with it. */
  private void getEditPut(String path) {
    awaitControllersIdle();
    JsonObject got = admin.get(path).json();
    got.getJsonObject("labels").put("edited", "yes");
    Http.Response put = admin.put(path, got);
    assertThat(put.status()).as("PUT of what GET returned for %s: %s", path, put).isEqualTo(200);
    assertThat(put.json().getJsonObject("labels").getString("edited")).isEqualTo("yes");
    assertThat(admin.get(path).json().getJsonObject("labels").getString("edited")).isEqualTo("yes");
  }

  @Test
  void everyKindWithPutTakesBackWhatGetReturned() {
    String ns = newNamespace();
    assertThat(admin.post("/api/v1/storageclasses", new JsonObject().put("name", "edit-" + ns).put("driver", "local"))
        .status()).isEqualTo(201);
    getEditPut("/api/v1/storageclasses/edit-" + ns);
    assertThat(createVolume(ns, new JsonObject().put("name", "data").put("size", "1Gi")).status()).isEqualTo(201);
    getEditPut(volumes(ns) + "/data");
    Http.Response web = admin.post(services(ns), new JsonObject().put("name", "web").put("scale", 1)
        .put("volumes", new JsonArray().add(new JsonObject().put("name", "data").put("mountPath", "/srv")
            .put("claimTemplate", new JsonObject().put("size", "1Gi")))));
    assertThat(web.status()).as("%s", web).isEqualTo(201);
    getEditPut(services(ns) + "/web");
    assertThat(admin.post(secrets(ns), new JsonObject().put("name", "creds")
        .put("data", new JsonObject().put("user", "u").put("password", "p"))).status()).isEqualTo(201);
    getEditPut(secrets(ns) + "/creds");
    assertThat(TestServer.await(server.secretValues().values(ns, "creds")))
        .as("a PUT without data keeps the values").isEqualTo(Map.of("user", "u", "password", "p"));

    // /apply takes back what GET returned too, every kind, and finds nothing to change.
    Http.Response snapshot = admin.post(snapshots(ns), new JsonObject().put("name", "data-1")
        .put("source", new JsonObject().put("volume", "data")));
    assertThat(snapshot.status()).as("%s", snapshot).isEqualTo(201);
    awaitControllersIdle();
    await().atMost(java.time.Duration.ofSeconds(30)).until(() -> admin.get(snapshots(ns) + "/data-1").json()
        .getJsonObject("status").getString("phase"), "Ready"::equals);
    JsonArray documents = new JsonArray()
        .add(new JsonObject().put("storageClass", admin.get("/api/v1/storageclasses/edit-" + ns).json()))
        .add(new JsonObject().put("volume", admin.get(volumes(ns) + "/data").json()))
        .add(new JsonObject().put("snapshot", admin.get(snapshots(ns) + "/data-1").json()))
        .add(new JsonObject().put("service", admin.get(services(ns) + "/web").json()))
        .add(new JsonObject().put("secret", admin.get(secrets(ns) + "/creds").json()));
    Http.Response applied = admin.send("POST", "/api/v1/apply", documents.encode(), "application/json");
    assertThat(applied.status()).as("%s", applied).isEqualTo(200);
    assertThat(applied.json().getJsonArray("results").stream().map(r -> ((JsonObject) r).getString("action")))
        .as("%s", applied).containsOnly("unchanged");
    assertThat(admin.delete("/api/v1/storageclasses/edit-" + ns).status()).isEqualTo(200);
  }

  @Test
  void unknownFieldsAreStillRefused() {
    String ns = newNamespace();
    createVolume(ns, new JsonObject().put("name", "data").put("size", "1Gi"));
    JsonObject got = admin.get(volumes(ns) + "/data").json();
    Http.Response refused = assertRefused(400, "MalformedBody", () -> admin.put(volumes(ns) + "/data",
        got.copy().put("sizee", "2Gi")));
    assertThat(refused.errorField()).isEqualTo("sizee");
    assertRefused(400, "MalformedBody", () -> patch(volumes(ns) + "/data", "{\"sizee\":\"2Gi\"}"));
  }

  @Test
  void patchMergesOntoTheObjectAndRunsThePutChecks() {
    String ns = newNamespace();
    JsonObject volume = createVolume(ns, new JsonObject().put("name", "data").put("size", "1Gi")
        .put("labels", new JsonObject().put("app", "web").put("tier", "bronze"))).json();
    String path = volumes(ns) + "/data";

    Http.Response labelled = patch(path, "{\"labels\":{\"tier\":\"gold\",\"app\":null,\"team\":\"db\"}}");
    assertThat(labelled.status()).as("%s", labelled).isEqualTo(200);
    assertThat(labelled.json().getJsonObject("labels")).isEqualTo(new JsonObject().put("tier", "gold").put("team", "db"));
    assertThat(labelled.json().getString("size")).isEqualTo("1Gi");
    assertThat(admin.get(path).json().getJsonObject("labels").getString("tier")).isEqualTo("gold");

    Http.Response immutable = assertRefused(422, "Invalid", () -> patch(path, "{\"accessMode\":\"RWX\"}"));
    assertThat(immutable.errorField()).isEqualTo("accessMode");
    Http.Response stale = assertRefused(409, "Conflict", () -> patch(path, "{\"resourceVersion\":\""
        + volume.getString("resourceVersion") + "\",\"labels\":{\"x\":\"y\"}}"));
    assertThat(stale.errorField()).isEqualTo("resourceVersion");
    String current = admin.get(path).json().getString("resourceVersion");
    assertThat(patch(path, "{\"resourceVersion\":\"" + current + "\",\"labels\":{\"x\":\"y\"}}").status())
        .isEqualTo(200);

    Http.Response json = assertRefused(415, "UnsupportedMediaType", () -> admin.send("PATCH", path,
        "{\"labels\":{}}", "application/json"));
    assertThat(json.json().getJsonObject("error").getString("message")).contains(MERGE);
    assertRefused(404, "NotFound", () -> patch(volumes(ns) + "/nothing", "{\"labels\":{}}"));
    assertRefused(400, "MalformedBody", () -> patch(path, "[1]"));
  }

  @Test
  void aSecretPatchMergesIntoItsValues() {
    String ns = newNamespace();
    String path = secrets(ns) + "/creds";
    assertThat(admin.post(secrets(ns), new JsonObject().put("name", "creds")
        .put("data", new JsonObject().put("user", "u").put("password", "p"))).status()).isEqualTo(201);
    Http.Response changed = patch(path, "{\"data\":{\"password\":\"p2\",\"user\":null,\"token\":\"t\"}}");
    assertThat(changed.status()).as("%s", changed).isEqualTo(200);
    assertThat(changed.body()).doesNotContain("p2");
    assertThat(changed.json().getJsonObject("status").getJsonArray("keys")).containsExactly("password", "token");
    assertThat(TestServer.await(server.secretValues().values(ns, "creds")))
        .isEqualTo(Map.of("password", "p2", "token", "t"));
    Http.Response labelled = patch(path, "{\"labels\":{\"app\":\"db\"}}");
    assertThat(labelled.status()).as("%s", labelled).isEqualTo(200);
    assertThat(TestServer.await(server.secretValues().values(ns, "creds")))
        .isEqualTo(Map.of("password", "p2", "token", "t"));
    assertRefused(422, "Invalid", () -> patch(path, "{\"data\":{\"password\":null,\"token\":null}}"));
  }

  @Test
  void shortAccessModesAreStoredByTheirFullNames() {
    String ns = newNamespace();
    Http.Response created = admin.post(volumes(ns), new JsonObject().put("name", "rwo").put("size", "1Gi")
        .put("accessMode", "RWO"));
    assertThat(created.status()).as("%s", created).isEqualTo(201);
    assertThat(created.json().getString("accessMode")).isEqualTo("ReadWriteOnce");
    assertThat(server.sqlValue("SELECT spec ->> 'accessMode' FROM objects WHERE kind = 'Volume' AND namespace = '"
        + ns + "' AND name = 'rwo'")).isEqualTo("ReadWriteOnce");
    Http.Response web = admin.post(services(ns), new JsonObject().put("name", "web").put("scale", 1)
        .put("volumes", new JsonArray().add(new JsonObject().put("name", "data").put("mountPath", "/srv")
            .put("claimTemplate", new JsonObject().put("size", "1Gi").put("accessMode", "RWO")))));
    assertThat(web.status()).as("%s", web).isEqualTo(201);
    assertThat(web.json().getJsonArray("volumes").getJsonObject(0).getJsonObject("claimTemplate")
        .getString("accessMode")).isEqualTo("ReadWriteOnce");
    Http.Response unknown = assertRefused(422, "Invalid", () -> admin.post(volumes(ns), new JsonObject()
        .put("name", "rwz").put("size", "1Gi").put("accessMode", "RWZ")));
    assertThat(unknown.json().getJsonObject("error").getString("message")).contains("RWO");
  }

  @Test
  void aFormBodyIsRefusedWith415() {
    String ns = newNamespace();
    for (String path : new String[] {volumes(ns), "/api/v1/apply", "/api/v1/tokens"}) {
      Http.Response form = assertRefused(415, "UnsupportedMediaType", () -> admin.send("POST", path,
          "{\"name\":\"x\",\"size\":\"1Gi\"}", "application/x-www-form-urlencoded"));
      assertThat(form.json().getJsonObject("error").getString("message")).contains("Content-Type: application/json");
    }
  }
}
