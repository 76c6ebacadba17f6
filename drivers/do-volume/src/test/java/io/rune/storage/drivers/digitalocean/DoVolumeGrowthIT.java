package io.rune.storage.drivers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestServer;
import io.rune.storage.drivers.digitalocean.fake.DigitalOceanFake;
import io.rune.storage.drivers.digitalocean.fake.DoVolume;
import io.rune.storage.drivers.digitalocean.fake.Fault;
import io.rune.storage.driver.fakecloud.RequestMatch;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Growth of a do-volume volume through the real server: a PUT with a larger size reaches the
 * driver's expand, which follows DigitalOcean's resize action, and the volume is Available
 * again with the new capacity. Needs the controller's expansion step (issue 13's core part);
 * the driver's side is covered without it by DoVolumeLookupAndGrowthTest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DoVolumeGrowthIT {
  private static final String TOKEN = "dop_v1_" + "9a7c".repeat(16);
  private static final Duration DEADLINE = Duration.ofSeconds(90);

  private Vertx vertx;
  private DigitalOceanFake fake;
  private TestServer server;
  private Http admin;

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    fake = DigitalOceanFake.start(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
        .acceptToken(TOKEN);
    JsonObject doVolume = new JsonObject().put("apiUrl", fake.baseUrl()).put("actionPollInterval", "50ms");
    server = TestServer.external("do-growth", new JsonObject()
        .put("server", new JsonObject().put("labels", new JsonObject().put("rune.io/region", "fra1")))
        .put("storage", new JsonObject().put("drivers", new JsonObject().put("do-volume", doVolume)))
        .put("controller", new JsonObject().put("initialBackoff", "200ms").put("maxBackoff", "1s")));
    admin = server.admin();
    assertThat(admin.post("/api/v1/namespaces/ops/secrets", new JsonObject().put("name", "token")
        .put("data", new JsonObject().put("token", TOKEN))).status()).isEqualTo(201);
    assertThat(admin.post("/api/v1/storageclasses", new JsonObject().put("name", "do").put("driver", "do-volume")
        .put("parameters", new JsonObject().put("region", "fra1").put("apiTokenSecretRef", "ops/token")))
        .status()).isEqualTo(201);
  }

  @AfterAll
  void stop() throws Exception {
    try {
      assertThat(fake.contractViolations()).isEmpty();
    } finally {
      server.close();
      fake.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aLargerSizeIsResizedAtDigitalOceanAndReportedAsCapacityAndShrinkingIsRefused() {
    String path = "/api/v1/namespaces/grow/volumes/db";
    assertThat(admin.post("/api/v1/namespaces/grow/volumes", new JsonObject().put("name", "db").put("size", "1Gi")
        .put("storageClassName", "do")).status()).isEqualTo(201);
    JsonObject available = awaitCapacity(path, "1Gi");
    String handle = available.getJsonObject("status").getString("handle");

    // The resize is in progress for a few polls: the driver follows it to completed.
    fake.inject(1, RequestMatch.of("POST", "/v2/volumes/*/actions"), Fault.actionInProgressForPolls(3));
    Http.Response grown = admin.put(path, spec(available, "3Gi"));
    assertThat(grown.status()).as("%s", grown).isEqualTo(200);
    awaitCapacity(path, "3Gi");
    assertThat(fake.volumes()).filteredOn(v -> v.id().equals(handle)).extracting(DoVolume::sizeGigabytes)
        .containsExactly(3L);
    List<JsonObject> resizes = fake.requests().stream().filter(r -> r.method().equals("POST")
        && r.path().equals("/v2/volumes/" + handle + "/actions")).map(r -> new JsonObject(r.body())).toList();
    assertThat(resizes).singleElement().satisfies(body -> {
      assertThat(body.getString("type")).isEqualTo("resize");
      assertThat(body.getLong("size_gigabytes")).isEqualTo(3);
      assertThat(body.getString("region")).isEqualTo("fra1");
    });

    Http.Response shrink = admin.put(path, spec(admin.get(path).json(), "2Gi"));
    assertThat(shrink.status()).as("%s", shrink).isEqualTo(422);
    assertThat(shrink.errorCode()).isEqualTo("Invalid");
    assertThat(shrink.errorField()).isEqualTo("size");
    assertThat(admin.get(path).json().getString("size")).isEqualTo("3Gi");
  }

  /** The user-written fields of the volume read, with another size. */
  private static JsonObject spec(JsonObject volume, String size) {
    return new JsonObject().put("name", volume.getString("name")).put("size", size)
        .put("storageClassName", volume.getString("storageClassName"))
        .put("resourceVersion", volume.getString("resourceVersion"));
  }

  private JsonObject awaitCapacity(String path, String capacity) {
    return await().atMost(DEADLINE).pollInterval(Duration.ofMillis(100)).until(() -> admin.get(path).json(),
        v -> "Available".equals(v.getJsonObject("status").getString("phase"))
            && capacity.equals(v.getJsonObject("status").getString("capacity")));
  }
}
