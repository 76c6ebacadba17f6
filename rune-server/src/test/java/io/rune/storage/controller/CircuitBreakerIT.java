package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.rune.storage.testing.drivers.FaultyDriver;
import io.rune.storage.testing.drivers.FaultyDriverProvider;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A backend that keeps failing opens its driver's circuit breaker: calls fail fast without
 * reaching it (and without spending the volume's attempts), then it is tried again through
 * half-open, and the breaker closes when it answers.
 */
class CircuitBreakerIT {

  @Test
  void repeatedFailuresOpenTheBreakerWhichRecoversThroughHalfOpen() {
    JsonObject runefile = new JsonObject()
        .put("controller", new JsonObject().put("initialBackoff", "100ms").put("maxBackoff", "1s")
            .put("resyncInterval", "500ms"))
        .put("drivers", new JsonObject().put("breakerMaxFailures", 2).put("breakerResetTimeout", "1s"));
    try (TestServer server = TestServer.external("breaker", runefile);
        WatchClient watch = WatchClient.connect(server, server.adminToken(), "kinds=volumes")) {
      Http admin = server.admin();
      assertThat(admin.post("/api/v1/storageclasses", new JsonObject().put("name", "flaky")
          .put("driver", FaultyDriverProvider.NAME).put("parameters", new JsonObject().put("failFirst", "3")))
          .status()).isEqualTo(201);
      Http.Response created = admin.post("/api/v1/namespaces/cb/volumes", new JsonObject().put("name", "v")
          .put("size", "1Gi").put("storageClassName", "flaky"));
      String uid = created.json().getString("uid");

      List<JsonObject> frames = watch.until(f -> "Available".equals(phase(f)), Duration.ofSeconds(60));
      assertThat(frames).as("the breaker was open at least once")
          .anySatisfy(f -> assertThat(reason(f)).isEqualTo("DriverUnavailable"));
      assertThat(frames).filteredOn(f -> "DriverUnavailable".equals(reason(f)))
          .allSatisfy(f -> assertThat(message(f)).contains("circuit breaker is open"));
      JsonObject available = frames.get(frames.size() - 1).getJsonObject("object").getJsonObject("status");
      assertThat(FaultyDriver.provisionCalls(uid)).as("no call reached the backend while the breaker was open")
          .hasSize(4);
      assertThat(available.getInteger("attempts")).as("fast failures spent no attempts").isEqualTo(4);

      String metrics = admin.get("/metrics").body();
      assertThat(counter(metrics, "open")).isGreaterThanOrEqualTo(1);
      assertThat(counter(metrics, "half-open")).isGreaterThanOrEqualTo(1);
      assertThat(counter(metrics, "closed")).isGreaterThanOrEqualTo(1);
      assertThat(metrics).containsPattern("rune_driver_circuit_state\\{[^}]*driver=\"test-faulty\"[^}]*} 0.0");
    }
  }

  private static double counter(String metrics, String state) {
    Matcher m = Pattern.compile("rune_driver_circuit_transitions_total\\{[^}]*driver=\"test-faulty\"[^}]*state=\""
        + state + "\"[^}]*} ([0-9.]+)").matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  private static JsonObject status(JsonObject frame) {
    JsonObject object = frame.getJsonObject("object");
    return object == null ? new JsonObject() : object.getJsonObject("status", new JsonObject());
  }

  private static String phase(JsonObject frame) {
    return status(frame).getString("phase");
  }

  private static String reason(JsonObject frame) {
    return status(frame).getString("reason");
  }

  private static String message(JsonObject frame) {
    return status(frame).getString("message");
  }
}
