package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.rune.storage.testing.drivers.FaultyDriver;
import io.rune.storage.testing.drivers.FaultyDriverProvider;
import io.rune.storage.testing.drivers.OfflineFaultyDriverProvider;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Growth of volumes through the real server: a PUT with a larger size moves the volume
 * through Expanding (on the watch stream) to the driver's expand, and status.capacity reports
 * the new size; a Bound volume grows online, or, on a driver that grows only unused volumes,
 * waits (ExpansionWaitsForDetach) and grows once released; an expand that keeps failing
 * follows the attempt cycle to ExpandRetriesExhausted, and the retry verb starts it over.
 */
class VolumeExpansionIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Set<String> USER_FIELDS = Set.of("name", "size", "storageClassName", "accessMode",
      "reclaimPolicy", "parameters", "topology", "labels", "resourceVersion");
  private static final JsonObject RUNEFILE = new JsonObject()
      .put("controller", new JsonObject().put("initialBackoff", "200ms").put("maxBackoff", "1s")
          .put("resyncInterval", "500ms"))
      .put("drivers", new JsonObject().put("breakerMaxFailures", 1000));
  private static TestServer server;
  private static Http admin;

  @BeforeAll
  static void start() {
    server = TestServer.external("expansion", RUNEFILE);
    admin = server.admin();
    createClass("faulty", new JsonObject());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void anAvailableVolumeGrowsThroughExpandingToItsNewCapacity() {
    createVolume("grow", "faulty", "1Gi");
    JsonObject available = awaitStatus("grow", s -> "Available".equals(s.getString("phase")));
    assertThat(available.getString("capacity")).isEqualTo("1Gi");
    String handle = available.getString("handle");

    try (WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=volumes&namespace=grow")) {
      assertThat(resize("grow", "2Gi").status()).isEqualTo(200);
      List<JsonObject> frames = watch.until(f -> "2Gi".equals(statusOf(f).getString("capacity")), WAIT);
      List<String> reasons = frames.stream().map(f -> statusOf(f).getString("reason", "")).distinct().toList();
      assertThat(reasons).containsSubsequence("ExpansionRequested", "Expanding", "Provisioned");
      JsonObject grown = statusOf(frames.get(frames.size() - 1));
      assertThat(grown.getString("phase")).isEqualTo("Available");
      assertThat(grown.getString("reason")).isEqualTo("Provisioned");
      assertThat(grown.containsKey("expandingTo")).isFalse();
      assertThat(frames).filteredOn(f -> f.containsKey("object"))
          .allSatisfy(f -> assertThat(statusOf(f).getString("phase")).isEqualTo("Available"));
    }
    assertThat(FaultyDriver.calls(FaultyDriver.Op.EXPAND, handle)).hasSize(1);
    assertThat(FaultyDriver.sizeOf(handle)).isEqualTo(2L << 30);
    // Grown is left alone: resyncs make no more calls.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
        .until(() -> FaultyDriver.calls(FaultyDriver.Op.EXPAND, handle).size() == 1);
  }

  @Test
  void aLocalVolumeGrows() {
    createVolume("local-grow", "local", "1Gi");
    awaitStatus("local-grow", s -> "Available".equals(s.getString("phase")) && "1Gi".equals(s.getString("capacity")));
    assertThat(resize("local-grow", "2Gi").status()).isEqualTo(200);
    JsonObject grown = awaitStatus("local-grow", s -> "2Gi".equals(s.getString("capacity")));
    assertThat(grown.getString("phase")).isEqualTo("Available");
    assertThat(grown.getString("reason")).isEqualTo("Provisioned");
    assertThat(grown.getString("message")).contains("grown to 2Gi by driver local");
  }

  @Test
  void aBoundVolumeGrowsOnlineAndStaysBound() {
    createVolume("bound-grow", "faulty", "1Gi");
    String handle = bindToService("bound-grow", "app");

    assertThat(resize("bound-grow", "3Gi").status()).isEqualTo(200);
    JsonObject grown = awaitStatus("bound-grow", s -> "3Gi".equals(s.getString("capacity")));
    assertThat(grown.getString("phase")).isEqualTo("Bound");
    assertThat(grown.getString("reason")).isEqualTo("Bound");
    assertThat(grown.getString("boundClaim")).isEqualTo("grow/app-0");
    assertThat(FaultyDriver.calls(FaultyDriver.Op.EXPAND, handle)).hasSize(1);
    assertThat(FaultyDriver.sizeOf(handle)).isEqualTo(3L << 30);
  }

  @Test
  void aBoundVolumeOfAnOfflineOnlyDriverWaitsForItsReleaseThenGrows() {
    createClass("offline", OfflineFaultyDriverProvider.NAME, new JsonObject());
    createVolume("offline-grow", "offline", "1Gi");
    String handle = bindToService("offline-grow", "cold");

    assertThat(resize("offline-grow", "2Gi").status()).isEqualTo(200);
    JsonObject waiting = awaitStatus("offline-grow", s -> "ExpansionWaitsForDetach".equals(s.getString("reason")));
    assertThat(waiting.getString("phase")).isEqualTo("Bound");
    assertThat(waiting.getString("capacity")).isEqualTo("1Gi");
    assertThat(waiting.getString("message")).contains("driver test-offline", "only while no replica uses them",
        "2Gi", "grow/cold-0");
    // Waiting is left alone: resyncs (every 500ms) pass without an expand call or an attempt spent.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> {
      JsonObject status = volume("offline-grow").getJsonObject("status");
      return FaultyDriver.calls(FaultyDriver.Op.EXPAND, handle).isEmpty()
          && "Bound".equals(status.getString("phase"))
          && "ExpansionWaitsForDetach".equals(status.getString("reason"))
          && status.getInteger("attempts", 0) == 0;
    });

    // Deleting the service (no cascade) releases the volume, which then grows offline.
    assertThat(admin.delete("/api/v1/namespaces/grow/services/cold").status()).isEqualTo(200);
    JsonObject grown = awaitStatus("offline-grow", s -> "2Gi".equals(s.getString("capacity")));
    assertThat(grown.getString("phase")).isEqualTo("Released");
    assertThat(grown.getString("reason")).isEqualTo("Released");
    assertThat(grown.getString("message")).contains("grown to 2Gi by driver test-offline");
    assertThat(grown.containsKey("expandingTo")).isFalse();
    assertThat(grown.containsKey("boundClaim")).isFalse();
    assertThat(FaultyDriver.calls(FaultyDriver.Op.EXPAND, handle)).hasSize(1);
    assertThat(FaultyDriver.sizeOf(handle)).isEqualTo(2L << 30);
  }

  @Test
  void anExpandThatAlwaysFailsFollowsTheBackoffThenStopsUntilTheRetryVerb() {
    createClass("expand-fails", new JsonObject().put("failExpand", "always"));
    createVolume("doomed", "expand-fails", "1Gi");
    String handle = awaitStatus("doomed", s -> "Available".equals(s.getString("phase"))).getString("handle");

    assertThat(resize("doomed", "2Gi").status()).isEqualTo(200);
    List<String> reasons = new ArrayList<>();
    JsonObject stopped = await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
      JsonObject status = volume("doomed").getJsonObject("status");
      if (reasons.isEmpty() || !reasons.get(reasons.size() - 1).equals(status.getString("reason"))) {
        reasons.add(status.getString("reason"));
      }
      return status;
    }, s -> "ExpandRetriesExhausted".equals(s.getString("reason")));
    assertThat(reasons).contains("ExpandFailedWillRetry");
    assertThat(stopped.getString("phase")).isEqualTo("Available");
    assertThat(stopped.getString("capacity")).isEqualTo("1Gi");
    assertThat(stopped.getInteger("attempts")).isEqualTo(5);
    assertThat(stopped.containsKey("nextAttemptAt")).isFalse();
    assertThat(stopped.getString("message")).startsWith("growing the storage failed (attempt 5/5)")
        .contains("run retry");

    List<Instant> calls = FaultyDriver.calls(FaultyDriver.Op.EXPAND, handle);
    assertThat(calls).hasSize(5);
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < calls.size(); i++) {
      gaps.add(Duration.between(calls.get(i - 1), calls.get(i)).toMillis());
    }
    assertThat(gaps).as("delays between attempts grow (200ms doubling to 1s, with jitter)").isSorted();
    assertThat(gaps.get(0)).isGreaterThanOrEqualTo(150L);
    // Stopped is left alone: resyncs pass without another call.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
        .until(() -> FaultyDriver.calls(FaultyDriver.Op.EXPAND, handle).size() == 5);

    Http.Response retried = admin.post("/api/v1/namespaces/grow/volumes/doomed/retry", new JsonObject());
    assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
    assertThat(retried.json().getJsonObject("status").getInteger("attempts")).isZero();
    await().atMost(WAIT).until(() -> FaultyDriver.calls(FaultyDriver.Op.EXPAND, handle).size() == 10
        && "ExpandRetriesExhausted".equals(volume("doomed").getJsonObject("status").getString("reason")));
  }

  @Test
  void aLargerClaimTemplateSizeGrowsEveryReplicasVolumeOneAtATime() {
    Http.Response cast = admin.post("/api/v1/namespaces/grow/services", new JsonObject().put("name", "db")
        .put("scale", 3).put("volumes", new JsonArray().add(new JsonObject().put("name", "data")
            .put("mountPath", "/var/lib/db").put("claimTemplate", new JsonObject().put("storageClassName", "faulty")
                .put("size", "1Gi").put("reclaimPolicy", "delete")))));
    assertThat(cast.status()).as(cast.toString()).isEqualTo(201);
    List<String> handles = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      handles.add(awaitStatus("data-db-" + i, s -> "Bound".equals(s.getString("phase"))
          && "1Gi".equals(s.getString("capacity"))).getString("handle"));
    }

    List<JsonObject> frames;
    try (WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=volumes,services&namespace=grow")) {
      JsonObject service = admin.get("/api/v1/namespaces/grow/services/db").json();
      service.getJsonArray("volumes").getJsonObject(0).getJsonObject("claimTemplate").put("size", "2Gi");
      JsonObject body = new JsonObject();
      for (String field : List.of("name", "scale", "volumes", "labels", "resourceVersion")) {
        body.put(field, service.getValue(field));
      }
      Http.Response grown = admin.put("/api/v1/namespaces/grow/services/db", body);
      assertThat(grown.status()).as(grown.toString()).isEqualTo(200);
      frames = watch.until(f -> isVolume(f, "data-db-2") && "2Gi".equals(statusOf(f).getString("capacity")), WAIT);
    }
    // One at a time: a volume's size is raised only after the one before it has the new capacity.
    for (int i = 1; i < 3; i++) {
      int previous = i - 1;
      int raised = indexOf(frames, f -> isVolume(f, "data-db-" + (previous + 1))
          && "2Gi".equals(f.getJsonObject("object").getString("size")));
      int grownBefore = indexOf(frames, f -> isVolume(f, "data-db-" + previous)
          && "2Gi".equals(statusOf(f).getString("capacity")));
      assertThat(grownBefore).as("data-db-%d grown before data-db-%d is raised", previous, i).isLessThan(raised);
    }
    assertThat(frames).anySatisfy(f -> assertThat(f.getJsonObject("object", new JsonObject()).getJsonObject("status",
        new JsonObject()).getJsonArray("replicas", new JsonArray()).encode()).contains("growing volume data-db-1"));
    List<Instant> calls = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      assertThat(FaultyDriver.calls(FaultyDriver.Op.EXPAND, handles.get(i))).hasSize(1);
      assertThat(FaultyDriver.sizeOf(handles.get(i))).isEqualTo(2L << 30);
      calls.add(FaultyDriver.calls(FaultyDriver.Op.EXPAND, handles.get(i)).get(0));
    }
    assertThat(calls).as("expand calls in ordinal order").isSorted();
    for (int i = 0; i < 3; i++) {
      JsonObject status = volume("data-db-" + i).getJsonObject("status");
      assertThat(status.getString("phase")).isEqualTo("Bound");
      assertThat(status.getString("reason")).isEqualTo("Bound");
    }
    await().atMost(WAIT).until(() -> !admin.get("/api/v1/namespaces/grow/services/db").body().contains("growing"));
  }

  private static boolean isVolume(JsonObject frame, String name) {
    JsonObject object = frame.getJsonObject("object");
    return "Volume".equals(frame.getString("kind")) && object != null && name.equals(object.getString("name"));
  }

  private static int indexOf(List<JsonObject> frames, java.util.function.Predicate<JsonObject> match) {
    for (int i = 0; i < frames.size(); i++) {
      if (match.test(frames.get(i))) {
        return i;
      }
    }
    throw new AssertionError("no such frame in " + frames);
  }

  @Test
  void theRetryVerbRefusesAVolumeThatIsNotStopped() {
    createVolume("fine", "faulty", "1Gi");
    awaitStatus("fine", s -> "Available".equals(s.getString("phase")));
    Http.Response refused = admin.post("/api/v1/namespaces/grow/volumes/fine/retry", new JsonObject());
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo("InvalidPhase");
  }

  static void createClass(String name, JsonObject parameters) {
    createClass(name, FaultyDriverProvider.NAME, parameters);
  }

  private static void createClass(String name, String driver, JsonObject parameters) {
    Http.Response created = admin.post("/api/v1/storageclasses", new JsonObject().put("name", name)
        .put("driver", driver).put("parameters", parameters));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  private static void createVolume(String name, String storageClass, String size) {
    Http.Response created = admin.post("/api/v1/namespaces/grow/volumes", new JsonObject().put("name", name)
        .put("size", size).put("storageClassName", storageClass).put("reclaimPolicy", "delete"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  /** Once the volume is Available, a service of one replica claims it; the volume's handle once Bound. */
  private static String bindToService(String volume, String service) {
    awaitStatus(volume, s -> "Available".equals(s.getString("phase")));
    Http.Response cast = admin.post("/api/v1/namespaces/grow/services", new JsonObject().put("name", service)
        .put("scale", 1).put("volumes", new JsonArray().add(new JsonObject().put("name", "data")
            .put("mountPath", "/srv/data").put("claim", new JsonObject().put("name", volume)))));
    assertThat(cast.status()).as(cast.toString()).isEqualTo(201);
    return awaitStatus(volume, s -> "Bound".equals(s.getString("phase")) && "Bound".equals(s.getString("reason")))
        .getString("handle");
  }

  /** PUT of the volume as read, with another size (read again when a controller's write got in between). */
  static Http.Response resize(Http http, String path, String size) {
    return await().atMost(WAIT).until(() -> {
      JsonObject read = http.get(path).json();
      JsonObject body = new JsonObject();
      read.forEach(e -> {
        if (USER_FIELDS.contains(e.getKey())) {
          body.put(e.getKey(), e.getValue());
        }
      });
      return http.put(path, body.put("size", size));
    }, put -> put.status() != 409);
  }

  private static Http.Response resize(String name, String size) {
    return resize(admin, "/api/v1/namespaces/grow/volumes/" + name, size);
  }

  private static JsonObject volume(String name) {
    return admin.get("/api/v1/namespaces/grow/volumes/" + name).json();
  }

  private static JsonObject awaitStatus(String name, java.util.function.Predicate<JsonObject> until) {
    return await().atMost(WAIT).pollInterval(Duration.ofMillis(50))
        .until(() -> volume(name).getJsonObject("status", new JsonObject()), until::test);
  }

  private static JsonObject statusOf(JsonObject frame) {
    JsonObject object = frame.getJsonObject("object");
    return object == null ? new JsonObject() : object.getJsonObject("status", new JsonObject());
  }
}
