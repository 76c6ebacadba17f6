package io.rune.storage.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Shard leases between real servers on one database (each a node): one node holds all 16;
 * two split them 8/8; a node that stops hands its shards over at once; the shards of a node
 * whose process is gone (its leases left as it last renewed them) are taken the moment they
 * expire; every change of holder grows the shard's epoch. Short leases (2 s, renew deadline
 * 1.5 s, retry 250 ms) so that the times can be measured.
 */
class ShardLeasesIT {
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration RETRY = Duration.ofMillis(250);

  private static JsonObject runefile() {
    return new JsonObject().put("cluster", new JsonObject().put("leaseDuration", "2s")
        .put("renewDeadline", "1500ms").put("retryPeriod", "250ms"));
  }

  @Test
  void oneNodeHoldsEveryShardAndTwoSplitThemThenAStoppedNodeHandsItsShardsOverAtOnce() {
    try (TestServer a = TestServer.external("leases-split", runefile())) {
      assertThat(held(a, "test-node")).isEqualTo(16);
      assertThat(metric(a, "rune_leases_held")).isEqualTo(16);

      TestServer b = TestServer.sameDatabaseAs(a, "leases-b", runefile());
      try {
        long started = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
            .until(() -> held(a, "test-node") == 8 && held(a, "leases-b") == 8);
        Duration split = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf("two nodes split the shards 8/8 %d ms after the second started%n", split.toMillis());
        assertThat(split).as("within a few retry periods").isLessThan(RETRY.multipliedBy(12));
        assertThat(metric(a, "rune_lease_transitions_total{direction=\"released\"")).isEqualTo(8);
        assertThat(metric(b, "rune_leases_held")).isEqualTo(8);
        Map<Integer, Long> epochsUnderB = epochs(a, "leases-b");

        long stopping = System.nanoTime();
        b.stop();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
            .until(() -> held(a, "test-node") == 16);
        Duration handover = Duration.ofNanos(System.nanoTime() - stopping);
        System.out.printf("a stopped node's shards were taken %d ms after it stopped%n", handover.toMillis());
        // Before its leases could have expired: they were released, not left to lapse.
        assertThat(handover).isLessThan(LEASE);
        Map<Integer, Long> epochsUnderA = epochs(a, "test-node");
        epochsUnderB.forEach((shard, epoch) -> assertThat(epochsUnderA.get(shard)).as("epoch of shard " + shard)
            .isGreaterThan(epoch));
      } finally {
        b.close();
      }
    }
  }

  @Test
  void theShardsOfANodeWhoseProcessIsGoneAreTakenWhenItsLeasesExpire() {
    try (TestServer a = TestServer.external("leases-expiry", runefile())) {
      assertThat(held(a, "test-node")).isEqualTo(16);
      // A node "ghost" held shards 0-7 and was killed right after renewing them: its row and
      // leases stay as it last wrote them (heartbeat now, leases expiring a lease from now).
      Map<Integer, Long> before = epochs(a, "test-node");
      a.sql("INSERT INTO nodes (name, started_at, heartbeat_at) VALUES ('ghost', now(), now())");
      long killed = System.nanoTime();
      a.sql("UPDATE leases SET holder = 'ghost', epoch = epoch + 1, renewed_at = now(),"
          + " expires_at = now() + interval '2 seconds' WHERE shard < 8");
      await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20))
          .until(() -> held(a, "test-node") == 8);
      assertThat(a.sqlValue("SELECT count(*) FROM leases WHERE holder = 'ghost'")).isEqualTo("8");

      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
          .until(() -> held(a, "test-node") == 16);
      Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
      System.out.printf("a gone node's shards were taken %d ms after its last renewal (lease %d ms)%n",
          takeover.toMillis(), LEASE.toMillis());
      assertThat(takeover).as("not before the leases expired").isGreaterThanOrEqualTo(LEASE.minusMillis(50))
          .as("within leaseDuration + retryPeriod").isLessThanOrEqualTo(LEASE.plus(RETRY));
      Map<Integer, Long> after = epochs(a, "test-node");
      for (int shard = 0; shard < 8; shard++) {
        assertThat(after.get(shard)).as("shard " + shard + ": this node, the ghost, this node again")
            .isEqualTo(before.get(shard) + 2);
      }
      assertThat(metric(a, "rune_lease_transitions_total{direction=\"lost\"")).isEqualTo(8);
      // 16 at start and the ghost's 8 taken back; a renewal of this node's own shards that came
      // too late under load (a lease is 2 s here) re-acquires the shard under a new epoch, and
      // counts as acquired once per epoch step, no more.
      long lapsed = 0;
      for (int shard = 8; shard < 16; shard++) {
        lapsed += after.get(shard) - before.get(shard);
      }
      assertThat(metric(a, "rune_lease_transitions_total{direction=\"acquired\"")).isEqualTo(24 + lapsed);
    }
  }

  /** Unexpired leases of {@code holder}, by the database's clock. */
  private static int held(TestServer server, String holder) {
    return Integer.parseInt(server.sqlValue("SELECT count(*) FROM leases WHERE holder = '" + holder
        + "' AND expires_at > now()"));
  }

  private static Map<Integer, Long> epochs(TestServer server, String holder) {
    Map<Integer, Long> epochs = new HashMap<>();
    String rows = server.sqlValue("SELECT string_agg(shard || ':' || epoch, ',') FROM leases WHERE holder = '"
        + holder + "'");
    for (String pair : rows.split(",")) {
      String[] parts = pair.split(":");
      epochs.put(Integer.parseInt(parts[0]), Long.parseLong(parts[1]));
    }
    return epochs;
  }

  /** A counter or gauge from the node's /metrics; {@code name} may end with an open label set. */
  private static double metric(TestServer server, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "[^ ]* ([0-9.E]+)$")
        .matcher(server.anonymous().get("/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
