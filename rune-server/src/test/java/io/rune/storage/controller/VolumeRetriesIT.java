package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.drivers.FaultyDriver;
import io.rune.storage.testing.drivers.FaultyDriverProvider;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failures, retries and Stalled, through the real server with a driver that fails as its
 * class says (test-faulty), on short backoff settings.
 */
class VolumeRetriesIT {
  // The breaker is set out of reach: these tests count every driver call (the breaker has its own test).
  private static final JsonObject RUNEFILE = new JsonObject()
      .put("controller", new JsonObject().put("initialBackoff", "200ms").put("maxBackoff", "2s")
          .put("resyncInterval", "500ms"))
      .put("drivers", new JsonObject().put("breakerMaxFailures", 1000));
  private static TestServer server;
  private static Http admin;

  @BeforeAll
  static void start() {
    server = TestServer.external("retries", RUNEFILE);
    admin = server.admin();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aDriverThatAlwaysFailsIsTriedFiveTimesWithGrowingDelaysThenStalledUntilRetryProvision() {
    createClass("always-fails", new JsonObject().put("failFirst", "always"));
    String uid = createVolume("doomed", "always-fails");

    List<String> messages = new ArrayList<>();
    JsonObject stalled = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> {
      JsonObject status = volume("doomed").getJsonObject("status");
      String message = status.getString("message", "");
      if (messages.isEmpty() || !messages.get(messages.size() - 1).equals(message)) {
        messages.add(message);
      }
      return status;
    }, status -> "Stalled".equals(status.getString("phase")));

    assertThat(stalled.getString("reason")).isEqualTo("ProvisionRetriesExhausted");
    assertThat(stalled.getInteger("attempts")).isEqualTo(5);
    assertThat(stalled.getString("message"))
        .startsWith("provisioning the storage failed (attempt 5/5): the test backend refused")
        .contains("retries exhausted").contains("run retry");
    assertThat(stalled.containsKey("nextAttemptAt")).isFalse();
    assertThat(messages).anySatisfy(m -> assertThat(m)
        .matches("provisioning the storage failed \\(attempt 1/5\\): .*; next try in \\d+ms"));
    assertThat(messages).anySatisfy(m -> assertThat(m)
        .matches("provisioning the storage failed \\(attempt 4/5\\): .*; next try in [\\d.]+s"));

    List<Instant> calls = FaultyDriver.provisionCalls(uid);
    assertThat(calls).hasSize(5);
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < calls.size(); i++) {
      gaps.add(Duration.between(calls.get(i - 1), calls.get(i)).toMillis());
    }
    assertThat(gaps).as("delays between attempts grow").isSorted();
    assertThat(gaps.get(0)).as("first delay ~200ms with jitter").isBetween(150L, 1000L);
    assertThat(gaps.get(3)).as("fourth delay ~1.6s with jitter").isBetween(1200L, 3000L);

    // Stalled is left alone: several resyncs pass without another driver call.
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
        .until(() -> FaultyDriver.provisionCalls(uid).size() == 5);

    Http.Response retried = admin.post("/api/v1/namespaces/retries/volumes/doomed/retry-provision", new JsonObject());
    assertThat(retried.status()).isEqualTo(200);
    assertThat(retried.json().getJsonObject("status").getInteger("attempts")).isZero();
    // It starts over: five more attempts, then Stalled again.
    await().atMost(Duration.ofSeconds(30)).until(() -> FaultyDriver.provisionCalls(uid).size() == 10
        && "Stalled".equals(phase("doomed")));
    assertThat(volume("doomed").getJsonObject("status").getInteger("attempts")).isEqualTo(5);
  }

  @Test
  void retryProvisionIsRefusedUnlessFailedOrStalled() {
    createClass("fine", new JsonObject());
    createVolume("fine-volume", "fine");
    await().atMost(Duration.ofSeconds(30)).until(() -> "Available".equals(phase("fine-volume")));
    Http.Response refused = admin.post("/api/v1/namespaces/retries/volumes/fine-volume/retry-provision",
        new JsonObject());
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo("InvalidPhase");
  }

  @Test
  void aFailureRetryingCannotFixFailsAtOnceWithoutSpendingAttempts() {
    createClass("bad-config", new JsonObject().put("failFirst", "always").put("failWith", "INVALID_CONFIG"));
    String uid = createVolume("misconfigured", "bad-config");
    JsonObject status = await().atMost(Duration.ofSeconds(30))
        .until(() -> volume("misconfigured").getJsonObject("status"), s -> "Failed".equals(s.getString("phase")));
    assertThat(status.getString("reason")).isEqualTo("InvalidParameters");
    assertThat(status.getString("message")).contains("retrying cannot fix this");
    assertThat(status.containsKey("nextAttemptAt")).isFalse();
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> FaultyDriver.provisionCalls(uid).size() == 1);
  }

  @Test
  void aTransientFailureRecoversOnTheNextAttempt() {
    createClass("flaky", new JsonObject().put("failFirst", "2"));
    String uid = createVolume("flaky-volume", "flaky");
    JsonObject status = await().atMost(Duration.ofSeconds(30))
        .until(() -> volume("flaky-volume").getJsonObject("status"), s -> "Available".equals(s.getString("phase")));
    assertThat(status.getInteger("attempts")).isEqualTo(3);
    assertThat(status.getString("handle")).isEqualTo("faulty:" + uid);
    assertThat(FaultyDriver.provisionCalls(uid)).hasSize(3);
  }

  @Test
  void aVolumeWhoseClassIsGoneFailsAtOnceSayingSo() {
    createClass("short-lived", new JsonObject().put("failFirst", "always").put("failWith", "INVALID_CONFIG"));
    createVolume("orphan", "short-lived");
    await().atMost(Duration.ofSeconds(30)).until(() -> "Failed".equals(phase("orphan")));
    assertThat(admin.delete("/api/v1/storageclasses/short-lived").status()).isEqualTo(200);
    assertThat(admin.post("/api/v1/namespaces/retries/volumes/orphan/retry-provision", new JsonObject()).status())
        .isEqualTo(200);
    JsonObject status = await().atMost(Duration.ofSeconds(30)).until(() -> volume("orphan").getJsonObject("status"),
        s -> "StorageClassNotFound".equals(s.getString("reason")));
    assertThat(status.getString("phase")).isEqualTo("Failed");
    assertThat(status.getString("message")).contains("StorageClass 'short-lived' does not exist");
    assertThat(status.containsKey("nextAttemptAt")).isFalse();
  }

  private static void createClass(String name, JsonObject parameters) {
    Http.Response created = admin.post("/api/v1/storageclasses", new JsonObject().put("name", name)
        .put("driver", FaultyDriverProvider.NAME).put("parameters", parameters).put("reclaimPolicy", "delete"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  private static String createVolume(String name, String storageClass) {
    Http.Response created = admin.post("/api/v1/namespaces/retries/volumes", new JsonObject().put("name", name)
        .put("size", "1Gi").put("storageClassName", storageClass));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json().getString("uid");
  }

  private static JsonObject volume(String name) {
    return admin.get("/api/v1/namespaces/retries/volumes/" + name).json();
  }

  private static String phase(String name) {
    return volume(name).getJsonObject("status").getString("phase");
  }
}
