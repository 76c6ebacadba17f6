package io.rune.storage.controller;

import static io.rune.storage.testing.drivers.FaultyObjects.framesUntil;
import static io.rune.storage.testing.drivers.FaultyObjects.nameOf;
import static io.rune.storage.testing.drivers.FaultyObjects.statusOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.LogWatch;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.rune.storage.testing.drivers.FaultyDriver;
import io.rune.storage.testing.drivers.FaultyObjects;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Faults of single volumes stay theirs: two volumes whose provisioning always fails for a
 * reason of their own (blamed on the object) do not open the breaker their driver shares
 * with fifty healthy volumes created together with them, and none of those ever waits on a
 * DriverUnavailable.
 */
class BrokenNeighboursIT {
  private static final int HEALTHY = 50;
  // Attempts enough that the broken volumes still fail while the second half is made.
  private static final int MAX_ATTEMPTS = 8;
  // A breaker that two broken volumes would open many times over, if their faults counted.
  private static final JsonObject RUNEFILE = new JsonObject()
      .put("controller", new JsonObject().put("maxAttempts", MAX_ATTEMPTS).put("initialBackoff", "200ms")
          .put("maxBackoff", "1s").put("resyncInterval", "1s"))
      .put("drivers", new JsonObject().put("breakerMaxFailures", 3).put("breakerResetTimeout", "5s"));

  @Test
  void twoBrokenVolumesDoNotDelayFiftyHealthyOnesNorOpenTheBreaker() {
    try (LogWatch breakerLines = LogWatch.start(Set.of("Circuit breaker"));
        TestServer server = TestServer.external("broken-neighbours", RUNEFILE);
        WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=volumes")) {
      FaultyObjects objects = new FaultyObjects(server, "street");
      objects.createClass("broken", new JsonObject().put("failProvision", "always")
          .put("failProvisionWith", "TRANSIENT").put("failProvisionBlame", "OBJECT")
          .put("failProvisionReason", "HostPathBlocked"));
      objects.createClass("healthy", new JsonObject());
      Map<String, String> uids = new HashMap<>();
      uids.put("broken-0", objects.createVolume("broken-0", "broken"));
      uids.put("broken-1", objects.createVolume("broken-1", "broken"));
      for (int i = 0; i < HEALTHY / 2; i++) {
        objects.createVolume("healthy-" + i, "healthy");
      }
      // The other half once the first half is Available and the broken ones have failed twice
      // more each, four in a row (a success resets the breaker's count): had those faults
      // counted, the breaker would be open for the second half.
      await().atMost(Duration.ofSeconds(30)).until(() -> objects.admin().get("/api/v1/namespaces/street/volumes")
          .items().stream().map(JsonObject.class::cast)
          .filter(v -> "Available".equals(v.getJsonObject("status", new JsonObject()).getString("phase")))
          .count() == HEALTHY / 2);
      Map<String, Integer> callsBefore = new HashMap<>();
      uids.forEach((name, uid) -> callsBefore.put(uid, FaultyDriver.provisionCalls(uid).size()));
      await().atMost(Duration.ofSeconds(15)).until(() -> callsBefore.entrySet().stream()
          .allMatch(e -> FaultyDriver.provisionCalls(e.getKey()).size() >= e.getValue() + 2));
      for (int i = HEALTHY / 2; i < HEALTHY; i++) {
        objects.createVolume("healthy-" + i, "healthy");
      }

      Map<String, String> phases = new HashMap<>();
      List<JsonObject> frames = framesUntil(watch, frame -> {
        if (nameOf(frame) != null) {
          phases.put(nameOf(frame), statusOf(frame).getString("phase"));
        }
        return phases.entrySet().stream().filter(e -> e.getValue().equals("Available")).count() == HEALTHY
            && "Stalled".equals(phases.get("broken-0")) && "Stalled".equals(phases.get("broken-1"));
      }, Duration.ofSeconds(45));

      List<String> unavailable = frames.stream().filter(f -> "DriverUnavailable".equals(statusOf(f).getString("reason")))
          .map(f -> nameOf(f) + ": " + statusOf(f).getString("message")).toList();
      String seen = frames.size() + " watch frames; phases " + phases.values().stream()
          .collect(Collectors.groupingBy(phase -> phase, TreeMap::new, Collectors.counting())) + "; breaker state " + objects.breakerState() + ", opened "
          + objects.breakerTransitions("open") + " times; breaker log lines " + breakerLines.sightings();
      assertThat(unavailable).as("no volume ever waited on the breaker: " + seen).isEmpty();
      List<String> notAvailable = IntStream.range(0, HEALTHY).mapToObj(i -> "healthy-" + i)
          .filter(name -> !"Available".equals(phases.get(name))).map(name -> name + " " + phases.get(name)).toList();
      assertThat(notAvailable).as("every healthy volume became Available: " + seen).isEmpty();
      for (String broken : List.of("broken-0", "broken-1")) {
        assertThat(phases.get(broken)).as("%s stopped after its attempts: %s", broken, seen).isEqualTo("Stalled");
        assertThat(FaultyDriver.provisionCalls(uids.get(broken))).as("%s: every attempt reached the driver; %s",
            broken, seen).hasSize(MAX_ATTEMPTS);
      }
      assertThat(objects.breakerState()).as("the breaker is still closed: " + seen).isEqualTo(0.0);
      assertThat(objects.breakerTransitions("open")).as("it never opened: " + seen).isZero();
      assertThat(breakerLines.sightings()).as("no breaker state change was logged: " + seen).isEmpty();
      assertThat(breakerLines.events()).as("the log was read").isPositive();
      System.out.println("BrokenNeighboursIT figures: " + seen);
    }
  }
}
