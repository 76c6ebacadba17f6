package io.rune.storage.controller;

import static io.rune.storage.testing.drivers.FaultyObjects.framesUntil;
import static io.rune.storage.testing.drivers.FaultyObjects.nameOf;
import static io.rune.storage.testing.drivers.FaultyObjects.statusOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.rune.storage.testing.drivers.FaultPlan;
import io.rune.storage.testing.drivers.FaultyDriver;
import io.rune.storage.testing.drivers.FaultyObjects;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A backend that is really down (every call a transient fault blamed on it) still opens its
 * breaker: volumes wait on DriverUnavailable without spending their attempts, and when the
 * backend is back the breaker lets a call through (half-open), closes, and they become
 * Available.
 */
class BackendDownIT {
  private static final String BACKEND = "backend-down-it";
  private static final int VOLUMES = 3;
  private static final int MAX_FAILURES = 3;
  private static final JsonObject RUNEFILE = new JsonObject()
      .put("controller", new JsonObject().put("maxAttempts", 5).put("initialBackoff", "200ms")
          .put("maxBackoff", "1s").put("resyncInterval", "1s"))
      .put("drivers", new JsonObject().put("breakerMaxFailures", MAX_FAILURES).put("breakerResetTimeout", "2s"));

  @Test
  void aBackendThatIsDownOpensTheBreakerAndTheVolumesRecoverThroughHalfOpen() {
    FaultyDriver.backendDown(BACKEND, true);
    try (TestServer server = TestServer.external("backend-down", RUNEFILE);
        WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=volumes")) {
      FaultyObjects objects = new FaultyObjects(server, "outage");
      objects.createClass("down", new JsonObject().put("backend", BACKEND));
      Map<String, String> uids = new LinkedHashMap<>();
      for (int i = 0; i < VOLUMES; i++) {
        uids.put("v" + i, objects.createVolume("v" + i, "down"));
      }

      // Down: the breaker opens, and every volume is told so.
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
          .until(() -> objects.breakerState() == 2.0);
      Set<String> waiting = new HashSet<>();
      List<JsonObject> frames = new ArrayList<>(framesUntil(watch, frame -> {
        if ("DriverUnavailable".equals(statusOf(frame).getString("reason"))) {
          waiting.add(nameOf(frame));
        }
        return waiting.size() == VOLUMES;
      }, Duration.ofSeconds(20)));
      // Still down when half-open lets one call through: that call fails and the breaker opens again.
      await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
          .until(() -> objects.breakerTransitions("open") >= 2);
      int callsWhileDown = uids.values().stream().mapToInt(uid -> FaultyDriver.provisionCalls(uid).size()).sum();
      String down = String.format("while down: %d driver calls, breaker opened %.0f times, volumes told"
          + " DriverUnavailable %s, %d frames", callsWhileDown, objects.breakerTransitions("open"), waiting, frames.size());
      assertThat(waiting).as("every volume waits on the open breaker; " + down).hasSize(VOLUMES);
      double halfOpenWhileDown = objects.breakerTransitions("half-open");
      assertThat((double) callsWhileDown).as("the open breaker keeps calls away (at most the failures that open it,"
          + " one per half-open, and those already in flight); " + down)
          .isLessThanOrEqualTo(MAX_FAILURES + halfOpenWhileDown + VOLUMES);
      assertThat(frames).filteredOn(f -> "DriverUnavailable".equals(statusOf(f).getString("reason")))
          .as("waiting on the breaker, a volume is never given up on: " + down).allSatisfy(f -> {
            assertThat(statusOf(f).getString("phase")).isNotEqualTo("Stalled");
            assertThat(statusOf(f).getString("nextAttemptAt")).isNotNull();
          });

      // Back: half-open lets a call through, it succeeds, the breaker closes, every volume is provisioned.
      FaultyDriver.backendDown(BACKEND, false);
      Map<String, JsonObject> last = new HashMap<>();
      frames.addAll(framesUntil(watch, frame -> {
        if (nameOf(frame) != null) {
          last.put(nameOf(frame), statusOf(frame));
        }
        return uids.keySet().stream().allMatch(name -> last.containsKey(name)
            && "Available".equals(last.get(name).getString("phase")));
      }, Duration.ofSeconds(30)));
      String recovered = String.format("%s; then half-open %.0f, closed %.0f times, state %.1f; last statuses %s",
          down, objects.breakerTransitions("half-open"), objects.breakerTransitions("closed"), objects.breakerState(), last);
      for (Map.Entry<String, String> volume : uids.entrySet()) {
        JsonObject status = last.getOrDefault(volume.getKey(), new JsonObject());
        assertThat(status.getString("phase")).as(volume.getKey() + ": " + recovered).isEqualTo("Available");
        assertThat(status.getInteger("attempts")).as("%s: only calls that reached the backend are attempts; %s",
            volume.getKey(), recovered).isEqualTo(FaultyDriver.provisionCalls(volume.getValue()).size());
      }
      assertThat(objects.breakerTransitions("half-open")).as(recovered).isGreaterThanOrEqualTo(1);
      assertThat(objects.breakerTransitions("closed")).as(recovered).isGreaterThanOrEqualTo(1);
      assertThat(objects.breakerState()).as("closed again: " + recovered).isEqualTo(0.0);
      System.out.println("BackendDownIT figures: " + recovered);
    } finally {
      FaultPlan.reset(BACKEND);
    }
  }
}
