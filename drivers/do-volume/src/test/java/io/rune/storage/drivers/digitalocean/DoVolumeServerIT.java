package io.rune.storage.drivers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.LogWatch;
import io.rune.storage.testing.TestServer;
import io.rune.storage.drivers.digitalocean.fake.DigitalOceanFake;
import io.rune.storage.drivers.digitalocean.fake.DoVolume;
import io.rune.storage.drivers.digitalocean.fake.Fault;
import io.rune.storage.driver.fakecloud.RecordedRequest;
import io.rune.storage.driver.fakecloud.RequestMatch;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * do-volume through the real server: a Secret holds the token, an admin's class names it,
 * and volumes, snapshots and restores become DigitalOcean volumes and snapshots in the local
 * DigitalOcean API, which checks every request against DigitalOcean's OpenAPI description.
 * Every response and every log line of the run is searched for the tokens.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DoVolumeServerIT {
  private static final String TOKEN = "dop_v1_" + "5f1e".repeat(16);
  private static final String WRONG = "dop_v1_" + "0bad".repeat(16);
  private static final long DROPLET = 90210;
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  private Vertx vertx;
  private DigitalOceanFake fake;
  private TestServer server;
  private Http admin;
  private LogWatch logs;
  /** Every response body the tests saw, searched for the tokens at the end. */
  private final List<String> responses = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    logs = LogWatch.start(Set.of(TOKEN, WRONG));
    vertx = Vertx.vertx();
    fake = DigitalOceanFake.start(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
        .acceptToken(TOKEN).addDroplet(DROPLET, "fra1");
    server = TestServer.external("do-volume", new JsonObject()
        .put("server", new JsonObject().put("labels", new JsonObject()
            .put("rune.io/droplet-id", Long.toString(DROPLET)).put("rune.io/region", "fra1")))
        .put("storage", new JsonObject().put("drivers", new JsonObject().put("do-volume", new JsonObject()
            .put("apiUrl", fake.baseUrl()).put("actionPollInterval", "50ms"))))
        .put("controller", new JsonObject().put("initialBackoff", "200ms").put("maxBackoff", "1s")
            .put("resyncInterval", "500ms"))
        .put("drivers", new JsonObject().put("breakerResetTimeout", "1s")));
    admin = server.admin();
    ok(admin.post("/api/v1/namespaces/ops/secrets", new JsonObject().put("name", "do-token")
        .put("data", new JsonObject().put("token", TOKEN))), 201);
    ok(admin.post("/api/v1/storageclasses", doClass("do", "ops/do-token")), 201);
  }

  @AfterAll
  void stop() throws Exception {
    try {
      assertThat(fake.contractViolations()).as("requests and answers outside DigitalOcean's contract").isEmpty();
      assertThat(responses).as("responses").noneMatch(body -> body.contains(TOKEN) || body.contains(WRONG));
      assertThat(logs.events()).isPositive();
      assertThat(logs.sightings()).as("log lines with a token").isEmpty();
    } finally {
      logs.close();
      server.close();
      fake.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aVolumeSnapshotAndRestoreAreDigitalOceanVolumesAndSnapshotsAndDeletingRemovesThem() {
    ok(admin.post(volumes("app"), new JsonObject().put("name", "db").put("size", "10Gi")
        .put("storageClassName", "do").put("reclaimPolicy", "delete")), 201);
    JsonObject db = awaitPhase("app", "db", "Available");
    JsonObject status = db.getJsonObject("status");
    DoVolume made = fakeVolume(status.getString("handle"));
    assertThat(made.name()).isEqualTo("rune-" + db.getString("uid"));
    assertThat(made.sizeGigabytes()).isEqualTo(10);
    assertThat(made.region()).isEqualTo("fra1");
    assertThat(made.tags()).contains("rune-namespace:app", "rune-volume:db");
    assertThat(status.getJsonObject("topology").getString("rune.io/region")).isEqualTo("fra1");

    ok(admin.post("/api/v1/namespaces/app/snapshots", new JsonObject().put("name", "nightly")
        .put("source", new JsonObject().put("volume", "db"))), 201);
    String snapshotId = await().atMost(DEADLINE).until(() -> record(admin.get("/api/v1/namespaces/app/snapshots/nightly"))
        .json().getJsonObject("status"), s -> "Ready".equals(s.getString("phase"))).getString("handle");
    assertThat(fake.snapshots()).anySatisfy(s -> {
      assertThat(s.id()).isEqualTo(snapshotId);
      assertThat(s.volumeId()).isEqualTo(made.id());
    });

    ok(admin.post(volumes("app") + "/copy/restore", new JsonObject().put("fromSnapshot", "nightly")), 201);
    JsonObject copy = awaitPhase("app", "copy", "Available");
    String copyId = copy.getJsonObject("status").getString("handle");
    assertThat(fakeVolume(copyId).sizeGigabytes()).isEqualTo(10);
    assertThat(createBodies()).anySatisfy(body -> {
      assertThat(body.getString("name")).isEqualTo("rune-" + copy.getString("uid"));
      assertThat(body.getString("snapshot_id")).isEqualTo(snapshotId);
    });

    ok(admin.delete(volumes("app") + "/copy"), 200);
    ok(admin.delete(volumes("app") + "/db"), 200);
    ok(admin.delete("/api/v1/namespaces/app/snapshots/nightly"), 200);
    await().atMost(DEADLINE).until(() -> fake.volumes().stream().noneMatch(v -> Set.of(made.id(), copyId)
        .contains(v.id())) && fake.snapshots().stream().noneMatch(s -> s.id().equals(snapshotId)));
    await().atMost(DEADLINE).until(() -> admin.get(volumes("app") + "/db").status() == 404
        && admin.get(volumes("app") + "/copy").status() == 404);
  }

  @Test
  void fiftyProvisionsThroughAStormOf429sAnd503sAllEndAvailableWithoutDuplicatesOrEarlyRetries() {
    fake.inject(40, RequestMatch.any(), Fault.tooManyRequests(Duration.ofSeconds(1)));
    fake.inject(12, RequestMatch.any(), Fault.serviceUnavailable());
    List<CompletableFuture<Http.Response>> posts = IntStream.range(0, 50)
        .mapToObj(i -> CompletableFuture.supplyAsync(() -> admin.post(volumes("storm"), new JsonObject()
            .put("name", "v" + i).put("size", "1Gi").put("storageClassName", "do"))))
        .toList();
    posts.forEach(post -> ok(post.join(), 201));
    await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
      JsonArray items = record(admin.get(volumes("storm") + "?limit=100")).items();
      return items.size() == 50 && items.stream().map(JsonObject.class::cast)
          .allMatch(v -> "Available".equals(v.getJsonObject("status").getString("phase")));
    });
    List<DoVolume> storm = fake.volumes().stream().filter(v -> v.tags().contains("rune-namespace:storm")).toList();
    assertThat(storm).hasSize(50);
    assertThat(storm.stream().map(DoVolume::name).collect(Collectors.toSet())).hasSize(50);
    assertThat(fake.pendingFaults()).isZero();
    assertThat(fake.requests()).filteredOn(r -> r.status() == 429).hasSizeGreaterThanOrEqualTo(40);
    assertThat(fake.earlyRetries()).as("requests sent before the time a 429 gave").isEmpty();

    // One breaker per node, region and token: named by the token's fingerprint, never by the token.
    String metrics = record(server.anonymous().get("/metrics")).body();
    String scope = "test-node/fra1/" + new DoToken(TOKEN, "").fingerprint();
    assertThat(metrics).contains("rune_driver_circuit_state{driver=\"do-volume\",scope=\"" + scope + "\"}");
  }

  @Test
  void deletingAVolumeWhoseEveryCreateFailedMakesNoCreateNorDeleteAndRemovesItsRow() {
    AtomicBoolean failing = new AtomicBoolean(true);
    fake.inject(10_000, (method, path) -> failing.get() && method.equals("POST") && path.equals("/v2/volumes"),
        Fault.serverError());
    try {
      String name = "rune-" + createdUid("never", "v");
      JsonObject stopped = awaitStopped("never", "v");
      assertThat(stopped.getJsonObject("status").getString("handle")).isNull();
      long creates = creates(name);
      assertThat(creates).as("provision tried to create it").isPositive();

      int mark = fake.requests().size();
      ok(admin.delete(volumes("never") + "/v"), 200);
      await().atMost(DEADLINE).until(() -> admin.get(volumes("never") + "/v").status() == 404);
      assertThat(creates(name)).as("creates after the delete").isEqualTo(creates);
      assertThat(since(mark)).as("requests of the reclaim").noneMatch(r -> r.method().equals("POST")
          || r.method().equals("DELETE")).anyMatch(r -> lists(r, name));
      assertThat(fake.volumes()).noneMatch(v -> v.name().equals(name));
    } finally {
      failing.set(false);
      fake.clearFaults();
    }
  }

  @Test
  void aVolumeOfTheRightNameInAnotherRegionIsNeverAdoptedNorDeleted() {
    AtomicBoolean failing = new AtomicBoolean(true);
    fake.inject(10_000, (method, path) -> failing.get() && method.equals("POST") && path.equals("/v2/volumes"),
        Fault.serverError());
    try {
      String uid = createdUid("lookalike", "v");
      DoVolume elsewhere = fake.addVolume("rune-" + uid, "ams3", 1, List.of("rune", "rune-namespace:lookalike",
          "rune-volume:v"));
      fake.listEveryRegion(true);
      JsonObject stopped = awaitStopped("lookalike", "v");
      assertThat(stopped.getJsonObject("status").getString("handle")).as("never adopted").isNull();
      assertThat(fake.requests()).as("provision saw it listed").anyMatch(r -> lists(r, elsewhere.name()));

      int mark = fake.requests().size();
      ok(admin.delete(volumes("lookalike") + "/v"), 200);
      await().atMost(DEADLINE).until(() -> admin.get(volumes("lookalike") + "/v").status() == 404);
      assertThat(since(mark)).as("requests of the reclaim").anyMatch(r -> lists(r, elsewhere.name()))
          .noneMatch(r -> r.method().equals("DELETE") || r.method().equals("POST"));
      assertThat(fake.requests()).noneMatch(r -> r.method().equals("DELETE") && r.path().contains(elsewhere.id()));
      assertThat(fake.volumes()).as("still there").anyMatch(v -> v.id().equals(elsewhere.id()));
    } finally {
      failing.set(false);
      fake.clearFaults();
      fake.listEveryRegion(false);
    }
  }

  /** Posts a 1Gi volume of class do (reclaimPolicy delete) and answers its uid. */
  private String createdUid(String ns, String name) {
    Http.Response created = admin.post(volumes(ns), new JsonObject().put("name", name).put("size", "1Gi")
        .put("storageClassName", "do").put("reclaimPolicy", "delete"));
    ok(created, 201);
    return created.json().getString("uid");
  }

  /** Waits until provisioning has given up (retries exhausted or not retryable): no next attempt. */
  private JsonObject awaitStopped(String ns, String name) {
    return await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
        .until(() -> record(admin.get(volumes(ns) + "/" + name)).json(), v -> {
          JsonObject status = v.getJsonObject("status");
          return Set.of("Failed", "Stalled").contains(status.getString("phase"))
              && !status.containsKey("nextAttemptAt");
        });
  }

  private long creates(String name) {
    return createBodies().stream().filter(body -> name.equals(body.getString("name"))).count();
  }

  private List<RecordedRequest> since(int mark) {
    List<RecordedRequest> all = fake.requests();
    return all.subList(Math.min(mark, all.size()), all.size());
  }

  private static boolean lists(RecordedRequest request, String name) {
    return request.method().equals("GET") && request.path().equals("/v2/volumes") && request.query() != null
        && request.query().contains("name=" + name);
  }

  @Test
  void aBadTokenFailsAtOnceNamingTheSecretAndRetryProvisionWorksOnceTheSecretIsFixed() {
    ok(admin.post("/api/v1/namespaces/ops/secrets", new JsonObject().put("name", "wrong-token")
        .put("data", new JsonObject().put("token", WRONG))), 201);
    ok(admin.post("/api/v1/storageclasses", doClass("do-wrong", "ops/wrong-token")), 201);
    ok(admin.post(volumes("auth"), new JsonObject().put("name", "v").put("size", "1Gi")
        .put("storageClassName", "do-wrong")), 201);
    JsonObject failed = awaitPhase("auth", "v", "Failed").getJsonObject("status");
    assertThat(failed.getString("reason")).isEqualTo("AuthFailed");
    assertThat(failed.getString("message")).contains("secret ops/wrong-token").doesNotContain(WRONG);
    assertThat(failed.containsKey("nextAttemptAt")).isFalse();
    assertThat(fake.requests()).filteredOn(r -> WRONG.equals(r.token())).hasSize(1);

    JsonObject secret = record(admin.get("/api/v1/namespaces/ops/secrets/wrong-token")).json();
    ok(admin.put("/api/v1/namespaces/ops/secrets/wrong-token", new JsonObject().put("name", "wrong-token")
        .put("resourceVersion", secret.getString("resourceVersion"))
        .put("data", new JsonObject().put("token", TOKEN))), 200);
    ok(admin.post(volumes("auth") + "/v/retry-provision", null), 200);
    awaitPhase("auth", "v", "Available");
    assertThat(fake.requests()).filteredOn(r -> WRONG.equals(r.token())).hasSize(1);
  }

  @Test
  void aCascadeDeleteOfTheClassStillRemovesItsVolumesFromDigitalOcean() {
    ok(admin.post("/api/v1/storageclasses", doClass("do-short-lived", "ops/do-token")), 201);
    ok(admin.post(volumes("gone"), new JsonObject().put("name", "v").put("size", "1Gi")
        .put("storageClassName", "do-short-lived")), 201);
    String id = awaitPhase("gone", "v", "Available").getJsonObject("status").getString("handle");
    assertThat(fake.volumes()).anyMatch(v -> v.id().equals(id));
    // The class row goes in the same transaction that marks the volume: the controller
    // reclaims with the parameters the volume recorded, and the secret they name.
    ok(admin.delete("/api/v1/storageclasses/do-short-lived?cascade=true"), 200);
    await().atMost(DEADLINE).until(() -> admin.get(volumes("gone") + "/v").status() == 404);
    assertThat(fake.volumes()).noneMatch(v -> v.id().equals(id));
  }

  @Test
  void aMissingSecretLeavesTheVolumeFailedUntilItIsWritten() {
    ok(admin.post("/api/v1/storageclasses", doClass("do-later", "ops/later:apiToken")), 201);
    ok(admin.post(volumes("later"), new JsonObject().put("name", "v").put("size", "1Gi")
        .put("storageClassName", "do-later")), 201);
    JsonObject failed = awaitPhase("later", "v", "Failed").getJsonObject("status");
    assertThat(failed.getString("reason")).isEqualTo("SecretNotFound");
    assertThat(failed.getString("message")).contains("ops/later:apiToken").contains("retry-provision");

    ok(admin.post("/api/v1/namespaces/ops/secrets", new JsonObject().put("name", "later")
        .put("data", new JsonObject().put("apiToken", TOKEN))), 201);
    ok(admin.post(volumes("later") + "/v/retry-provision", null), 200);
    awaitPhase("later", "v", "Available");
  }

  @Test
  void classesAndVolumesOfDoVolumeAreCheckedBeforeAnythingIsStored() {
    JsonObject badRegion = doClass("do-x", "ops/do-token");
    badRegion.getJsonObject("parameters").put("region", "mars1");
    refused(admin.post("/api/v1/storageclasses", badRegion), "Invalid", "parameters.region", "mars1");
    refused(admin.post("/api/v1/storageclasses", doClass("do-x", "do-token")), "Invalid",
        "parameters.apiTokenSecretRef", "<namespace>/<name>");
    JsonObject typo = doClass("do-x", "ops/do-token");
    typo.getJsonObject("parameters").put("fstype", "xfs");
    refused(admin.post("/api/v1/storageclasses", typo), "Invalid", "parameters.fstype", "fsType");
    JsonObject elsewhere = doClass("do-x", "ops/do-token").put("allowedTopologies", new JsonArray()
        .add(new JsonObject().put("matchLabels", new JsonObject().put("rune.io/region", "nyc3"))));
    refused(admin.post("/api/v1/storageclasses", elsewhere), "TopologyNotAllowed", "allowedTopologies", "fra1");
    assertThat(admin.get("/api/v1/storageclasses/do-x").status()).isEqualTo(404);

    refused(admin.post(volumes("checks"), new JsonObject().put("name", "v").put("size", "1Gi")
        .put("storageClassName", "do").put("parameters", new JsonObject().put("apiTokenSecretRef", "ops/do-token"))),
        "Invalid", "parameters.apiTokenSecretRef", "take no parameters");
    refused(admin.post(volumes("checks"), new JsonObject().put("name", "v").put("size", "1Gi")
        .put("storageClassName", "do").put("topology", new JsonObject().put("rune.io/region", "ams3"))),
        "TopologyNotAllowed", "topology", "rune.io/region=fra1");
    refused(admin.post(volumes("checks"), new JsonObject().put("name", "v").put("size", "1Gi")
        .put("storageClassName", "do").put("accessMode", "ReadWriteMany")), "UnsupportedAccessMode", "accessMode",
        "ReadWriteMany");
    assertThat(admin.get(volumes("checks") + "/v").status()).isEqualTo(404);
  }

  private JsonObject doClass(String name, String tokenRef) {
    return new JsonObject().put("name", name).put("driver", "do-volume").put("reclaimPolicy", "delete")
        .put("parameters", new JsonObject().put("region", "fra1").put("apiTokenSecretRef", tokenRef));
  }

  private JsonObject awaitPhase(String ns, String name, String phase) {
    return await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100))
        .until(() -> record(admin.get(volumes(ns) + "/" + name)).json(),
            v -> phase.equals(v.getJsonObject("status").getString("phase")));
  }

  private DoVolume fakeVolume(String id) {
    return fake.volumes().stream().filter(v -> v.id().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError("the fake has no volume " + id + ": " + fake.volumes()));
  }

  private List<JsonObject> createBodies() {
    return fake.requests().stream().filter(r -> r.method().equals("POST") && r.path().equals("/v2/volumes"))
        .map(RecordedRequest::body).map(JsonObject::new).toList();
  }

  private Http.Response record(Http.Response response) {
    synchronized (responses) {
      responses.add(response.body());
    }
    return response;
  }

  private void ok(Http.Response response, int status) {
    record(response);
    assertThat(response.status()).as("%s", response).isEqualTo(status);
  }

  private void refused(Http.Response response, String code, String field, String saying) {
    record(response);
    assertThat(response.errorCode()).as("%s", response).isEqualTo(code);
    assertThat(response.errorField()).as("%s", response).isEqualTo(field);
    assertThat(response.json().getJsonObject("error").getString("message")).contains(saying);
  }

  private static String volumes(String ns) {
    return "/api/v1/namespaces/" + ns + "/volumes";
  }
}
