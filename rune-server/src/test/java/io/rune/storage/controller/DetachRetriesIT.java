package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.drivers.FaultPlan;
import io.rune.storage.testing.drivers.FaultyDriver;
import io.rune.storage.testing.drivers.FaultyDriverProvider;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A detach that fails goes through the attempt cycle's backoff (no hot loop), and the volume
 * says so while it stays Bound; once the backend lets it go, the volume is Released.
 */
class DetachRetriesIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String BACKEND = "detach-backend";
  private static final JsonObject RUNEFILE = new JsonObject()
      .put("controller", new JsonObject().put("initialBackoff", "200ms").put("maxBackoff", "1s")
          .put("resyncInterval", "500ms"))
      .put("drivers", new JsonObject().put("breakerMaxFailures", 1000));
  private static TestServer server;
  private static Http admin;

  @BeforeAll
  static void start() {
    server = TestServer.external("detach", RUNEFILE);
    admin = server.admin();
  }

  @AfterAll
  static void stop() {
    FaultPlan.reset(BACKEND);
    server.close();
  }

  @Test
  void aFailingDetachRetriesWithBackoffSayingSoThenReleases() {
    assertThat(admin.post("/api/v1/storageclasses", new JsonObject().put("name", "sticky")
        .put("driver", FaultyDriverProvider.NAME).put("parameters", new JsonObject().put("backend", BACKEND)))
        .status()).isEqualTo(201);
    String base = "/api/v1/namespaces/det";
    assertThat(admin.post(base + "/volumes", new JsonObject().put("name", "data").put("size", "1Gi")
        .put("storageClassName", "sticky")).status()).isEqualTo(201);
    assertThat(admin.post(base + "/services", new JsonObject().put("name", "app").put("scale", 1)
        .put("volumes", new JsonArray().add(new JsonObject().put("name", "data").put("mountPath", "/srv")
            .put("claim", new JsonObject().put("name", "data"))))).status()).isEqualTo(201);
    String handle = await().atMost(WAIT).until(() -> admin.get(base + "/volumes/data").json().getJsonObject("status"),
        s -> "Bound".equals(s.getString("phase"))).getString("handle");

    FaultPlan.set(BACKEND, "failDetach", "always");
    JsonObject service = admin.get(base + "/services/app").json();
    Http.Response scaled = admin.put(base + "/services/app", new JsonObject().put("name", "app").put("scale", 0)
        .put("volumes", service.getJsonArray("volumes")).put("resourceVersion", service.getString("resourceVersion")));
    assertThat(scaled.status()).as(scaled.toString()).isEqualTo(200);

    JsonObject failing = await().atMost(WAIT).until(() -> admin.get(base + "/volumes/data").json()
        .getJsonObject("status"), s -> s.getInteger("attempts", 0) >= 2);
    assertThat(failing.getString("phase")).isEqualTo("Bound");
    assertThat(failing.getString("reason")).isEqualTo("DetachFailedWillRetry");
    assertThat(failing.getString("message")).contains("unmounting and detaching the volume for replica det/app-0 failed")
        .containsPattern("next try in [\\d.]+m?s");
    assertThat(failing.getString("nextAttemptAt")).isNotNull();
    JsonObject replica = admin.get(base + "/services/app").json().getJsonObject("status").getJsonArray("replicas")
        .getJsonObject(0);
    assertThat(replica.getString("message")).startsWith("releasing: ");

    // Over four seconds: 200ms doubling to 1s allows about six attempts, never a hot loop.
    int before = FaultyDriver.calls(FaultyDriver.Op.DETACH, handle).size();
    await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
        .until(() -> FaultyDriver.calls(FaultyDriver.Op.DETACH, handle).size() - before <= 8);
    List<Instant> calls = FaultyDriver.calls(FaultyDriver.Op.DETACH, handle);
    assertThat(calls.size() - before).as("detach calls in 4 s: it keeps trying").isGreaterThanOrEqualTo(2);
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < calls.size(); i++) {
      gaps.add(Duration.between(calls.get(i - 1), calls.get(i)).toMillis());
    }
    assertThat(gaps).as("no two detach attempts closer than the first backoff allows").allMatch(g -> g >= 150);

    FaultPlan.set(BACKEND, "failDetach", null);
    JsonObject released = await().atMost(WAIT).until(() -> admin.get(base + "/volumes/data").json()
        .getJsonObject("status"), s -> "Released".equals(s.getString("phase")));
    assertThat(released.getString("reason")).isEqualTo("Released");
    assertThat(released.getInteger("attempts")).isZero();
    assertThat(released.containsKey("releasing")).isFalse();
    assertThat(released.containsKey("nextAttemptAt")).isFalse();
    await().atMost(WAIT).until(() -> admin.get(base + "/services/app").json().getJsonObject("status")
        .getJsonArray("replicas", new JsonArray()).isEmpty());
  }
}
