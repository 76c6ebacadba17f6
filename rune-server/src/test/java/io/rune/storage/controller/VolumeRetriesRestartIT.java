package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.drivers.FaultyDriver;
import io.rune.storage.testing.drivers.FaultyDriverProvider;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Attempts and backoff live in the row: a restart neither resets them nor wakes a Stalled volume. */
class VolumeRetriesRestartIT {

  @Test
  void aRestartContinuesTheAttemptCountAndLeavesStalledAlone() {
    JsonObject runefile = new JsonObject()
        .put("controller", new JsonObject().put("initialBackoff", "300ms").put("maxBackoff", "1s")
            .put("resyncInterval", "500ms"))
        .put("drivers", new JsonObject().put("breakerMaxFailures", 1000));
    try (TestServer server = TestServer.external("retries-restart", runefile)) {
      Http admin = server.admin();
      assertThat(admin.post("/api/v1/storageclasses", new JsonObject().put("name", "broken")
          .put("driver", FaultyDriverProvider.NAME).put("parameters", new JsonObject().put("failFirst", "always")))
          .status()).isEqualTo(201);
      String uid = admin.post("/api/v1/namespaces/rr/volumes", new JsonObject().put("name", "v").put("size", "1Gi")
          .put("storageClassName", "broken")).json().getString("uid");
      await().atMost(Duration.ofSeconds(30)).until(() -> attempts(admin) >= 2);

      server.restart();
      Http again = server.admin();
      JsonObject stalled = await().atMost(Duration.ofSeconds(30)).until(() -> status(again),
          s -> "Stalled".equals(s.getString("phase")));
      assertThat(stalled.getInteger("attempts")).isEqualTo(5);
      assertThat(FaultyDriver.provisionCalls(uid)).as("five attempts in all, across the restart").hasSize(5);

      server.restart();
      Http third = server.admin();
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
          .until(() -> FaultyDriver.provisionCalls(uid).size() == 5 && "Stalled".equals(
              status(third).getString("phase")));
    }
  }

  private static int attempts(Http admin) {
    JsonObject status = status(admin);
    return "Failed".equals(status.getString("phase")) ? status.getInteger("attempts", 0) : 0;
  }

  private static JsonObject status(Http admin) {
    return admin.get("/api/v1/namespaces/rr/volumes/v").json().getJsonObject("status");
  }
}
