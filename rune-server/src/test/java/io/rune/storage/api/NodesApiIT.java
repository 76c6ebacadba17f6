package io.rune.storage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /api/v1/nodes}: the nodes table with the leases each node holds, as the heartbeat
 * writes them (rows put in here by SQL, shaped as the heartbeat writes them), Ready or NotReady
 * by the database's clock, for any valid token; and the heartbeat age of each on /metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NodesApiIT {
  private TestServer server;
  private Http admin;

  @BeforeAll
  void start() {
    server = TestServer.external("nodes-api");
    admin = server.admin();
    // alpha: heartbeat a second old, holding shards 0-5 and 9 (for an hour: no lease holder
    // of the server itself may take them during the test). beta: quiet for a minute, past
    // the 15 s lease duration, its lease on shard 10 expired.
    server.sql("INSERT INTO nodes (name, labels, address, version, started_at, heartbeat_at)"
        + " VALUES ('alpha', $1::jsonb, 'http://127.0.0.1:7861', '1.4.0', now() - interval '2 hours',"
        + " now() - interval '1 second'),"
        + " ('beta', '{}', 'http://127.0.0.1:7862', '1.3.9', now() - interval '3 minutes',"
        + " now() - interval '1 minute')",
        new JsonObject().put("rune.io/zone", "a").put("disk", "ssd"));
    server.sql("UPDATE leases SET holder = 'alpha', epoch = 3, acquired_at = now(), renewed_at = now(),"
        + " expires_at = now() + interval '1 hour' WHERE shard IN (0, 1, 2, 3, 4, 5, 9)");
    server.sql("UPDATE leases SET holder = 'beta', epoch = 7, acquired_at = now() - interval '1 minute',"
        + " renewed_at = now() - interval '1 minute', expires_at = now() - interval '45 seconds' WHERE shard = 10");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void listsEveryNodeByNameReadyOrNotWithItsLabelsAndTheShardsItHolds() {
    Http.Response response = admin.get("/api/v1/nodes");
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(response.header("Content-Type")).startsWith("application/json");
    JsonObject list = response.json();
    assertThat(list.getString("kind")).isEqualTo("NodeList");
    List<String> names = names(list.getJsonArray("items"));
    assertThat(names).as("ordered by name").isSorted().contains("alpha", "beta");

    JsonObject alpha = node(list, "alpha");
    assertThat(alpha.fieldNames()).containsExactlyInAnyOrder("name", "status", "labels", "address", "version",
        "startedAt", "heartbeatAt", "heartbeatAgeSeconds", "shards");
    assertThat(alpha.getString("status")).isEqualTo("Ready");
    assertThat(alpha.getJsonObject("labels")).isEqualTo(new JsonObject().put("disk", "ssd").put("rune.io/zone", "a"));
    assertThat(alpha.getString("address")).isEqualTo("http://127.0.0.1:7861");
    assertThat(alpha.getString("version")).isEqualTo("1.4.0");
    assertThat(alpha.getJsonArray("shards")).isEqualTo(new JsonArray(List.of(0, 1, 2, 3, 4, 5, 9)));
    assertThat(alpha.getDouble("heartbeatAgeSeconds")).isBetween(1.0, 15.0);
    Instant started = Instant.parse(alpha.getString("startedAt"));
    Instant heartbeat = Instant.parse(alpha.getString("heartbeatAt"));
    assertThat(Duration.between(started, heartbeat)).isBetween(Duration.ofMinutes(119), Duration.ofMinutes(120));

    JsonObject beta = node(list, "beta");
    assertThat(beta.getString("status")).as("a heartbeat older than the lease duration").isEqualTo("NotReady");
    assertThat(beta.getJsonObject("labels")).isEqualTo(new JsonObject());
    assertThat(beta.getJsonArray("shards")).as("its only lease expired").isEqualTo(new JsonArray());
    assertThat(beta.getDouble("heartbeatAgeSeconds")).isBetween(60.0, 120.0);
  }

  @Test
  void anyValidTokenMayListReadonlyAndScopedToANamespaceIncludedButNoTokenMayNot() {
    Http readonly = server.client("readonly", "somewhere");
    Http.Response response = readonly.get("/api/v1/nodes");
    assertThat(response.status()).as(response.toString()).isEqualTo(200);
    assertThat(names(response.items())).contains("alpha", "beta");
    assertThat(readonly.get("/api/v1/nodes/alpha").status()).isEqualTo(200);

    for (Http refused : List.of(server.anonymous(), admin.withToken("rst_" + "x".repeat(40)))) {
      Http.Response answer = refused.get("/api/v1/nodes");
      assertThat(answer.status()).as(answer.toString()).isEqualTo(401);
      assertThat(answer.errorCode()).isEqualTo("Unauthenticated");
      assertThat(refused.get("/api/v1/nodes/alpha").status()).isEqualTo(401);
    }
  }

  @Test
  void oneNodeByNameAndAnUnknownOneIsNotFound() {
    Http.Response alpha = admin.get("/api/v1/nodes/alpha");
    assertThat(alpha.status()).as(alpha.toString()).isEqualTo(200);
    assertThat(alpha.json().getString("name")).isEqualTo("alpha");
    assertThat(alpha.json().getJsonArray("shards")).hasSize(7);

    Http.Response missing = admin.get("/api/v1/nodes/gamma");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.errorCode()).isEqualTo("NotFound");
    assertThat(missing.json().getJsonObject("error").getString("message")).contains("\"gamma\"");
    Http.Response notAName = admin.get("/api/v1/nodes/Not_A_Name");
    assertThat(notAName.status()).isEqualTo(400);
    assertThat(notAName.errorField()).isEqualTo("name");
  }

  @Test
  void aLabelSelectorNarrowsTheListAndParametersOfPagedListsAreRefused() {
    Http.Response zoned = admin.get("/api/v1/nodes?labelSelector=rune.io/zone%3Da");
    assertThat(zoned.status()).as(zoned.toString()).isEqualTo(200);
    assertThat(names(zoned.items())).containsExactly("alpha");
    assertThat(names(admin.get("/api/v1/nodes?labelSelector=!disk").items())).contains("beta").doesNotContain("alpha");
    assertThat(names(admin.get("/api/v1/nodes?labelSelector=rune.io/zone%20in%20(a,z)").items()))
        .containsExactly("alpha");
    assertThat(names(admin.get("/api/v1/nodes?labelSelector=rune.io/zone%20notin%20(a)").items()))
        .contains("beta").doesNotContain("alpha");

    Http.Response badSelector = admin.get("/api/v1/nodes?labelSelector=(((");
    assertThat(badSelector.status()).isEqualTo(400);
    assertThat(badSelector.errorCode()).isEqualTo("MalformedRequest");
    assertThat(badSelector.errorField()).isEqualTo("labelSelector");
    Http.Response paged = admin.get("/api/v1/nodes?limit=5");
    assertThat(paged.status()).isEqualTo(400);
    assertThat(paged.errorCode()).isEqualTo("MalformedRequest");
    assertThat(paged.errorField()).isEqualTo("limit");
  }

  @Test
  void metricsGiveTheHeartbeatAgeOfEveryNode() {
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      String metrics = server.anonymous().get("/metrics").body();
      assertThat(gauge(metrics, "alpha")).isBetween(1.0, 15.0);
      assertThat(gauge(metrics, "beta")).isBetween(60.0, 120.0);
    });
  }

  private static double gauge(String metrics, String node) {
    Matcher value = Pattern.compile("(?m)^rune_node_heartbeat_age_seconds\\{node=\"" + node + "\"} ([0-9.Ee+-]+)$")
        .matcher(metrics);
    assertThat(value.find()).as("rune_node_heartbeat_age_seconds of " + node).isTrue();
    return Double.parseDouble(value.group(1));
  }

  private static List<String> names(JsonArray items) {
    return items.stream().map(item -> ((JsonObject) item).getString("name")).toList();
  }

  private static JsonObject node(JsonObject list, String name) {
    return list.getJsonArray("items").stream().map(JsonObject.class::cast)
        .filter(node -> node.getString("name").equals(name)).findFirst().orElseThrow();
  }
}
