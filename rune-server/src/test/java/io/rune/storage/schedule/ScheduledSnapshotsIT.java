package io.rune.storage.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestClock;
import io.rune.storage.testing.TestPostgres;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Snapshot schedules through a real server, the real local driver and a clock the test
 * advances (the server looks at its schedules every second on such a clock): ticks, retention,
 * the catch-up after an outage, claimTemplates, and write-time validation.
 */
class ScheduledSnapshotsIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final DateTimeFormatter TICK = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC);
  /** Half a minute past a minute, so that every advance of a minute crosses exactly one tick. */
  private static final TestClock CLOCK = new TestClock(Instant.parse("2030-01-01T00:00:30Z"));
  private static TestServer server;
  private static Http admin;
  private static Path hostDirs;

  @BeforeAll
  static void start() throws Exception {
    hostDirs = TestServer.tempDir("schedule-host").toRealPath();
    server = TestServer.external("schedules", new JsonObject().put("storage", new JsonObject()
        .put("hostPathAllowlist", new JsonArray().add(hostDirs.toString()))), CLOCK);
    admin = server.admin();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void everyMinuteWithKeepThreeLeavesTheThreeNewestAndNeverAHandMadeOne() {
    createAvailable("keep", "db", everyMinute().put("retention", new JsonObject().put("keep", 3))
        .put("labels", new JsonObject().put("team", "blue")));
    Http.Response byHand = admin.post("/api/v1/namespaces/keep/snapshots", new JsonObject().put("name", "by-hand")
        .put("source", new JsonObject().put("volume", "db")));
    assertThat(byHand.status()).as(byHand.toString()).isEqualTo(201);

    for (int i = 0; i < 6; i++) {
      Instant now = CLOCK.advance(Duration.ofMinutes(1));
      awaitRunAt("keep", "db", now);
    }
    Instant last = CLOCK.instant();
    List<String> expected = List.of(3, 2, 1).stream()
        .map(back -> "db-" + TICK.format(last.minus(Duration.ofMinutes(back - 1)))).sorted().toList();
    await().atMost(WAIT).untilAsserted(() -> assertThat(scheduled("keep", "db")).isEqualTo(expected));
    JsonObject kept = admin.get("/api/v1/namespaces/keep/snapshots/" + expected.get(2)).json();
    assertThat(kept.getJsonObject("labels").getString("team")).isEqualTo("blue");
    JsonObject hand = admin.get("/api/v1/namespaces/keep/snapshots/by-hand").json();
    assertThat(hand.getJsonObject("status").getString("phase")).isNotEqualTo("Deleting");
    JsonObject schedule = scheduleStatus("keep", "db");
    assertThat(schedule.getString("lastSnapshot")).isEqualTo(expected.get(2));
    assertThat(schedule.getString("lastRunAt")).isEqualTo(last.toString());
    assertThat(schedule.getString("nextRunAt")).isEqualTo(last.plusSeconds(30).toString());
    assertThat(schedule.getString("lastError")).isNull();
    assertThat(schedule.getString("message")).isNull();

    // Without its schedule, the volume takes no more snapshots and its status.schedule goes.
    JsonObject volume = admin.get("/api/v1/namespaces/keep/volumes/db").json();
    volume.remove("snapshotSchedule");
    Http.Response put = admin.put("/api/v1/namespaces/keep/volumes/db", volume);
    assertThat(put.status()).as(put.toString()).isEqualTo(200);
    await().atMost(WAIT).until(() -> !volumeStatus("keep", "db").containsKey("schedule"));
  }

  /**
   * Retention goes through the API's delete, so a scheduled snapshot that a restore still needs
   * (here a Stalled one, whose retry would read it again) is refused with SnapshotInUse and
   * kept, while the others beyond {@code keep} go; once the restore is done it goes too.
   */
  @Test
  void aScheduledSnapshotARestoreStillNeedsOutlivesRetentionUntilTheRestoreIsDone() {
    createAvailable("held", "db", everyMinute().put("retention", new JsonObject().put("keep", 1)));
    Instant first = CLOCK.advance(Duration.ofMinutes(1));
    awaitRunAt("held", "db", first);
    String oldest = "db-" + TICK.format(first);
    await().atMost(WAIT).until(() -> "Ready".equals(snapshotPhase("held", oldest)));
    Http.Response restore = admin.post("/api/v1/namespaces/held/volumes/copy/restore",
        new JsonObject().put("fromSnapshot", oldest));
    assertThat(restore.status()).as(restore.toString()).isEqualTo(201);
    await().atMost(WAIT).until(() -> "Available".equals(volumeStatus("held", "copy").getString("phase")));
    server.patchStatus("Volume", "held", "copy", new JsonObject().put("phase", "Stalled"));

    awaitRunAt("held", "db", CLOCK.advance(Duration.ofMinutes(1)));
    Instant third = CLOCK.advance(Duration.ofMinutes(1));
    awaitRunAt("held", "db", third);
    String newest = "db-" + TICK.format(third);
    await().atMost(WAIT).untilAsserted(() -> assertThat(scheduled("held", "db")).containsExactly(oldest, newest));
    assertThat(snapshotPhase("held", oldest)).as("the snapshot the restore needs").isEqualTo("Ready");
    assertThat(scheduleStatus("held", "db").getString("lastError")).as("a refusal to wait for, not an error").isNull();

    server.patchStatus("Volume", "held", "copy", new JsonObject().put("phase", "Available"));
    Instant fourth = CLOCK.advance(Duration.ofMinutes(1));
    awaitRunAt("held", "db", fourth);
    await().atMost(WAIT).untilAsserted(() -> assertThat(scheduled("held", "db"))
        .containsExactly("db-" + TICK.format(fourth)));
  }

  private static String snapshotPhase(String namespace, String name) {
    return admin.get("/api/v1/namespaces/" + namespace + "/snapshots/" + name).json().getJsonObject("status")
        .getString("phase");
  }

  @Test
  void maxAgeDeletesTheScheduledSnapshotsWhoseTickIsOlder() {
    createAvailable("aged", "db", everyMinute().put("retention", new JsonObject().put("maxAge", "2m")));
    for (int i = 0; i < 4; i++) {
      awaitRunAt("aged", "db", CLOCK.advance(Duration.ofMinutes(1)));
    }
    // Ticks half a minute, 1.5, 2.5 and 3.5 minutes ago: the two within two minutes stay.
    Instant now = CLOCK.instant();
    List<String> expected = List.of("db-" + TICK.format(now.minusSeconds(60)), "db-" + TICK.format(now));
    await().atMost(WAIT).untilAsserted(() -> assertThat(scheduled("aged", "db")).isEqualTo(expected));
  }

  @Test
  void theTicksOfAVolumeADayOlderThanItsNewestAreRemoved() throws Exception {
    createAvailable("prune", "db", everyMinute().put("retention", new JsonObject().put("keep", 1)));
    awaitRunAt("prune", "db", CLOCK.advance(Duration.ofMinutes(1)));
    String uid = admin.get("/api/v1/namespaces/prune/volumes/db").json().getString("uid");
    assertThat(ticksOf(uid)).isEqualTo(1);
    awaitRunAt("prune", "db", CLOCK.advance(Duration.ofDays(2)));
    assertThat(ticksOf(uid)).as("only the newest tick's row is left").isEqualTo(1);
  }

  private static int ticksOf(String uid) throws Exception {
    String url = server.databaseUrl();
    String database = url.substring(url.lastIndexOf('/') + 1);
    try (Connection conn = TestPostgres.server().getDatabase("postgres", database).getConnection();
         Statement statement = conn.createStatement();
         ResultSet rows = statement.executeQuery("SELECT count(*) FROM schedule_ticks WHERE volume_uid = '" + uid + "'")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  @Test
  void afterAnOutageOfThreeTicksOneCatchUpSnapshotAndStatusSaysSo() {
    createAvailable("catchup", "db", everyMinute().put("retention", new JsonObject().put("maxAge", "7d")));
    Instant now;
    try (WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=volumes&namespace=catchup")) {
      watch.until(f -> "BOOKMARK".equals(f.getString("type")), WAIT);
      now = CLOCK.advance(Duration.ofMinutes(3));
      List<JsonObject> frames = watch.until(f -> now.toString().equals(lastRunAt(f)), WAIT);
      assertThat(frames).as("the run is a change on the watch stream").last()
          .satisfies(f -> assertThat(f.getString("type")).isEqualTo("MODIFIED"));
    }
    assertThat(scheduled("catchup", "db")).containsExactly("db-" + TICK.format(now));
    assertThat(scheduleStatus("catchup", "db").getString("message"))
        .startsWith("caught up: 3 ticks came due").contains("one snapshot taken");
  }

  @Test
  void aClaimTemplateScheduleGivesEveryReplicaItsOwnSnapshots() {
    JsonObject service = new JsonObject().put("name", "app").put("scale", 2).put("volumes", new JsonArray()
        .add(new JsonObject().put("name", "data").put("mountPath", "/data")
            .put("claimTemplate", new JsonObject().put("storageClassName", "local").put("size", "1Gi")
                .put("snapshotSchedule", everyMinute().put("retention", new JsonObject().put("keep", 2))))));
    Http.Response created = admin.post("/api/v1/namespaces/replicas/services", service);
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    for (String volume : List.of("data-app-0", "data-app-1")) {
      await().atMost(WAIT).until(() -> volumeStatus("replicas", volume).getJsonObject("schedule") != null
          && List.of("Available", "Bound").contains(volumeStatus("replicas", volume).getString("phase")));
    }
    Instant now = CLOCK.advance(Duration.ofMinutes(1));
    for (String volume : List.of("data-app-0", "data-app-1")) {
      awaitRunAt("replicas", volume, now);
      assertThat(scheduled("replicas", volume)).containsExactly(volume + "-" + TICK.format(now));
    }
  }

  @Test
  void eachBadFieldIsRefusedWith422NamingItAndNothingIsStored() {
    assertRefused(everyMinute().put("cron", "61 * * * *"), "snapshotSchedule.cron");
    assertRefused(everyMinute().put("cron", "* * * *"), "snapshotSchedule.cron");
    assertRefused(everyMinute().putNull("cron"), "snapshotSchedule.cron");
    assertRefused(everyMinute().put("timezone", "Mars/Olympus"), "snapshotSchedule.timezone");
    assertRefused(everyMinute(), "snapshotSchedule.retention");
    assertRefused(everyMinute().put("retention", new JsonObject().put("keep", 0)), "snapshotSchedule.retention.keep");
    assertRefused(everyMinute().put("retention", new JsonObject().put("maxAge", "a week")),
        "snapshotSchedule.retention.maxAge");
    assertRefused(everyMinute().put("retention", new JsonObject().put("keep", 1))
        .put("labels", new JsonObject().put("rune.io/schedule", "x")), "snapshotSchedule.labels");

    Http.Response hostClass = admin.post("/api/v1/storageclasses", new JsonObject().put("name", "host")
        .put("driver", "local-host"));
    assertThat(hostClass.status()).as(hostClass.toString()).isEqualTo(201);
    Http.Response noSnapshots = admin.post("/api/v1/namespaces/bad/volumes", new JsonObject().put("name", "v")
        .put("size", "1Gi").put("storageClassName", "host").put("hostPath", hostDirs.toString())
        .put("snapshotSchedule", everyMinute().put("retention", new JsonObject().put("keep", 1))));
    assertThat(noSnapshots.status()).as(noSnapshots.toString()).isEqualTo(422);
    assertThat(noSnapshots.errorCode()).isEqualTo("SnapshotsUnsupported");
    assertThat(noSnapshots.errorField()).isEqualTo("snapshotSchedule");

    JsonObject badTemplate = new JsonObject().put("name", "app").put("scale", 1).put("volumes", new JsonArray()
        .add(new JsonObject().put("name", "data").put("mountPath", "/data")
            .put("claimTemplate", new JsonObject().put("storageClassName", "local").put("size", "1Gi")
                .put("snapshotSchedule", everyMinute().put("cron", "@monthly")
                    .put("retention", new JsonObject().put("keep", 1))))));
    Http.Response template = admin.post("/api/v1/namespaces/bad/services", badTemplate);
    assertThat(template.status()).as(template.toString()).isEqualTo(422);
    assertThat(template.errorField()).isEqualTo("volumes[0].claimTemplate.snapshotSchedule.cron");
    JsonObject hostTemplate = badTemplate.copy();
    hostTemplate.getJsonArray("volumes").getJsonObject(0).getJsonObject("claimTemplate").put("storageClassName", "host")
        .getJsonObject("snapshotSchedule").put("cron", "@daily");
    Http.Response hostRefused = admin.post("/api/v1/namespaces/bad/services", hostTemplate);
    assertThat(hostRefused.status()).as(hostRefused.toString()).isEqualTo(422);
    assertThat(hostRefused.errorCode()).isEqualTo("SnapshotsUnsupported");
    assertThat(hostRefused.errorField()).isEqualTo("volumes[0].claimTemplate.snapshotSchedule");
    assertThat(admin.get("/api/v1/namespaces/bad/services/app").status()).isEqualTo(404);
    assertThat(admin.get("/api/v1/namespaces/bad/volumes").items()).isEmpty();
  }

  private static String lastRunAt(JsonObject frame) {
    JsonObject object = frame.getJsonObject("object");
    return object == null ? null : object.getJsonObject("status").getJsonObject("schedule", new JsonObject())
        .getString("lastRunAt");
  }

  private static void assertRefused(JsonObject schedule, String field) {
    Http.Response refused = admin.post("/api/v1/namespaces/bad/volumes", new JsonObject().put("name", "v")
        .put("size", "1Gi").put("storageClassName", "local").put("snapshotSchedule", schedule));
    assertThat(refused.status()).as(refused.toString()).isEqualTo(422);
    assertThat(refused.errorCode()).isEqualTo("Invalid");
    assertThat(refused.errorField()).as(refused.toString()).isEqualTo(field);
    assertThat(admin.get("/api/v1/namespaces/bad/volumes/v").status()).isEqualTo(404);
  }

  private static JsonObject everyMinute() {
    return new JsonObject().put("cron", "* * * * *");
  }

  private static void createAvailable(String namespace, String name, JsonObject schedule) {
    Http.Response created = admin.post("/api/v1/namespaces/" + namespace + "/volumes", new JsonObject()
        .put("name", name).put("size", "1Gi").put("storageClassName", "local").put("snapshotSchedule", schedule));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    // Available, and the schedule seen (it starts at its next tick).
    await().atMost(WAIT).until(() -> "Available".equals(volumeStatus(namespace, name).getString("phase"))
        && volumeStatus(namespace, name).getJsonObject("schedule") != null);
  }

  private static void awaitRunAt(String namespace, String volume, Instant now) {
    await().atMost(WAIT).until(() -> now.toString().equals(scheduleStatus(namespace, volume).getString("lastRunAt")));
  }

  private static JsonObject volumeStatus(String namespace, String name) {
    return admin.get("/api/v1/namespaces/" + namespace + "/volumes/" + name).json().getJsonObject("status");
  }

  private static JsonObject scheduleStatus(String namespace, String name) {
    return volumeStatus(namespace, name).getJsonObject("schedule", new JsonObject());
  }

  /** The names of the volume's scheduled snapshots, sorted. */
  static List<String> scheduled(String namespace, String volume) {
    return admin.get("/api/v1/namespaces/" + namespace + "/snapshots?labelSelector=rune.io/schedule%3D" + volume)
        .items().stream().map(o -> ((JsonObject) o).getString("name")).sorted().toList();
  }
}
