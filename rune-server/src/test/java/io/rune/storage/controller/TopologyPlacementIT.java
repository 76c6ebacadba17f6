package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Placement and the write-time checks of topology and growth, through the real server: a
 * node whose labels a class does not allow leaves its volumes Pending with the reason until
 * the node is relabelled; a class restricted to one host-path root refuses a local-host
 * volume under another; shrinking and growth the driver cannot do are refused, storing nothing.
 */
class TopologyPlacementIT {
  private static final String ZONE = "rune.io/zone";
  private static final String ROOT = "rune.io/host-path-root";
  private static final String VOLUMES = "/api/v1/namespaces/place/volumes";

  @Test
  void aZoneTheNodeLacksLeavesTheVolumePendingUntilTheNodeIsRelabelled() {
    TestServer first = TestServer.external("placement", runefile("zone-b"));
    TestServer second = null;
    try {
      Http admin = first.admin();
      assertThat(admin.post("/api/v1/storageclasses", zonedClass("zoned", "zone-a")).status()).isEqualTo(201);
      assertThat(admin.post(VOLUMES, volume("far", "zoned")).status()).isEqualTo(201);
      assertThat(admin.post(VOLUMES, volume("near", "local")).status()).isEqualTo(201);

      JsonObject pending = await().atMost(Duration.ofSeconds(30)).until(() -> status(admin, "far"),
          s -> "TopologyUnsatisfied".equals(s.getString("reason")));
      assertThat(pending.getString("phase")).isEqualTo("Pending");
      assertThat(pending.getString("message")).isEqualTo("no node has rune.io/zone=zone-a (class zoned allows"
          + " rune.io/zone in [zone-a]); node test-node has rune.io/zone=zone-b");
      assertThat(pending.getInteger("attempts", 0)).as("no attempt spent").isZero();
      assertThat(pending.containsKey("nextAttemptAt")).isFalse();
      await().atMost(Duration.ofSeconds(30)).until(() -> "Available".equals(status(admin, "near").getString("phase")));
      // Resyncs look at it again and leave it as it is: the same words, no rewrite.
      String version = admin.get(VOLUMES + "/far").json().getString("resourceVersion");
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
          admin.get(VOLUMES + "/far").json().getString("resourceVersion").equals(version));

      first.stop();
      // The same node (by name) started again with another label.
      JsonObject relabelled = runefile("zone-a");
      relabelled.getJsonObject("server").put("node", "test-node");
      second = TestServer.sameDatabaseAs(first, "placement-relabelled", relabelled);
      Http again = new Http(second.baseUrl(), first.adminToken());
      JsonObject placed = await().atMost(Duration.ofSeconds(30)).until(() -> status(again, "far"),
          s -> "Available".equals(s.getString("phase")));
      assertThat(placed.getString("node")).isEqualTo("test-node");
      assertThat(placed.getString("reason")).isEqualTo("Provisioned");
    } finally {
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  @Test
  void theLocalVolumeRootIsTheNodesHostPathRoot() {
    try (TestServer server = TestServer.external("placement-root", new JsonObject())) {
      Http admin = server.admin();
      String root = server.config().storage().localVolumeRoot().toString();
      assertThat(admin.post(VOLUMES, volume("here", "local").put("topology", new JsonObject().put(ROOT, root)))
          .status()).isEqualTo(201);
      assertThat(admin.post(VOLUMES, volume("there", "local").put("topology", new JsonObject()
          .put(ROOT, "/srv/elsewhere"))).status()).isEqualTo(201);
      Http.Response relative = admin.post(VOLUMES, volume("relative", "local").put("topology", new JsonObject()
          .put(ROOT, "srv/../x")));
      assertThat(relative.status()).isEqualTo(422);
      assertThat(relative.errorField()).isEqualTo("topology");
      assertThat(admin.get(VOLUMES + "/relative").status()).isEqualTo(404);

      await().atMost(Duration.ofSeconds(30)).until(() -> "Available".equals(status(admin, "here").getString("phase")));
      JsonObject there = await().atMost(Duration.ofSeconds(30)).until(() -> status(admin, "there"),
          s -> "TopologyUnsatisfied".equals(s.getString("reason")));
      assertThat(there.getString("phase")).isEqualTo("Pending");
      assertThat(there.getString("message")).startsWith("no node has rune.io/host-path-root=/srv/elsewhere")
          .endsWith("node test-node has rune.io/host-path-root=" + root);
    }
  }

  @Test
  void aClassRestrictedToOneRootRefusesAHostDirectoryUnderAnotherAndGrowthIsChecked() throws IOException {
    Path base = TestServer.tempDir("host-roots").toRealPath();
    Path a = Files.createDirectories(base.resolve("a"));
    Path b = Files.createDirectories(base.resolve("b"));
    Files.createDirectories(a.resolve("db"));
    Files.createDirectories(b.resolve("db"));
    JsonObject runefile = new JsonObject().put("storage", new JsonObject()
        .put("hostPathAllowlist", new JsonArray().add(a.toString()).add(b.toString())));
    try (TestServer server = TestServer.external("placement-host", runefile).removingOnClose(base)) {
      Http admin = server.admin();
      JsonObject rootA = new JsonObject().put("name", "root-a").put("driver", "local-host")
          .put("allowedTopologies", new JsonArray().add(new JsonObject().put("matchExpressions", new JsonArray()
              .add(new JsonObject().put("key", ROOT).put("operator", "In").put("values", new JsonArray()
                  .add(a.toString()))))));
      Http.Response created = admin.post("/api/v1/storageclasses", rootA);
      assertThat(created.status()).as(created.body()).isEqualTo(201);

      Http.Response under = admin.post(VOLUMES, volume("other-root", "root-a").put("hostPath", b.resolve("db")
          .toString()));
      assertThat(under.status()).isEqualTo(422);
      assertThat(under.errorCode()).isEqualTo("TopologyNotAllowed");
      assertThat(under.json().getJsonObject("error").getString("message")).contains(ROOT + " " + b);
      assertThat(admin.get(VOLUMES + "/other-root").status()).as("nothing stored").isEqualTo(404);

      assertThat(admin.post(VOLUMES, volume("db", "root-a").put("hostPath", a.resolve("db").toString())).status())
          .isEqualTo(201);
      JsonObject available = await().atMost(Duration.ofSeconds(30)).until(() -> status(admin, "db"),
          s -> "Available".equals(s.getString("phase")));
      assertThat(available.getJsonObject("topology").getString(ROOT)).isEqualTo(a.toString());

      // local-host never resizes a host directory: growth is refused, and so is shrinking.
      refusedUpdate(admin, "db", "5Gi", "ExpandUnsupported");
      refusedUpdate(admin, "db", "512Mi", "Invalid");

      assertThat(admin.post(VOLUMES, volume("big", "local").put("size", "5Gi")).status()).isEqualTo(201);
      await().atMost(Duration.ofSeconds(30)).until(() -> "Available".equals(status(admin, "big").getString("phase")));
      Http.Response shrink = refusedUpdate(admin, "big", "2Gi", "Invalid");
      assertThat(shrink.json().getJsonObject("error").getString("message"))
          .isEqualTo("volumes cannot shrink: 2Gi is below the current 5Gi");
    }
  }

  /** A PUT of {@code size} to a settled volume is refused on field size, and the stored object is unchanged. */
  private static Http.Response refusedUpdate(Http admin, String name, String size, String code) {
    JsonObject before = admin.get(VOLUMES + "/" + name).json();
    Http.Response refused = admin.put(VOLUMES + "/" + name, before.copy().put("size", size));
    assertThat(refused.status()).as(refused.body()).isEqualTo(422);
    assertThat(refused.errorCode()).isEqualTo(code);
    assertThat(refused.errorField()).isEqualTo("size");
    assertThat(admin.get(VOLUMES + "/" + name).json()).as("nothing stored").isEqualTo(before);
    return refused;
  }

  private static JsonObject runefile(String zone) {
    return new JsonObject()
        .put("server", new JsonObject().put("labels", new JsonObject().put(ZONE, zone)))
        .put("controller", new JsonObject().put("resyncInterval", "500ms"));
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
    return admin.get(VOLUMES + "/" + name).json().getJsonObject("status");
  }
}
