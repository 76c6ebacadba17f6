package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The cast-time lint of Services through real HTTP: what API.md shows is accepted and
 * stored with its defaults, and everything STORAGE.md forbids is refused with its code and
 * field, with nothing stored (the change-log head does not move).
 */
class ServiceLintIT extends ApiTestBase {

  @Override
  protected TestServer startServer() {
    return TestServer.external("services");
  }

  private static String services(String namespace) {
    return "/api/v1/namespaces/" + namespace + "/services";
  }

  @Test
  void theExamplesOfApiMdAreAcceptedAndStoredWithTheirDefaults() {
    assertThat(createVolume("default", new JsonObject().put("name", "web-data").put("size", "5Gi")).status())
        .isEqualTo(201);
    Http.Response web = admin.post(services("default"), new JsonObject().put("name", "web").put("scale", 1)
        .put("volumes", new JsonArray().add(new JsonObject().put("name", "data").put("mountPath", "/var/lib/web")
            .put("claim", new JsonObject().put("name", "web-data")))));
    assertThat(web.status()).as(web.body()).isEqualTo(201);
    JsonObject stored = admin.get(services("default") + "/web").json();
    // The controller may place the replica between the POST and the GET: compare what the user wrote.
    assertThat(withoutServerWritten(stored)).isEqualTo(withoutServerWritten(web.json()));
    assertThat(stored.getInteger("scale")).isEqualTo(1);
    assertThat(stored.getJsonArray("volumes").getJsonObject(0)).isEqualTo(new JsonObject().put("name", "data")
        .put("mountPath", "/var/lib/web").put("readOnly", false).put("claim", new JsonObject().put("name", "web-data")));
    assertThat(web.json().getJsonObject("status"))
        .isEqualTo(new JsonObject().put("phase", "Active").put("replicas", new JsonArray()).put("readyReplicas", 0));

    // The postgres document exactly as API.md writes it, through /apply.
    String yaml = """
        service:
          name: postgres
          namespace: prod
          scale: 3
          volumes:
            - name: pgdata
              mountPath: /var/lib/postgresql/data
              claimTemplate: {storageClassName: local, size: 10Gi, accessMode: ReadWriteOnce}
        """;
    Http.Response applied = admin.send("POST", "/api/v1/apply", yaml, "application/yaml");
    assertThat(applied.status()).as(applied.body()).isEqualTo(200);
    assertThat(applied.json().getJsonArray("results").getJsonObject(0).getString("action")).isEqualTo("created");
    JsonObject postgres = admin.get(services("prod") + "/postgres").json();
    assertThat(postgres.getInteger("scale")).isEqualTo(3);
    assertThat(postgres.getJsonArray("volumes").getJsonObject(0)).isEqualTo(new JsonObject().put("name", "pgdata")
        .put("mountPath", "/var/lib/postgresql/data").put("readOnly", false)
        .put("claimTemplate", new JsonObject().put("storageClassName", "local").put("size", "10Gi")
            .put("accessMode", "ReadWriteOnce").put("reclaimPolicy", "retain").put("parameters", new JsonObject())));
    assertThat(postgres.getJsonObject("status").getString("phase")).isEqualTo("Active");

    Http.Response again = admin.send("POST", "/api/v1/apply", yaml, "application/yaml");
    assertThat(again.json().getJsonArray("results").getJsonObject(0).getString("action"))
        .as("the stored defaults are what the document means").isEqualTo("unchanged");
    assertThat(admin.get("/api/v1/services").items().stream().map(o -> ((JsonObject) o).getString("name")))
        .contains("web", "postgres");
    assertThat(admin.get(services("prod")).items()).hasSize(1);
  }

  @Test
  void theInputLintRefusesAndStoresNothing() {
    String ns = newNamespace();
    assertLint(ns, service(null), "Invalid", "scale");
    assertLint(ns, service(-1), "Invalid", "scale");
    assertLint(ns, service(1001), "Invalid", "scale");
    assertLint(ns, service(1).put("volumes", volumes(template("Data", "/data", sized("1Gi")))),
        "Invalid", "volumes[0].name");
    assertLint(ns, service(1).put("volumes", volumes(template("data", "/a", sized("1Gi")),
        template("data", "/b", sized("1Gi")))), "Invalid", "volumes[1].name");
    assertLint(ns, service(1).put("volumes", volumes(template("data", null, sized("1Gi")))),
        "Invalid", "volumes[0].mountPath");
    assertLint(ns, service(1).put("volumes", volumes(new JsonObject().put("name", "data").put("mountPath", "/data"))),
        "Invalid", "volumes[0]");
    assertLint(ns, service(1).put("volumes", volumes(template("data", "/data", sized("1Gi"))
        .put("claim", new JsonObject().put("name", "web-data")))), "Invalid", "volumes[0]");
    assertLint(ns, service(1).put("volumes", volumes(template("data", "/data", sized("1Gi")).put("subPath", "../x"))),
        "Invalid", "volumes[0].subPath");
    assertLint(ns, service(1).put("volumes", volumes(template("data", "/data", sized("1Gi")).put("subPath", "/x"))),
        "Invalid", "volumes[0].subPath");
    assertLint(ns, service(1).put("volumes", volumes(claim("data", "/data", "web.data"))),
        "Invalid", "volumes[0].claim.name");
    String tooLong = "v".repeat(60);
    assertLint(ns, service(1).put("volumes", volumes(template(tooLong, "/data", sized("1Gi")))),
        "Invalid", "volumes[0].name");
  }

  @Test
  void mountPathsOnTheBlocklistOrOnOneDirectoryAreRefused() {
    String ns = newNamespace();
    for (String path : new String[] {"/", "/etc", "/etc/", "/srv/../etc", "/proc", "/proc/self", "//sys/fs",
        "/var/run/docker.sock", "/run/docker.sock"}) {
      assertLint(ns, service(1).put("volumes", volumes(template("data", path, sized("1Gi")))),
          "MountPathBlocked", "volumes[0].mountPath");
    }
    Http.Response same = assertLint(ns, service(1).put("volumes", volumes(template("data", "/srv/data", sized("1Gi")),
        template("logs", "/srv/./data/", sized("1Gi")))), "Invalid", "volumes[1].mountPath");
    assertThat(same.json().getJsonObject("error").getString("message")).contains("'data'");
  }

  @Test
  void claimsMustExistAndBeShareableAtTheScaleAskedFor() {
    String ns = newNamespace();
    Http.Response missing = assertLint(ns, service(1).put("volumes", volumes(claim("data", "/data", "web-data"))),
        "Invalid", "volumes[0].claim.name");
    assertThat(missing.json().getJsonObject("error").getString("message")).contains("does not exist");
    assertThat(createVolume(ns, new JsonObject().put("name", "web-data").put("size", "1Gi")).status()).isEqualTo(201);
    Http.Response rwo = assertLint(ns, service(2).put("volumes", volumes(claim("data", "/data", "web-data"))),
        "ScaleRequiresShareableVolume", "volumes[0].claim.name");
    assertThat(rwo.json().getJsonObject("error").getString("message"))
        .contains("ReadWriteOnce").contains("scale: 1").contains("ReadOnlyMany or ReadWriteMany");
    assertThat(admin.post(services(ns), service(1).put("volumes", volumes(claim("data", "/data", "web-data"))))
        .status()).isEqualTo(201);
  }

  @Test
  void claimTemplatesAreCheckedAgainstTheirClass() {
    String ns = newNamespace();
    assertLint(ns, service(1).put("volumes", volumes(template("data", "/data", new JsonObject()))),
        "Invalid", "volumes[0].claimTemplate.size");
    assertLint(ns, service(1).put("volumes", volumes(template("data", "/data", sized("10GB")))),
        "Invalid", "volumes[0].claimTemplate.size");
    assertLint(ns, service(1).put("volumes", volumes(template("data", "/data", sized("1Gi")
        .put("storageClassName", "nope")))), "Invalid", "volumes[0].claimTemplate.storageClassName");
    assertLint(ns, service(1).put("volumes", volumes(template("data", "/data", sized("1Gi")
        .put("accessMode", "ReadWriteMany")))), "UnsupportedAccessMode", "volumes[0].claimTemplate.accessMode");
    assertLint(ns, service(1).put("volumes", volumes(template("data", "/data", sized("1Gi")
        .put("storageClassName", "local-host").put("reclaimPolicy", "delete")))),
        "DeleteUnsupported", "volumes[0].claimTemplate.reclaimPolicy");
    assertLint(ns, service(1).put("volumes", volumes(template("data", "/data", sized("1Gi")
        .put("storageClassName", "local-host")))), "Invalid", "volumes[0].claimTemplate.storageClassName");
    Http.Response inApply = assertRefused(422, "UnsupportedAccessMode", () -> admin.send("POST", "/api/v1/apply",
        new JsonObject().put("service", service(1).put("namespace", ns).put("volumes", volumes(template("data",
            "/data", sized("1Gi").put("accessMode", "ReadWriteMany"))))).encode(), "application/json"));
    assertThat(inApply.errorField()).isEqualTo("documents[0].volumes[0].claimTemplate.accessMode");
    assertThat(admin.get(services(ns) + "/svc").status()).isEqualTo(404);
  }

  @Test
  void withoutADefaultClassATemplateMustNameOne() {
    JsonObject local = admin.get("/api/v1/storageclasses/local").json();
    assertThat(admin.put("/api/v1/storageclasses/local", local.copy().put("default", false)).status()).isEqualTo(200);
    try {
      String ns = newNamespace();
      assertLint(ns, service(1).put("volumes", volumes(template("data", "/data", sized("1Gi")))),
          "Invalid", "volumes[0].claimTemplate.storageClassName");
    } finally {
      assertThat(admin.post("/api/v1/storageclasses/local/set-default", null).status()).isEqualTo(200);
    }
  }

  @Test
  void aClaimInAnotherNamespaceIsVisibleOnlyToWhoMayReadIt() {
    String ns = newNamespace();
    String other = newNamespace();
    assertThat(createVolume(other, new JsonObject().put("name", "shared").put("size", "1Gi")).status()).isEqualTo(201);
    String fqdn = "shared." + other + ".rune";
    Http scoped = server.client("readwrite", ns);

    Http.Response hidden = assertRefused(422, "Invalid", () -> scoped.post(services(ns),
        service(1).put("volumes", volumes(claim("data", "/data", fqdn)))));
    assertThat(hidden.errorField()).isEqualTo("volumes[0].claim.name");
    Http.Response missing = assertRefused(422, "Invalid", () -> admin.post(services(ns),
        service(1).put("volumes", volumes(claim("data", "/data", "absent." + other + ".rune")))));
    assertThat(hidden.json().getJsonObject("error").getString("message")).as("nothing tells hidden from missing")
        .isEqualTo(missing.json().getJsonObject("error").getString("message").replace("'absent'", "'shared'"));
    assertThat(admin.get(services(ns) + "/svc").status()).isEqualTo(404);

    Http.Response byAdmin = admin.post(services(ns), service(1).put("volumes", volumes(claim("data", "/data", fqdn))));
    assertThat(byAdmin.status()).as(byAdmin.body()).isEqualTo(201);
    assertThat(byAdmin.json().getJsonArray("volumes").getJsonObject(0).getJsonObject("claim").getString("name"))
        .isEqualTo(fqdn);
    JsonObject settled = settled(ns, "svc");
    assertRefused(422, "Invalid", () -> scoped.put(services(ns) + "/svc", settled.copy().put("labels",
        new JsonObject().put("changed", "yes"))));
  }

  @Test
  void aReplacementIsLintedTooAndKeepsTheTemplates() {
    String ns = newNamespace();
    Http.Response created = admin.post(services(ns), service(2).put("volumes",
        volumes(template("pgdata", "/var/lib/pg", sized("10Gi")))));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String path = services(ns) + "/svc";
    JsonObject read = settled(ns, "svc");

    JsonObject restated = read.copy().put("scale", 3).put("volumes",
        volumes(template("pgdata", "/var/lib/pg", sized("10240Mi"))));
    Http.Response scaled = admin.put(path, restated);
    assertThat(scaled.status()).as(scaled.body()).isEqualTo(200);
    assertThat(scaled.json().getInteger("scale")).isEqualTo(3);
    assertThat(scaled.json().getJsonArray("volumes")).as("omitted template fields keep their stored values")
        .isEqualTo(read.getJsonArray("volumes"));

    JsonObject current = settled(ns, "svc");
    Http.Response changed = assertRefused(422, "Invalid", () -> admin.put(path, current.copy().put("volumes",
        volumes(template("pgdata", "/var/lib/pg", sized("10Gi").put("reclaimPolicy", "delete"))))));
    assertThat(changed.errorField()).isEqualTo("volumes[0].claimTemplate");
    assertThat(changed.json().getJsonObject("error").getString("message")).contains("new volume name");
    assertRefused(422, "Invalid", () -> admin.put(path, current.copy().put("scale", -1)));
    assertRefused(422, "MountPathBlocked", () -> admin.put(path, current.copy().put("volumes",
        volumes(template("pgdata", "/etc", sized("10Gi"))))));
    Http.Response added = admin.put(path, current.copy().put("volumes", volumes(template("pgdata", "/var/lib/pg",
        sized("10Gi")), template("wal", "/var/lib/wal", sized("1Gi")))));
    assertThat(added.status()).as("a new volume name may bring a new template: %s", added.body()).isEqualTo(200);
    assertThat(admin.get(path).json().getJsonArray("volumes")).hasSize(2);

    Http.Response deleting = admin.delete(path);
    assertThat(deleting.status()).isEqualTo(200);
    assertThat(deleting.json().getJsonObject("status").getString("phase")).isEqualTo("Deleting");
    await().atMost(Duration.ofSeconds(30)).until(() -> admin.get(path).status() == 404);
  }

  @Test
  void aCascadeDeleteIsForAdminsAndIsRecorded() {
    String ns = newNamespace();
    Http scoped = server.client("readwrite", ns);
    JsonObject body = service(1).put("volumes", volumes(template("data", "/data", sized("1Gi"))));
    assertThat(scoped.post(services(ns), body).status()).isEqualTo(201);
    String path = services(ns) + "/svc";

    Http.Response refused = assertRefused(403, "Forbidden", () -> scoped.delete(path + "?cascade=true"));
    assertThat(refused.json().getJsonObject("error").getString("message")).contains("admin");
    assertThat(admin.get(path).json().getJsonObject("status").getString("phase")).isEqualTo("Active");
    assertRefused(400, "MalformedRequest", () -> admin.delete(path + "?cascade=yes"));
    assertThat(createVolume(ns, new JsonObject().put("name", "v").put("size", "1Gi")).status()).isEqualTo(201);
    Http.Response onVolume = assertRefused(400, "MalformedRequest", () -> admin.delete(volumes(ns) + "/v?cascade=true"));
    assertThat(onVolume.errorField()).isEqualTo("cascade");

    // Without cascade the service goes and its volume stays (Released); with cascade it goes too.
    Http.Response plain = scoped.delete(path);
    assertThat(plain.status()).as(plain.body()).isEqualTo(200);
    JsonObject status = plain.json().getJsonObject("status");
    assertThat(status.getString("phase")).isEqualTo("Deleting");
    assertThat(status.getBoolean("cascade")).isFalse();
    assertThat(status.getString("reason")).isEqualTo("DeletionRequested");
    await().atMost(Duration.ofSeconds(30)).until(() -> admin.get(path).status() == 404);
    assertThat(admin.get(volumes(ns) + "/data-svc-0").status()).as("kept without cascade").isEqualTo(200);

    assertThat(admin.post(services(ns), body.copy().put("name", "other")).status()).isEqualTo(201);
    Http.Response cascaded = admin.delete(services(ns) + "/other?cascade=true");
    assertThat(cascaded.status()).isEqualTo(200);
    assertThat(cascaded.json().getJsonObject("status").getString("phase")).isEqualTo("Deleting");
    assertThat(cascaded.json().getJsonObject("status").getBoolean("cascade")).isTrue();
    await().atMost(Duration.ofSeconds(30)).until(() -> admin.get(services(ns) + "/other").status() == 404
        && admin.get(volumes(ns) + "/data-other-0").status() == 404);
  }

  /** The service once the controller has placed its replicas: its version is then stable for a PUT. */
  private JsonObject settled(String ns, String name) {
    return await().atMost(Duration.ofSeconds(30)).until(() -> admin.get(services(ns) + "/" + name).json(),
        s -> s.getJsonObject("status").getInteger("readyReplicas", 0).equals(s.getInteger("scale")));
  }

  @Test
  void theEventBusCarriesCascadeAsAField() {
    String ns = newNamespace();
    assertThat(admin.post(services(ns), service(0)).status()).isEqualTo(201);
    String token = readwriteSecret(ns);
    JsonObject request = new JsonObject().put("namespace", ns).put("name", "svc").put("cascade", true);

    ReplyException refused = (ReplyException) catchThrowableOfType(IllegalStateException.class, () -> TestServer.await(
        server.vertx().eventBus().request("rune.api.services.delete", request,
            new DeliveryOptions().addHeader("token", token)))).getCause();
    assertThat(refused.failureCode()).isEqualTo(403);
    assertThat(admin.get(services(ns) + "/svc").json().getJsonObject("status").getString("phase")).isEqualTo("Active");

    JsonObject deleted = (JsonObject) TestServer.await(server.vertx().eventBus()
        .request("rune.api.services.delete", request)).body();
    assertThat(deleted.getJsonObject("status").getString("phase")).isEqualTo("Deleting");
    assertThat(deleted.getJsonObject("status").getBoolean("cascade")).isTrue();
  }

  // --- helpers

  /** A readwrite token's secret, for the event bus's token header. */
  private String readwriteSecret(String namespace) {
    Http.Response created = admin.post("/api/v1/tokens", new JsonObject().put("role", "readwrite")
        .put("namespaces", new JsonArray().add(namespace)));
    assertThat(created.status()).isEqualTo(201);
    return created.json().getString("token");
  }

  /** A Service refused by the lint with {@code code} on {@code field}, of which nothing is stored. */
  private Http.Response assertLint(String ns, JsonObject body, String code, String field) {
    Http.Response refused = assertRefused(422, code, () -> admin.post(services(ns), body));
    assertThat(refused.errorField()).as(refused.body()).isEqualTo(field);
    assertThat(admin.get(services(ns) + "/" + body.getString("name")).status()).isEqualTo(404);
    return refused;
  }

  private static JsonObject service(Integer scale) {
    JsonObject body = new JsonObject().put("name", "svc");
    return scale == null ? body : body.put("scale", scale);
  }

  private static JsonArray volumes(JsonObject... volumes) {
    JsonArray list = new JsonArray();
    for (JsonObject volume : volumes) {
      list.add(volume);
    }
    return list;
  }

  private static JsonObject claim(String name, String mountPath, String volume) {
    return new JsonObject().put("name", name).put("mountPath", mountPath)
        .put("claim", new JsonObject().put("name", volume));
  }

  private static JsonObject template(String name, String mountPath, JsonObject template) {
    return new JsonObject().put("name", name).put("mountPath", mountPath).put("claimTemplate", template);
  }

  private static JsonObject sized(String size) {
    return new JsonObject().put("size", size);
  }

  private static JsonObject withoutServerWritten(JsonObject object) {
    JsonObject copy = object.copy();
    copy.remove("status");
    copy.remove("resourceVersion");
    copy.remove("updatedAt");
    return copy;
  }
}
