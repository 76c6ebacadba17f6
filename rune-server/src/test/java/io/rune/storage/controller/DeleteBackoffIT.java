package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.drivers.FaultPlan;
import io.rune.storage.testing.drivers.FaultyDriver;
import io.rune.storage.testing.drivers.FaultyDriver.Op;
import io.rune.storage.testing.drivers.FaultyObjects;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A volume whose storage cannot be deleted is retried on the schedule, not in a hot loop:
 * its driver's delete calls and its status writes are counted against what the schedule
 * allows, it stops in a visible state (Deleting, DeleteRetriesExhausted), nothing more
 * happens while it waits there, and the retry verb starts it over. A snapshot whose copy
 * cannot be deleted, or made, is held to the same schedule.
 */
class DeleteBackoffIT {
  private static final int MAX_ATTEMPTS = 5;
  private static final long INITIAL_MS = 200;
  private static final long MAX_MS = 1000;
  // The breaker is out of reach: every delete call must reach the driver to be counted.
  private static final JsonObject RUNEFILE = new JsonObject()
      .put("controller", new JsonObject().put("maxAttempts", MAX_ATTEMPTS).put("initialBackoff", INITIAL_MS + "ms")
          .put("maxBackoff", MAX_MS + "ms").put("resyncInterval", "1s"))
      .put("drivers", new JsonObject().put("breakerMaxFailures", 1000));
  private static TestServer server;
  private static FaultyObjects objects;

  @BeforeAll
  static void start() {
    server = TestServer.external("delete-backoff", RUNEFILE);
    objects = new FaultyObjects(server, "reclaim");
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  /** OBJECT: this volume's storage is in the way; BACKEND: a transient backend fault (below the breaker's threshold). */
  @ParameterizedTest
  @ValueSource(strings = {"OBJECT", "BACKEND"})
  void aDeleteThatAlwaysFailsFollowsTheScheduleStopsVisiblyAndStartsOverOnRetry(String blame) {
    String backend = "delete-backoff-" + blame;
    String name = "undeletable-" + blame.toLowerCase();
    objects.createClass("undeletable-" + blame.toLowerCase(), new JsonObject().put("backend", backend)
        .put("failDelete", "always").put("failDeleteWith", "TRANSIENT").put("failDeleteBlame", blame)
        .put("failDeleteReason", "StorageInTheWay"));
    String uid = objects.createVolume(name, "undeletable-" + blame.toLowerCase());
    await().atMost(Duration.ofSeconds(30)).until(() -> "Available".equals(objects.status(name).getString("phase")));
    String handle = FaultyDriver.handleOf(uid);
    long writesBefore = objects.modifications(name);

    Instant deletedAt = Instant.now();
    assertThat(objects.admin().delete(objects.path(name)).status()).isEqualTo(200);
    // Until it stops, or plainly runs hot: then the assertions below fail at once, with the counts.
    try {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
        JsonObject status = objects.status(name);
        return status == null || "DeleteRetriesExhausted".equals(status.getString("reason"))
            || FaultyDriver.calls(Op.DELETE, handle).size() > 10 * MAX_ATTEMPTS;
      });
    } catch (ConditionTimeoutException stillRetrying) {
      // Judged below, with the counts.
    }
    JsonObject stopped = objects.status(name);
    List<Instant> calls = FaultyDriver.calls(Op.DELETE, handle);
    long writes = objects.modifications(name) - writesBefore;
    double seconds = Duration.between(deletedAt, Instant.now()).toMillis() / 1000.0;
    String counts = String.format("%d delete calls and %d status writes in %.1f s (%.0f calls/s, %.0f writes/s);"
        + " gaps %s ms; status %s", calls.size(), writes, seconds, calls.size() / seconds, writes / seconds,
        gaps(calls), stopped);

    System.out.println("DeleteBackoffIT figures (" + blame + "): " + counts);
    assertThat(stopped).as("the row stays while its storage cannot be deleted: " + counts).isNotNull();
    assertThat(stopped.getString("reason")).as(counts).isEqualTo("DeleteRetriesExhausted");
    assertThat(stopped.getString("phase")).as(counts).isEqualTo("Deleting");
    assertThat(stopped.containsKey("nextAttemptAt")).as("no next attempt once stopped: " + counts).isFalse();
    assertThat(calls).as("delete calls = the attempts the schedule allows: " + counts).hasSize(MAX_ATTEMPTS);
    assertThat(writes).as("status writes at most 2 per attempt + 2: " + counts).isLessThanOrEqualTo(2L * calls.size() + 2);
    List<Long> gaps = gaps(calls);
    for (int i = 0; i < gaps.size(); i++) {
      long backoff = Math.min(INITIAL_MS << i, MAX_MS);
      assertThat(gaps.get(i)).as("gap %d at least the backoff (%d ms) less a fifth of jitter: %s", i + 1, backoff, counts)
          .isGreaterThanOrEqualTo(backoff * 4 / 5 - 20);
    }
    assertThat(stopped.getString("message")).as("the status says what failed: " + counts)
        .contains("the test backend refused");

    // Stopped means stopped: several backoff periods and resyncs pass without a call or a write.
    String resourceVersion = objects.volume(name).getString("resourceVersion");
    long writesStopped = objects.modifications(name);
    await().during(Duration.ofMillis(4 * MAX_MS)).atMost(Duration.ofMillis(6 * MAX_MS)).pollInterval(Duration.ofMillis(200))
        .until(() -> FaultyDriver.calls(Op.DELETE, handle).size() == MAX_ATTEMPTS
            && objects.modifications(name) == writesStopped
            && resourceVersion.equals(objects.volume(name).getString("resourceVersion")));

    Http.Response retried = objects.admin().post(objects.path(name) + "/retry", new JsonObject());
    assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> FaultyDriver.calls(Op.DELETE, handle).size() > MAX_ATTEMPTS);
    FaultPlan.set(backend, "failDelete", "0");
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> objects.volume(name) == null);
    } finally {
      FaultPlan.reset(backend);
    }
    assertThat(FaultyDriver.holds(handle)).as("the storage is gone with the row").isFalse();
    int total = FaultyDriver.calls(Op.DELETE, handle).size();
    assertThat(total).as("the retry started a new cycle, which the next call ended: %d calls", total)
        .isBetween(MAX_ATTEMPTS + 2, 2 * MAX_ATTEMPTS);
  }

  /**
   * A snapshot whose copy cannot be deleted goes through the same schedule (DELETE_SNAPSHOT):
   * its driver's deleteSnapshot calls and its status writes are counted, it stops visibly,
   * and nothing more happens while it waits there.
   */
  @Test
  void aSnapshotDeleteThatAlwaysFailsStopsAfterTheScheduledAttempts() {
    String backend = "delete-backoff-snapshot";
    objects.createClass("undeletable-copies", new JsonObject().put("backend", backend)
        .put("failDeleteSnapshot", "always").put("failDeleteSnapshotReason", "CopyInTheWay"));
    objects.createVolume("copied", "undeletable-copies");
    await().atMost(Duration.ofSeconds(30)).until(() -> "Available".equals(objects.status("copied").getString("phase")));
    String snapshots = "/api/v1/namespaces/reclaim/snapshots";
    Http.Response taken = objects.admin().post(snapshots, new JsonObject().put("name", "kept")
        .put("source", new JsonObject().put("volume", "copied")));
    assertThat(taken.status()).as(taken.toString()).isEqualTo(201);
    String handle = "faulty-snapshot:" + taken.json().getString("uid");
    await().atMost(Duration.ofSeconds(30)).until(() -> "Ready".equals(snapshotStatus("kept").getString("phase")));
    long writesBefore = snapshotWrites("kept");

    assertThat(objects.admin().delete(snapshots + "/kept").status()).isEqualTo(200);
    try {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
        JsonObject status = snapshotStatus("kept");
        return status == null || "DeleteRetriesExhausted".equals(status.getString("reason"))
            || FaultyDriver.calls(Op.DELETE_SNAPSHOT, handle).size() > 10 * MAX_ATTEMPTS;
      });
    } catch (ConditionTimeoutException stillRetrying) {
      // Judged below, with the counts.
    }
    JsonObject stopped = snapshotStatus("kept");
    List<Instant> calls = FaultyDriver.calls(Op.DELETE_SNAPSHOT, handle);
    long writes = snapshotWrites("kept") - writesBefore;
    String counts = String.format("%d deleteSnapshot calls and %d status writes; gaps %s ms; status %s",
        calls.size(), writes, gaps(calls), stopped);
    assertThat(stopped).as("the row stays while its copy cannot be deleted: " + counts).isNotNull();
    assertThat(stopped.getString("reason")).as(counts).isEqualTo("DeleteRetriesExhausted");
    assertThat(stopped.getString("phase")).as(counts).isEqualTo("Deleting");
    assertThat(calls).as("deleteSnapshot calls = the attempts the schedule allows: " + counts).hasSize(MAX_ATTEMPTS);
    assertThat(writes).as("status writes at most 2 per attempt + 2: " + counts).isLessThanOrEqualTo(2L * calls.size() + 2);

    long writesStopped = snapshotWrites("kept");
    await().during(Duration.ofMillis(4 * MAX_MS)).atMost(Duration.ofMillis(6 * MAX_MS)).pollInterval(Duration.ofMillis(200))
        .until(() -> FaultyDriver.calls(Op.DELETE_SNAPSHOT, handle).size() == MAX_ATTEMPTS
            && snapshotWrites("kept") == writesStopped);
  }

  /**
   * The copy itself (SNAPSHOT) on the same schedule: a snapshot whose copy always fails is
   * Failed after the attempts the schedule allows, its calls and writes counted, then quiet.
   */
  @Test
  void aSnapshotThatAlwaysFailsStopsAfterTheScheduledAttempts() {
    objects.createClass("uncopyable", new JsonObject().put("backend", "delete-backoff-copy")
        .put("failSnapshot", "always"));
    objects.createVolume("uncopied", "uncopyable");
    await().atMost(Duration.ofSeconds(30)).until(() -> "Available".equals(objects.status("uncopied").getString("phase")));
    Http.Response taken = objects.admin().post("/api/v1/namespaces/reclaim/snapshots", new JsonObject()
        .put("name", "never").put("source", new JsonObject().put("volume", "uncopied")));
    assertThat(taken.status()).as(taken.toString()).isEqualTo(201);
    String uid = taken.json().getString("uid");
    try {
      await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
          "SnapshotRetriesExhausted".equals(snapshotStatus("never").getString("reason"))
              || FaultyDriver.calls(Op.SNAPSHOT, uid).size() > 10 * MAX_ATTEMPTS);
    } catch (ConditionTimeoutException stillRetrying) {
      // Judged below, with the counts.
    }
    JsonObject stopped = snapshotStatus("never");
    List<Instant> calls = FaultyDriver.calls(Op.SNAPSHOT, uid);
    long writes = snapshotWrites("never");
    String counts = String.format("%d snapshot calls and %d status writes; gaps %s ms; status %s",
        calls.size(), writes, gaps(calls), stopped);
    assertThat(stopped.getString("phase")).as(counts).isEqualTo("Failed");
    assertThat(stopped.getString("reason")).as(counts).isEqualTo("SnapshotRetriesExhausted");
    assertThat(calls).as("snapshot calls = the attempts the schedule allows: " + counts).hasSize(MAX_ATTEMPTS);
    assertThat(writes).as("status writes at most 2 per attempt + 2: " + counts).isLessThanOrEqualTo(2L * calls.size() + 2);

    long writesStopped = snapshotWrites("never");
    await().during(Duration.ofMillis(4 * MAX_MS)).atMost(Duration.ofMillis(6 * MAX_MS)).pollInterval(Duration.ofMillis(200))
        .until(() -> FaultyDriver.calls(Op.SNAPSHOT, uid).size() == MAX_ATTEMPTS
            && snapshotWrites("never") == writesStopped);
  }

  private static JsonObject snapshotStatus(String name) {
    Http.Response got = objects.admin().get("/api/v1/namespaces/reclaim/snapshots/" + name);
    return got.status() == 404 ? null : got.json().getJsonObject("status", new JsonObject());
  }

  private static long snapshotWrites(String name) {
    return Long.parseLong(server.sqlValue("SELECT count(*) FROM change_log WHERE kind = 'Snapshot'"
        + " AND type = 'MODIFIED' AND namespace = 'reclaim' AND name = '" + name + "'"));
  }

  private static List<Long> gaps(List<Instant> calls) {
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < calls.size() && i <= 20; i++) {
      gaps.add(Duration.between(calls.get(i - 1), calls.get(i)).toMillis());
    }
    return gaps;
  }
}
