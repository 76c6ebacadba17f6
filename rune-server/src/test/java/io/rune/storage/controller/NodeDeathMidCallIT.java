package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.cluster.Shards;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.TcpRelay;
import io.rune.storage.testing.TestServer;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * A node dies while a driver call to it is awaited: b reconciles a volume that lives on a,
 * a's driver is in the middle of a slow provision, and a dies. The event bus never fails a
 * request sent to a node that then died, so b would wait out the whole call timeout (set
 * long here: 120 s); instead it records Failed / NodeUnavailable within a few seconds of a
 * turning NotReady, with no attempt spent, and once a is back the volume is made, once.
 *
 * <p>a's death is as near a SIGKILL as one JVM allows: a reaches the database only through
 * a relay, which is cut first, and then a's Vert.x is closed. Like a killed process, a
 * writes nothing on its way down (not the NotReady mark nor the lease release of a graceful
 * stop: both fail), answers nothing more on the bus and drops the provision it held; its row
 * ages from its last heartbeat and turns NotReady one lease duration later.
 */
class NodeDeathMidCallIT {
  private static final String NODE = "rune.io/node";
  private static final String NS = "/api/v1/namespaces/death/volumes";
  /** How long a's driver holds each provision: a call still under way when a dies. */
  private static final String PROVISION_DELAY = "10s";

  @Test
  void aCallToANodeThatDiesFailsWithNodeUnavailableSoonAfterItTurnsNotReady() {
    Duration lease = Duration.ofSeconds(3);
    try (Pair pair = new Pair(lease, "2s", "500ms")) {
      TestServer a = pair.a;
      TestServer b = pair.b;
      String uid = pair.provisionUnderWayOnA();

      // a dies mid-provision: its database first, then everything else.
      pair.aToDatabase.cut();
      Instant killed = Instant.now();
      a.stop();
      long notReadyAtMs = b.sqlRows("SELECT (extract(epoch FROM heartbeat_at) * 1000)::bigint AS beat_ms"
          + " FROM nodes WHERE name = 'a'").get(0).getLong("beat_ms") + lease.toMillis();

      JsonObject away = await().atMost(Duration.ofSeconds(30)).until(pair::status,
          s -> "NodeUnavailable".equals(s.getString("reason")));
      Duration sinceKill = Duration.between(killed, Instant.now());
      long afterNotReady = nodeUnavailableWrites(b).get(0).getLong("at_ms") - notReadyAtMs;
      String figures = String.format("NodeUnavailable recorded %d ms after a turned NotReady (lease %d s, call"
          + " timeout 120 s), seen by the test %d ms after the kill; message: %s", afterNotReady, lease.toSeconds(),
          sinceKill.toMillis(), away.getString("message"));
      System.out.println("NodeDeathMidCallIT figures: " + figures);
      assertThat(away.getString("phase")).as(figures).isEqualTo("Failed");
      assertThat(away.getString("message")).as("the pending call gave up on a: " + figures)
          .contains("node a stopped answering while a call was under way");
      assertThat(afterNotReady).as("soon after a turned NotReady, not before: " + figures).isBetween(0L, 4000L);
      assertWaitsWithoutAttempt(away);
      assertThat(provisionLines(pair.callLog, uid)).as("a died before its provision made anything").isEmpty();

      pair.aIsBackAndMakesItOnce(uid);
    }
  }

  /**
   * A node killed and started again within its lease never turns NotReady: the call sent to
   * the dead one ends when b sees the node started again, and is made again at once, not
   * after the call timeout. Lease timings are the defaults (15 s), as a supervisor that
   * restarts runed at once would meet them.
   */
  @Test
  void aCallToANodeThatRestartsWithinItsLeaseIsMadeAgainWithoutWaitingForTheCallTimeout() {
    Duration lease = Duration.ofSeconds(15);
    try (Pair pair = new Pair(lease, "10s", "2s")) {
      TestServer a = pair.a;
      TestServer b = pair.b;
      String uid = pair.provisionUnderWayOnA();

      pair.aToDatabase.cut();
      a.stop();
      pair.aToDatabase.mend();
      a.start();
      JsonObject row = b.sqlRows("SELECT (extract(epoch FROM started_at) * 1000)::bigint AS started_ms,"
          + " (extract(epoch FROM now() - heartbeat_at) * 1000)::bigint AS age_ms FROM nodes WHERE name = 'a'").get(0);
      assertThat(row.getLong("age_ms")).as("a is back within its lease: never NotReady").isLessThan(lease.toMillis());

      // With a Ready, the next try goes at once: the wait shows in the change log, hardly in a GET.
      JsonObject away = await().atMost(Duration.ofSeconds(30)).until(() -> nodeUnavailableWrites(b),
          writes -> !writes.isEmpty()).get(0);
      long afterStart = away.getLong("at_ms") - row.getLong("started_ms");
      String figures = String.format("NodeUnavailable recorded %d ms after a started again (lease %d s, call"
          + " timeout 120 s); message: %s", afterStart, lease.toSeconds(),
          away.getJsonObject("status").getString("message"));
      System.out.println("NodeDeathMidCallIT figures: " + figures);
      assertThat(away.getJsonObject("status").getString("message")).as(figures).contains("node a started again")
          .contains("while a call was under way");
      assertThat(afterStart).as("soon after a started again: " + figures).isBetween(0L, 6000L);
      assertWaitsWithoutAttempt(away.getJsonObject("status"));

      pair.aIsBackAndMakesItOnce(uid);
    }
  }

  private static void assertWaitsWithoutAttempt(JsonObject away) {
    assertThat(away.getString("phase")).isEqualTo("Failed");
    assertThat(away.getInteger("attempts", 0)).as("no attempt spent").isZero();
    assertThat(away.getString("nextAttemptAt")).as("a next try is scheduled").isNotNull();
  }

  /**
   * Two clustered servers on one database: b, first up, and a, which reaches the database
   * through a relay the test can cut. Volume "inflight" lives on a and is b's to reconcile.
   */
  private static final class Pair implements AutoCloseable {
    final Path callLog = TestServer.tempDir("death-calls").resolve("calls.log");
    final TestServer b;
    final TcpRelay aToDatabase;
    final TestServer a;
    final Http viaB;

    Pair(Duration lease, String renewDeadline, String retryPeriod) {
      JsonObject runefile = new JsonObject()
          .put("controller", new JsonObject().put("initialBackoff", "300ms").put("maxBackoff", "3s")
              .put("maxAttempts", 2).put("resyncInterval", "30s"))
          .put("cluster", new JsonObject().put("leaseDuration", lease.toSeconds() + "s")
              .put("renewDeadline", renewDeadline).put("retryPeriod", retryPeriod))
          .put("drivers", new JsonObject().put("callTimeout", "120s"))
          .put("storage", new JsonObject().put("drivers", new JsonObject()
              .put("test-counting", new JsonObject().put("callLog", callLog.toString()))));
      b = TestServer.clustered("b", runefile);
      aToDatabase = TcpRelay.toDatabase(b.databaseUrl());
      JsonObject viaRelay = runefile.copy();
      viaRelay.put("store", new JsonObject().put("url", aToDatabase.relayed(b.databaseUrl())));
      try {
        a = TestServer.clustered("a", viaRelay, b);
      } catch (RuntimeException e) {
        b.close();
        aToDatabase.close();
        throw e;
      }
      viaB = new Http(b.baseUrl(), b.adminToken());
    }

    /** Creates "inflight" on a through b; returns its uid once a's driver holds its provision. */
    String provisionUnderWayOnA() {
      // b, first up, took every shard, then let a have the upper half: "inflight" is b's to
      // reconcile, and its driver calls cross the bus to a.
      assertThat(Shards.of(new ObjectKey("death", "inflight"))).isLessThan(8);
      await().atMost(Duration.ofSeconds(30)).until(() -> holder(b, 0) + "/" + holder(b, 15), "b/a"::equals);
      Http.Response made = viaB.post("/api/v1/storageclasses", new JsonObject().put("name", "counting")
          .put("driver", "test-counting").put("reclaimPolicy", "delete"));
      assertThat(made.status()).as(made.toString()).isEqualTo(201);
      Set<String> provisionsAtA = ConcurrentHashMap.newKeySet();
      a.vertx().eventBus().addInboundInterceptor((DeliveryContext<Object> delivery) -> {
        if (delivery.message().address().equals("rune.driver.test-counting.a")
            && delivery.message().body() instanceof JsonObject body && "provision".equals(body.getString("op"))) {
          provisionsAtA.add(body.getJsonObject("args").getString("uid"));
        }
        delivery.next();
      });
      Http.Response created = viaB.post(NS, new JsonObject().put("name", "inflight")
          .put("storageClassName", "counting").put("size", "1Gi").put("topology", new JsonObject().put(NODE, "a"))
          .put("parameters", new JsonObject().put("provisionDelay", PROVISION_DELAY)));
      assertThat(created.status()).as(created.toString()).isEqualTo(201);
      String uid = created.json().getString("uid");
      await().atMost(Duration.ofSeconds(20)).until(() -> provisionsAtA.contains(uid));
      assertThat(status().getString("phase")).isEqualTo("Provisioning");
      return uid;
    }

    /** a runs (started again): the volume is made by a's driver, once, and it never spent an attempt waiting. */
    void aIsBackAndMakesItOnce(String uid) {
      if (a.vertx() == null) {
        aToDatabase.mend();
        a.start();
      }
      Instant back = Instant.now();
      JsonObject available = await().atMost(Duration.ofSeconds(60)).until(this::status,
          s -> "Available".equals(s.getString("phase")));
      System.out.println("NodeDeathMidCallIT figures: Available " + Duration.between(back, Instant.now()).toMillis()
          + " ms after a was back (its driver holds each provision " + PROVISION_DELAY + ")");
      assertThat(available.getString("node")).isEqualTo("a");
      assertThat(provisionLines(callLog, uid)).as("storage made once, by a")
          .containsExactly("provision " + uid + " a created");
      assertThat(Files.isDirectory(volumeRoot(a).resolve(available.getString("handle")))).isTrue();
      assertThat(Files.exists(volumeRoot(b).resolve(available.getString("handle")))).isFalse();
      assertThat(nodeUnavailableWrites(b)).as("no attempt spent while a was away")
          .allSatisfy(w -> assertThat(w.getInteger("attempts")).isZero());
      assertThat(b.sqlRows("SELECT 1 FROM change_log WHERE kind = 'Volume' AND name = 'inflight'"
          + " AND object -> 'status' ->> 'phase' = 'Stalled'")).as("never Stalled").isEmpty();
    }

    JsonObject status() {
      return viaB.get(NS + "/inflight").json().getJsonObject("status", new JsonObject());
    }

    @Override
    public void close() {
      a.close();
      b.close();
      aToDatabase.close();
    }
  }

  private static String holder(TestServer server, int shard) {
    List<JsonObject> rows = server.sqlRows("SELECT holder FROM leases WHERE shard = $1 AND expires_at > now()", shard);
    return rows.isEmpty() ? null : rows.get(0).getString("holder");
  }

  /** The status writes of "inflight" that say it waits for its node, in order, from the change log. */
  private static List<JsonObject> nodeUnavailableWrites(TestServer server) {
    return server.sqlRows("SELECT object -> 'status' AS status, (object -> 'status' ->> 'attempts')::int AS attempts,"
        + " (extract(epoch FROM at) * 1000)::bigint AS at_ms FROM change_log WHERE kind = 'Volume'"
        + " AND name = 'inflight' AND object -> 'status' ->> 'reason' = 'NodeUnavailable' ORDER BY seq");
  }

  /** The driver's provision calls of one volume that made or found its storage, on any node. */
  private static List<String> provisionLines(Path callLog, String uid) {
    try {
      return !Files.exists(callLog) ? List.of() : Files.readAllLines(callLog).stream()
          .filter(line -> line.startsWith("provision " + uid + " ")).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path volumeRoot(TestServer server) {
    return server.config().storage().localVolumeRoot();
  }
}
