package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Placement among the nodes of the nodes table: volumes of a class that allows one zone land
 * only on the Ready nodes of that zone, spread over them, never on a NotReady node of the
 * zone nor on this server (another zone); a zone no Ready node has leaves its volume Pending,
 * naming the label. The other nodes are rows only (nothing answers for them on the bus), so
 * the volumes then wait for their node, spending no attempt.
 */
class NodePlacementIT {
  private static final String ZONE = "rune.io/zone";
  private static final String VOLUMES = "/api/v1/namespaces/spread/volumes";
  private static final int COUNT = 30;

  @Test
  void volumesLandOnlyOnFittingReadyNodesSpreadOverThem() {
    JsonObject runefile = new JsonObject()
        .put("server", new JsonObject().put("labels", new JsonObject().put(ZONE, "z0")))
        .put("controller", new JsonObject().put("initialBackoff", "1s").put("maxBackoff", "5s"));
    try (TestServer server = TestServer.external("node-placement", runefile);
        NodeHeartbeats nodes = new NodeHeartbeats(server)) {
      nodes.alive("n1", Map.of(ZONE, "z1")).alive("n2", Map.of(ZONE, "z1")).alive("n3", Map.of(ZONE, "z2"));
      nodes.longGone("gone", Map.of(ZONE, "z1"));
      Http admin = server.admin();
      assertThat(admin.post("/api/v1/storageclasses", zonedClass("zone-one", "z1")).status()).isEqualTo(201);
      assertThat(admin.post("/api/v1/storageclasses", zonedClass("zone-three", "z3")).status()).isEqualTo(201);
      for (int i = 0; i < COUNT; i++) {
        assertThat(admin.post(VOLUMES, volume("v" + i, "zone-one")).status()).isEqualTo(201);
      }
      assertThat(admin.post(VOLUMES, volume("nowhere", "zone-three")).status()).isEqualTo(201);

      Map<String, Integer> placed = new TreeMap<>();
      for (int i = 0; i < COUNT; i++) {
        String name = "v" + i;
        JsonObject waiting = await().atMost(Duration.ofSeconds(30)).until(() -> status(admin, name),
            s -> "NodeUnavailable".equals(s.getString("reason")));
        placed.merge(waiting.getString("node"), 1, Integer::sum);
        assertThat(waiting.getString("phase")).isEqualTo("Failed");
        assertThat(waiting.getInteger("attempts", 0)).as("no attempt spent on a node away").isZero();
        assertThat(waiting.getString("message")).contains("node " + waiting.getString("node")
            + " does not answer on the event bus");
      }
      System.out.println("NodePlacementIT figures: " + COUNT + " volumes of zone z1 placed " + placed);
      assertThat(placed).as("only the Ready nodes of zone z1").containsOnlyKeys("n1", "n2");
      assertThat(placed.values()).as("spread over them: " + placed).allSatisfy(n -> assertThat(n).isGreaterThan(5));

      JsonObject pending = await().atMost(Duration.ofSeconds(30)).until(() -> status(admin, "nowhere"),
          s -> "TopologyUnsatisfied".equals(s.getString("reason")));
      assertThat(pending.getString("phase")).isEqualTo("Pending");
      assertThat(pending.getString("message")).startsWith("no node has rune.io/zone=z3")
          .doesNotContain("node gone");
    }
  }

  private static JsonObject zonedClass(String name, String zone) {
    return new JsonObject().put("name", name).put("driver", "local").put("allowedTopologies", new JsonArray()
        .add(new JsonObject().put("matchExpressions", new JsonArray().add(new JsonObject().put("key", ZONE)
            .put("operator", "In").put("values", new JsonArray().add(zone))))));
  }

  private static JsonObject volume(String name, String className) {
    return new JsonObject().put("name", name).put("storageClassName", className).put("size", "1Gi");
  }

  private static JsonObject status(Http admin, String name) {
    return admin.get(VOLUMES + "/" + name).json().getJsonObject("status", new JsonObject());
  }
}
