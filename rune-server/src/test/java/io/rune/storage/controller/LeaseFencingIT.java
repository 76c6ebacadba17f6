package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.cluster.Shards;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.drivers.FaultyDriver;
import io.rune.storage.testing.drivers.FaultyDriverProvider;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A node whose shard lease was taken away while a provision call was in flight (another
 * node took it: a new holder and epoch, as while this node was paused, before it renewed)
 * writes nothing more for the objects of that shard: the status write it makes when the
 * call returns reaches the database, which refuses it (counted in
 * rune_lease_fenced_writes_total), and no further driver call or write is made for them,
 * for the volume in flight nor for a new one. The node renews only every 20 s here, so that
 * it learns of the loss from the refusal, as a paused node does.
 */
class LeaseFencingIT {
  private static final String NAMESPACE = "fence";
  private static final String VOLUMES = "/api/v1/namespaces/" + NAMESPACE + "/volumes";

  @Test
  void aNodeWhoseLeaseWasTakenMakesNoStatusWriteAndNoDriverCallForThatShard() {
    JsonObject runefile = new JsonObject()
        .put("controller", new JsonObject().put("initialBackoff", "200ms").put("maxBackoff", "1s")
            .put("resyncInterval", "300ms"))
        .put("drivers", new JsonObject().put("breakerMaxFailures", 1000))
        .put("cluster", new JsonObject().put("leaseDuration", "60s").put("renewDeadline", "40s")
            .put("retryPeriod", "20s"));
    try (TestServer server = TestServer.external("lease-fencing", runefile)) {
      Http admin = server.admin();
      assertThat(admin.post("/api/v1/storageclasses", new JsonObject().put("name", "slow")
          .put("driver", FaultyDriverProvider.NAME).put("reclaimPolicy", "delete")
          .put("parameters", new JsonObject().put("provisionMillis", "6000"))).status()).isEqualTo(201);
      String uid = create(admin, "in-flight");
      int shard = Shards.of(new ObjectKey(NAMESPACE, "in-flight"));
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
          .until(() -> FaultyDriver.provisionCalls(uid).size() == 1);
      String logRowsBefore = server.sqlValue("SELECT count(*) FROM change_log WHERE name = 'in-flight'");

      // Another node takes the shard while the call is in flight (6 s: time enough on a loaded machine).
      server.sql("UPDATE leases SET holder = 'other-node', epoch = epoch + 1, expires_at = now() + interval '1 hour'"
          + " WHERE shard = $1", shard);
      assertThat(phase(admin, "in-flight")).as("the call is still in flight").isEqualTo("Provisioning");

      // The call returns: its Available is refused by the database, and counted.
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
          .until(() -> fencedWrites(server) >= 1);
      String sibling = nameInShard(shard, "in-flight");
      String siblingUid = create(admin, sibling);
      // Several resyncs later: nothing more was written or called for either.
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
          .until(() -> FaultyDriver.provisionCalls(uid).size() == 1 && FaultyDriver.provisionCalls(siblingUid).isEmpty());
      assertThat(phase(admin, "in-flight")).isEqualTo("Provisioning");
      assertThat(server.sqlValue("SELECT count(*) FROM change_log WHERE name = 'in-flight'")).as("change-log rows")
          .isEqualTo(logRowsBefore);
      assertThat(server.sqlValue("SELECT count(*) FROM change_log WHERE name = '" + sibling + "'"))
          .as("only its creation").isEqualTo("1");
      assertThat(phase(admin, sibling)).isEqualTo("Pending");
      assertThat(fencedWrites(server)).isEqualTo(1);

      // Objects of the shards it still holds are reconciled as before.
      String elsewhere = nameInOtherShard(shard);
      create(admin, elsewhere);
      await().atMost(Duration.ofSeconds(20)).until(() -> "Available".equals(phase(admin, elsewhere)));
    }
  }

  private static String create(Http admin, String name) {
    Http.Response created = admin.post(VOLUMES, new JsonObject().put("name", name).put("size", "1Gi")
        .put("storageClassName", "slow"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return created.json().getString("uid");
  }

  private static String phase(Http admin, String name) {
    return admin.get(VOLUMES + "/" + name).json().getJsonObject("status").getString("phase");
  }

  private static String nameInShard(int shard, String other) {
    for (int i = 0; ; i++) {
      String name = "same-shard-" + i;
      if (Shards.of(new ObjectKey(NAMESPACE, name)) == shard && !name.equals(other)) {
        return name;
      }
    }
  }

  private static String nameInOtherShard(int shard) {
    for (int i = 0; ; i++) {
      String name = "other-shard-" + i;
      if (Shards.of(new ObjectKey(NAMESPACE, name)) != shard) {
        return name;
      }
    }
  }

  private static double fencedWrites(TestServer server) {
    Matcher m = Pattern.compile("(?m)^rune_lease_fenced_writes_total[^ ]* ([0-9.E]+)$")
        .matcher(server.anonymous().get("/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
