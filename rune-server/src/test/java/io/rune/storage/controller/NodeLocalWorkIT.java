package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.cluster.Shards;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Node-local work stays on its node, across a clustered event bus: two servers a and b in
 * this JVM on one database. Volumes pinned to a, created through b, are made by a's driver
 * (under a's volume root, none under b's). With a stopped, b's delete, growth and provisioning
 * of a's volumes wait with NodeUnavailable: no attempt spent, never Stalled, tries spaced by a
 * backoff that grows, counted in the change log. With a started again they complete at once.
 */
class NodeLocalWorkIT {
  private static final String NODE = "rune.io/node";
  private static final String NS = "/api/v1/namespaces/routing/volumes";
  /** Short timings, so that a backoff that grows shows within seconds. */
  private static final JsonObject RUNEFILE = new JsonObject()
      .put("controller", new JsonObject().put("initialBackoff", "300ms").put("maxBackoff", "3s")
          .put("maxAttempts", 2).put("resyncInterval", "30s"))
      .put("cluster", new JsonObject().put("leaseDuration", "3s").put("renewDeadline", "2s")
          .put("retryPeriod", "500ms"));

  @Test
  void aNodesVolumesWaitForItWhileItIsAwayAndCompleteWhenItIsBack() {
    TestServer a = TestServer.clustered("a", RUNEFILE);
    TestServer b = TestServer.clustered("b", RUNEFILE, a);
    // a, first up, took every shard and then let b have the upper half (ShardLeases releases its
    // highest): "gone" and "bigger" are b's to reconcile while a runs, so their driver calls
    // cross the bus to a. "later" is in a's half, which a lets go of on stopping and b then
    // keeps for good; b lets its upper half go now and then while a's stale row counts as a
    // Ready node holding nothing (at most once per lease duration, taken back as orphans
    // 1.5 s later), so the waits measured below are those of "later".
    assertThat(List.of(shard("gone"), shard("bigger"))).allSatisfy(s -> assertThat(s).isGreaterThanOrEqualTo(8));
    assertThat(shard("later")).isLessThan(8);
    await().atMost(Duration.ofSeconds(20)).until(() -> holders(b, "gone", "bigger", "later"),
        h -> h.equals(List.of("b", "b", "a")));
    // Both write their own rows while they run; the test keeps only a's heartbeat after it stops.
    try (NodeHeartbeats heartbeats = new NodeHeartbeats(b)) {
      Http viaB = new Http(b.baseUrl(), a.adminToken());
      for (String name : List.of("gone", "bigger")) {
        assertThat(viaB.post(NS, pinned(name, "a")).status()).isEqualTo(201);
      }
      for (String name : List.of("gone", "bigger")) {
        JsonObject made = await().atMost(Duration.ofSeconds(30)).until(() -> status(viaB, name),
            s -> "Available".equals(s.getString("phase")));
        assertThat(made.getString("node")).isEqualTo("a");
        assertThat(Files.isDirectory(volumeRoot(a).resolve(made.getString("handle"))))
            .as("made by a's driver, under a's root").isTrue();
        assertThat(Files.exists(volumeRoot(b).resolve(made.getString("handle")))).as("nothing under b's").isFalse();
      }

      // a stops; its heartbeat is still fresh (a node just killed): the bus says it is away.
      heartbeats.lingering("a");
      a.stop();
      Instant stopped = Instant.now();
      assertThat(viaB.delete(NS + "/gone").status()).isEqualTo(200);
      JsonObject bigger = viaB.get(NS + "/bigger").json();
      assertThat(viaB.put(NS + "/bigger", bigger.put("size", "2Gi")).status()).isEqualTo(200);
      assertThat(viaB.post(NS, pinned("later", "a")).status()).isEqualTo(201);

      JsonObject later = awaitNodeUnavailable(viaB, "later");
      assertThat(later.getString("phase")).isEqualTo("Failed");
      assertThat(later.getString("node")).isEqualTo("a");
      assertThat(later.getString("message")).contains("node a does not answer on the event bus");

      // Its heartbeat stops too: NotReady after the lease duration (3 s), and the waits grow.
      // At once, so that the count of waits below does not depend on the shards going to and fro.
      heartbeats.silent("a");
      JsonObject deleting = awaitNodeUnavailable(viaB, "gone");
      assertThat(deleting.getString("phase")).as("a deletion keeps its phase").isEqualTo("Deleting");
      JsonObject growing = awaitNodeUnavailable(viaB, "bigger");
      assertThat(growing.getString("phase")).as("a growth keeps its phase").isEqualTo("Available");
      // Until a wait has grown past 1.5 s while a is NotReady, or it plainly runs hot: judged below, with the counts.
      try {
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(() -> {
          List<Long> sofar = gaps(nodeUnavailableWrites(b, "later"));
          return sofar.size() > 20 || status(viaB, "later").getString("message").contains("has not been heard from")
              && !sofar.isEmpty() && sofar.get(sofar.size() - 1) > 1500;
        });
      } catch (ConditionTimeoutException notYet) {
        // Judged below, with the counts.
      }
      List<JsonObject> waits = nodeUnavailableWrites(b, "later");
      List<Long> gaps = gaps(waits);
      String figures = String.format("%d NodeUnavailable writes of 'later' in %d ms after a stopped; gaps %s ms",
          waits.size(), Duration.between(stopped, Instant.now()).toMillis(), gaps);
      System.out.println("NodeLocalWorkIT figures: " + figures);
      assertThat(waits).as(figures).allSatisfy(w -> assertThat(w.getInteger("attempts")).isZero());
      // A fixed 300 ms backoff makes a try every 300 ms; a doubling one reaches 1.5 s within five.
      assertThat(waits.size()).as(figures).isBetween(3, 8);
      assertThat(gaps.get(gaps.size() - 1)).as("the waits grow: " + figures).isGreaterThan(1500);
      assertThat(gaps).as("and stay within the cap: " + figures).allSatisfy(g -> assertThat(g).isLessThan(4000));
      JsonObject away = status(viaB, "later");
      assertThat(away.getString("message")).as("NotReady now").contains("node a has not been heard from for");
      for (String name : List.of("gone", "bigger", "later")) {
        assertThat(status(viaB, name).getString("phase")).as(name + " never stalls").isNotEqualTo("Stalled");
      }

      // a is back (its own heartbeat: a new start time): what waits for it goes at once, not after its backoff.
      a.start();
      Instant back = Instant.now();
      await().atMost(Duration.ofSeconds(20)).until(() -> viaB.get(NS + "/gone").status() == 404);
      JsonObject grown = await().atMost(Duration.ofSeconds(20)).until(() -> status(viaB, "bigger"),
          s -> "2Gi".equals(s.getString("capacity")));
      assertThat(grown.getString("phase")).isEqualTo("Available");
      JsonObject made = await().atMost(Duration.ofSeconds(20)).until(() -> status(viaB, "later"),
          s -> "Available".equals(s.getString("phase")));
      System.out.println("NodeLocalWorkIT figures: all three done " + Duration.between(back, Instant.now()).toMillis()
          + " ms after a started again");
      assertThat(Files.isDirectory(volumeRoot(a).resolve(made.getString("handle")))).isTrue();
      assertThat(Files.exists(volumeRoot(b).resolve(made.getString("handle")))).isFalse();
    } finally {
      a.close();
      b.close();
    }
  }

  private static int shard(String name) {
    return Shards.of(new ObjectKey("routing", name));
  }

  /** Which node leases the shard of each named volume, in order (null: none). */
  private static List<String> holders(TestServer server, String... names) {
    List<String> holders = new ArrayList<>();
    for (String name : names) {
      List<JsonObject> rows = server.sqlRows("SELECT holder FROM leases WHERE shard = $1 AND expires_at > now()",
          shard(name));
      holders.add(rows.isEmpty() ? null : rows.get(0).getString("holder"));
    }
    return holders;
  }

  private static JsonObject awaitNodeUnavailable(Http http, String name) {
    JsonObject waiting = await().atMost(Duration.ofSeconds(30)).until(() -> status(http, name),
        s -> "NodeUnavailable".equals(s.getString("reason")));
    assertThat(waiting.getInteger("attempts", 0)).as(name + ": no attempt spent").isZero();
    assertThat(waiting.getString("nextAttemptAt")).as(name + ": a next try is scheduled").isNotNull();
    return waiting;
  }

  /** The status writes of a volume that say it waits for its node, in order, from the change log. */
  private static List<JsonObject> nodeUnavailableWrites(TestServer server, String name) {
    return server.sqlRows("SELECT (object -> 'status' ->> 'attempts')::int AS attempts,"
        + " (extract(epoch FROM at) * 1000)::bigint AS at_ms FROM change_log WHERE kind = 'Volume'"
        + " AND name = $1 AND object -> 'status' ->> 'reason' = 'NodeUnavailable' ORDER BY seq", name);
  }

  private static List<Long> gaps(List<JsonObject> writes) {
    List<Long> gaps = new ArrayList<>();
    for (int i = 1; i < writes.size(); i++) {
      gaps.add(writes.get(i).getLong("at_ms") - writes.get(i - 1).getLong("at_ms"));
    }
    return gaps;
  }

  private static Path volumeRoot(TestServer server) {
    return server.config().storage().localVolumeRoot();
  }

  private static JsonObject pinned(String name, String node) {
    return new JsonObject().put("name", name).put("storageClassName", "local").put("size", "1Gi")
        .put("reclaimPolicy", "delete").put("topology", new JsonObject().put(NODE, node));
  }

  private static JsonObject status(Http http, String name) {
    return http.get(NS + "/" + name).json().getJsonObject("status", new JsonObject());
  }
}
