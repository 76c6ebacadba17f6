package io.rune.storage.api;

import static io.rune.storage.testing.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.RuneStorageOptions;
import io.rune.storage.RuneStorageVerticle;
import io.rune.storage.config.RuneConfig;
import io.rune.storage.config.RunefileLoader;
import io.rune.storage.config.ServerFlags;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestPostgres;
import io.rune.storage.testing.TestServer;
import io.rune.storage.testing.WatchClient;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * docs/EVENT-BUS.md lists every event-bus address Rune uses (issue 15). A real server, on a
 * Vert.x of its own whose event-bus metrics note every address a consumer registers on and
 * every address a message goes to, is made to use each address it uses only on demand:
 * driver calls, the progress of a snapshot and of a restore, a change of every kind, a watch,
 * a token's revocation. Then every address seen must be on the page, and every address and
 * pattern on the page must have been seen.
 */
class EventBusAddressesIT {
  private static final Path PAGE = Path.of("docs/EVENT-BUS.md");
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final String NODE = "bus-node";
  private static final String NS = "apps";

  private Vertx vertx;
  private DeliveryOptions withToken;

  @Test
  void everyAddressTheServerUsesIsOnThePageAndEveryAddressOnThePageIsUsed() throws Exception {
    EventBusPage page = EventBusPage.read(PAGE);
    BusAddressRecorder bus = new BusAddressRecorder();
    vertx = Vertx.builder().withMetrics(options -> bus).build();
    try {
      Path dataDir = TestServer.tempDir("bus-addresses");
      RuneStorageVerticle server = new RuneStorageVerticle(new RuneStorageOptions(config(dataDir))
          .setHttpInstances(1).setFeedPollInterval(Duration.ofMillis(500)));
      await(vertx.deployVerticle(server));
      String adminToken = Files.readString(dataDir.resolve("admin.token")).trim();
      withToken = new DeliveryOptions().addHeader("token", adminToken);
      useWhatIsUsedOnDemand(new Http("http://127.0.0.1:" + server.httpPort(), adminToken));

      // The change feed publishes the last changes within its poll interval: wait for them. No
      // built-in driver is cluster-wide; rune.driver.<driver> is used here by the test class
      // path's test-faulty and test-offline drivers.
      Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(page.unused(bus.addresses()))
          .as("addresses and patterns docs/EVENT-BUS.md documents that nothing registered or sent to here"
              + " (remove them from the page, or make this test use them); seen: " + bus.addresses())
          .isEmpty());
      Set<String> seen = bus.addresses();
      Map<String, String> undocumented = seen.stream().filter(address -> page.entryFor(address).isEmpty())
          .collect(Collectors.toMap(address -> address, address -> bus.uses(address) + summedUpBy(page, address)));
      assertThat(undocumented)
          .as("event-bus addresses the server used that docs/EVENT-BUS.md does not document (address=how it was"
              + " used); write each in code font with its request, reply and failures")
          .isEmpty();
      assertThat(bus.registered()).as("the API, driver, change-feed, revocation and lease consumers").contains(
          "rune.api.volumes.create", "rune.api.apply", "rune.driver.local." + NODE, "rune.internal.changes",
          "rune.internal.tokens.revoked", "rune.internal.leases.gained");
      long rune = seen.stream().filter(address -> address.startsWith("rune.")).count();
      assertThat(rune).as("distinct rune.* addresses seen").isGreaterThanOrEqualTo(45);
      System.out.printf("EventBusAddressesIT: %d distinct addresses seen, %d of them rune.*%n", seen.size(), rune);
    } finally {
      await(vertx.close());
    }
  }

  /** The server's lazy addresses: driver and progress calls, events of every kind, a watch, a revocation. */
  private void useWhatIsUsedOnDemand(Http admin) {
    call("storageclasses", "create", new JsonObject()
        .put("object", new JsonObject().put("name", "copies").put("driver", "local")));
    call("secrets", "create", new JsonObject().put("namespace", NS)
        .put("object", new JsonObject().put("name", "creds").put("data", new JsonObject().put("user", "rune"))));

    JsonObject reader = admin.post("/api/v1/tokens", new JsonObject().put("role", "readonly")).json();
    try (WatchClient watch = WatchClient.connect(admin.base(), reader.getString("token"), "kinds=volumes&namespace=" + NS)) {
      watch.until(frame -> "BOOKMARK".equals(frame.getString("type")), WAIT);
      call("volumes", "create", new JsonObject().put("namespace", NS)
          .put("object", new JsonObject().put("name", "data").put("size", "1Gi")));
      watch.until(frame -> "Available".equals(phaseOf(frame.getJsonObject("object"))), WAIT);

      call("snapshots", "create", new JsonObject().put("namespace", NS).put("object", new JsonObject()
          .put("name", "data-1").put("source", new JsonObject().put("volume", "data"))));
      awaitObject("snapshots", "data-1", snapshot -> "Ready".equals(phaseOf(snapshot)));
      call("volumes", "restore", new JsonObject().put("namespace", NS).put("name", "data-copy")
          .put("restore", new JsonObject().put("fromSnapshot", "data-1").put("storageClassName", "copies")));
      awaitObject("volumes", "data-copy", volume -> "Available".equals(phaseOf(volume)));

      call("services", "create", new JsonObject().put("namespace", NS).put("object", new JsonObject()
          .put("name", "web").put("scale", 1).put("volumes", new JsonArray().add(new JsonObject()
              .put("name", "data").put("mountPath", "/srv").put("claim", new JsonObject().put("name", "data-copy"))))));
      awaitObject("services", "web", service -> service.getJsonObject("status").getJsonArray("replicas", new JsonArray())
          .stream().anyMatch(replica -> "Ready".equals(((JsonObject) replica).getString("phase"))));

      assertThat(admin.delete("/api/v1/tokens/" + reader.getString("id")).status()).isEqualTo(204);
      assertThat(watch.awaitClose(WAIT)).as("the watch of the revoked token closes (policy violation)").isEqualTo(1008);
    }
  }

  private JsonObject call(String plural, String verb, JsonObject body) {
    return await(vertx.eventBus().<JsonObject>request("rune.api." + plural + "." + verb, body, withToken)
        .map(Message::body));
  }

  private void awaitObject(String plural, String name, Predicate<JsonObject> done) {
    Awaitility.await().atMost(WAIT).until(() -> call(plural, "get", new JsonObject().put("namespace", NS)
        .put("name", name)), done::test);
  }

  private static String phaseOf(JsonObject object) {
    return object == null ? null : object.getJsonObject("status", new JsonObject()).getString("phase");
  }

  /** Why a pattern of the page that matches {@code address} does not document it. */
  private static String summedUpBy(EventBusPage page, String address) {
    return page.entries().stream().filter(entry -> EventBusPage.isPattern(entry) && EventBusPage.matches(entry, address))
        .map(pattern -> " (" + pattern + " only sums up the " + page.literalsUnder(pattern).size()
            + " addresses listed under it; list this one too)")
        .collect(Collectors.joining());
  }

  private static RuneConfig config(Path dataDir) {
    JsonObject runefile = new JsonObject()
        .put("server", new JsonObject().put("dataDir", dataDir.toString()).put("node", NODE)
            .put("listen", "127.0.0.1:0"))
        .put("store", new JsonObject().put("url", TestPostgres.newDatabaseUrl("bus_addresses")))
        .put("storage", new JsonObject().put("localVolumeRoot", dataDir.resolve("volumes").toString()));
    return RunefileLoader.resolve(runefile, ServerFlags.none(), Map.of());
  }
}
