package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.rune.storage.testing.drivers.FaultyDriver;
import io.rune.storage.testing.drivers.FaultyDriverProvider;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A volume whose storage cannot be deleted: the controller's own status writes must not
 * re-run the reclaim before its backoff is over. It is tried as often as the schedule allows
 * (five attempts), then stays Deleting with reason DeleteRetriesExhausted until the retry
 * verb starts it over.
 */
class DeleteRetriesIT {
  private static final int MAX_ATTEMPTS = 5;
  private static final JsonObject RUNEFILE = new JsonObject()
      .put("controller", new JsonObject().put("initialBackoff", "200ms").put("maxBackoff", "1s")
          .put("resyncInterval", "500ms").put("maxAttempts", MAX_ATTEMPTS))
      .put("drivers", new JsonObject().put("breakerMaxFailures", 1000));
  private static TestServer server;
  private static Http admin;

  @BeforeAll
  static void start() {
    server = TestServer.external("delete-retries", RUNEFILE);
    admin = server.admin();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void aDeleteThatAlwaysFailsFollowsTheBackoffThenStopsInDeletingUntilRetried() {
    Http.Response created = admin.post("/api/v1/storageclasses", new JsonObject().put("name", "undeletable")
        .put("driver", FaultyDriverProvider.NAME).put("reclaimPolicy", "delete")
        .put("parameters", new JsonObject().put("failDelete", "TRANSIENT")));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    assertThat(admin.post("/api/v1/namespaces/retries/volumes", new JsonObject().put("name", "stuck")
        .put("size", "1Gi").put("storageClassName", "undeletable")).status()).isEqualTo(201);
    JsonObject available = await().atMost(Duration.ofSeconds(30)).until(() -> volume().getJsonObject("status"),
        s -> "Available".equals(s.getString("phase")));
    String handle = available.getString("handle");

    try (WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=volumes")) {
      assertThat(admin.delete("/api/v1/namespaces/retries/volumes/stuck").status()).isEqualTo(200);

      // Schedule: attempts at 0, ~0.2, ~0.6, ~1.4 and ~2.4 s; then nothing more.
      JsonObject exhausted = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50))
          .until(() -> volume().getJsonObject("status"),
              s -> "DeleteRetriesExhausted".equals(s.getString("reason")) || FaultyDriver.deleteCalls(handle).size()
                  > MAX_ATTEMPTS);
      assertThat(FaultyDriver.deleteCalls(handle)).as("delete calls").hasSize(MAX_ATTEMPTS);
      assertThat(exhausted.getString("phase")).isEqualTo("Deleting");
      assertThat(exhausted.getInteger("attempts")).isEqualTo(MAX_ATTEMPTS);
      assertThat(exhausted.containsKey("nextAttemptAt")).isFalse();
      assertThat(exhausted.getString("message")).contains("deleting the storage failed (attempt 5/5)")
          .contains("the test backend refused to delete").contains("retry");

      // Resyncs come and go; nothing more is tried or written.
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4))
          .until(() -> FaultyDriver.deleteCalls(handle).size() == MAX_ATTEMPTS);
      List<JsonObject> events = drain(watch, "stuck", Duration.ofSeconds(1));
      assertThat(events.size()).as("watch events of the volume while deleting (%s)", events)
          .isLessThanOrEqualTo(2 * MAX_ATTEMPTS + 2);
    }

    Http.Response retried = admin.post("/api/v1/namespaces/retries/volumes/stuck/retry", new JsonObject());
    assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
    assertThat(retried.json().getJsonObject("status").getInteger("attempts")).isZero();
    assertThat(retried.json().getJsonObject("status").getString("phase")).isEqualTo("Deleting");
    await().atMost(Duration.ofSeconds(20)).until(() -> FaultyDriver.deleteCalls(handle).size() == 2 * MAX_ATTEMPTS
        && "DeleteRetriesExhausted".equals(volume().getJsonObject("status").getString("reason")));

    Http.Response again = admin.post("/api/v1/namespaces/retries/volumes/stuck/retry", new JsonObject());
    assertThat(again.status()).isEqualTo(200);
    Http.Response refused = admin.post("/api/v1/namespaces/retries/volumes/stuck/retry", new JsonObject());
    assertThat(refused.status()).as("retrying while retries are under way").isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo("InvalidPhase");
  }

  /** Every watch frame about {@code name} that arrived so far (and within {@code quiet} more). */
  private static List<JsonObject> drain(WatchClient watch, String name, Duration quiet) {
    List<JsonObject> frames = new java.util.ArrayList<>();
    while (true) {
      JsonObject frame;
      try {
        frame = watch.next(quiet);
      } catch (AssertionError none) {
        return frames;
      }
      JsonObject object = frame.getJsonObject("object");
      if (object != null && name.equals(object.getString("name"))) {
        frames.add(frame);
      }
    }
  }

  private static JsonObject volume() {
    return admin.get("/api/v1/namespaces/retries/volumes/stuck").json();
  }
}
