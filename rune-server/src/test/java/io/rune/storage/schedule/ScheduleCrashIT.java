package io.rune.storage.schedule;

import static io.rune.storage.testing.RunedProcess.freePort;
import static io.rune.storage.testing.RunedProcess.stop;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.controller.Failpoints;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.RunedProcess;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A real runed halted right after a tick's transaction committed (the tick row and its
 * snapshot object), before its status said so: after a restart the tick has exactly its one
 * snapshot, neither lost nor taken again. And halted just before: the tick is taken after the
 * restart.
 *
 * <p>A runed process runs on the system clock (a test's clock cannot reach another JVM), so
 * this uses an every-minute schedule on wall time: the first tick comes within a minute.
 */
class ScheduleCrashIT {
  private static final Duration TICK_WAIT = Duration.ofSeconds(80);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final DateTimeFormatter TICK = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm").withZone(ZoneOffset.UTC);

  @Test
  void aHaltRightAfterTheTickCommitsLeavesExactlyOneSnapshotForThatTick() throws Exception {
    haltAtTheFirstTickThenRestart(Failpoints.AFTER_SCHEDULE_TICK);
  }

  /**
   * Halted before the tick's transaction: nothing of it was stored, and the restarted server
   * takes it (back within the minute), or takes the newer tick as the one catch-up.
   */
  @Test
  void aHaltRightBeforeTheTickIsTakenLeavesOneSnapshotAfterTheRestart() throws Exception {
    haltAtTheFirstTickThenRestart(Failpoints.BEFORE_SCHEDULE_TICK);
  }

  private static void haltAtTheFirstTickThenRestart(String failpoint) throws Exception {
    Path home = TestServer.tempDir("schedule-crash");
    List<String> args = List.of("--dev-mode", "--listen", "127.0.0.1:" + freePort());
    Process first = RunedProcess.start(home, args, null, "-Drune.failpoints=" + failpoint);
    Instant tick;
    try {
      Http http = RunedProcess.adminClient(home, first);
      Http.Response created = http.post("/api/v1/namespaces/db/volumes", new JsonObject().put("name", "pg")
          .put("size", "1Gi").put("storageClassName", "local").put("snapshotSchedule", new JsonObject()
              .put("cron", "* * * * *").put("retention", new JsonObject().put("keep", 5))));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      String next = await().atMost(WAIT).until(() -> http.get("/api/v1/namespaces/db/volumes/pg").json()
          .getJsonObject("status").getJsonObject("schedule", new JsonObject()).getString("nextRunAt"), n -> n != null);
      tick = Instant.parse(next);
      assertThat(first.waitFor(TICK_WAIT.toSeconds(), TimeUnit.SECONDS)).as("runed halted at the tick").isTrue();
      assertThat(RunedProcess.log(first)).contains("Failpoint " + failpoint + " reached");
    } finally {
      stop(first); // halted already, unless the test failed first
    }

    Process second = RunedProcess.start(home, args, null, "");
    try {
      Http http = RunedProcess.adminClient(home, second);
      String name = "pg-" + TICK.format(tick);
      JsonObject schedule = await().atMost(WAIT).until(() -> http.get("/api/v1/namespaces/db/volumes/pg").json()
          .getJsonObject("status").getJsonObject("schedule"), s -> s.getString("lastRunAt") != null);
      List<String> snapshots = http.get("/api/v1/namespaces/db/snapshots?labelSelector=rune.io/schedule%3Dpg")
          .items().stream().map(o -> ((JsonObject) o).getString("name")).sorted().toList();
      boolean committed = failpoint.equals(Failpoints.AFTER_SCHEDULE_TICK);
      if (schedule.getString("lastSnapshot").equals(name)) {
        // Back within the same minute: the tick has exactly one snapshot, taken before the halt or after it.
        assertThat(snapshots).containsExactly(name);
      } else if (committed) {
        // Back after the next tick: that one is a tick of its own; the crashed one still has its one snapshot.
        assertThat(snapshots).containsExactly(name, schedule.getString("lastSnapshot"));
      } else {
        // Back after the next tick, with nothing of the first stored: one catch-up snapshot, for the newest.
        assertThat(snapshots).containsExactly(schedule.getString("lastSnapshot"));
        assertThat(schedule.getString("message")).startsWith("caught up");
      }
      assertThat(schedule.getString("lastError")).isNull();
    } finally {
      stop(second);
      TestServer.deleteTree(home);
    }
  }
}
