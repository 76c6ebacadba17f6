package io.rune.storage.api;

import static io.rune.storage.testing.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.rune.storage.RuneStorageOptions;
import io.rune.storage.RuneStorageVerticle;
import io.rune.storage.config.RuneConfig;
import io.rune.storage.config.RunefileLoader;
import io.rune.storage.config.ServerFlags;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestPostgres;
import io.rune.storage.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The event-bus door on one node: a request without a token is refused unless the
 * verticle was deployed trusted-local (then it comes from this JVM, the embedding
 * application); with a token, the token's role decides, as over REST.
 */
class EventBusSecurityIT {

  private static final JsonObject NEW_VOLUME = new JsonObject().put("namespace", "apps")
      .put("object", new JsonObject().put("name", "cache").put("size", "1Gi"));

  @Test
  void withoutTrustedLocalATokenIsRequiredAndItsRoleApplies() throws Exception {
    Vertx vertx = Vertx.vertx();
    Path dataDir = TestServer.tempDir("eb-security");
    try {
      RuneConfig config = RunefileLoader.resolve(new JsonObject()
          .put("server", new JsonObject().put("dataDir", dataDir.toString()).put("listen", "127.0.0.1:0")
              .put("node", "eb-node"))
          .put("store", new JsonObject().put("url", TestPostgres.newDatabaseUrl("eb_security")))
          .put("storage", new JsonObject().put("localVolumeRoot", dataDir.resolve("volumes").toString())),
          ServerFlags.none(), Map.of());
      RuneStorageVerticle server = new RuneStorageVerticle(new RuneStorageOptions(config).setHttpInstances(1));
      await(vertx.deployVerticle(server));
      Http admin = new Http("http://127.0.0.1:" + server.httpPort(),
          Files.readString(dataDir.resolve("admin.token")).trim());

      ReplyException noToken = refusal(vertx, "rune.api.volumes.create", NEW_VOLUME, null);
      assertThat(noToken.failureCode()).isEqualTo(401);
      JsonObject error = new JsonObject(noToken.getMessage()).getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("Unauthenticated");
      assertThat(error.getString("message")).contains("'token' header");
      ReplyException noTokenList = refusal(vertx, "rune.api.storageclasses.list", new JsonObject(), null);
      assertThat(noTokenList.failureCode()).as("reads need a token too").isEqualTo(401);
      assertThat(admin.get("/api/v1/namespaces/apps/volumes/cache").status()).as("nothing was created").isEqualTo(404);

      ReplyException unknown = refusal(vertx, "rune.api.volumes.create", NEW_VOLUME, "not-a-token");
      assertThat(unknown.failureCode()).isEqualTo(401);
      assertThat(new JsonObject(unknown.getMessage()).getJsonObject("error").getString("code"))
          .isEqualTo("Unauthenticated");

      String readonly = admin.post("/api/v1/tokens", new JsonObject().put("role", "readonly")).json().getString("token");
      ReplyException forbidden = refusal(vertx, "rune.api.volumes.create", NEW_VOLUME, readonly);
      assertThat(forbidden.failureCode()).isEqualTo(403);
      JsonObject classes = (JsonObject) await(vertx.eventBus().request("rune.api.storageclasses.list",
          new JsonObject(), new DeliveryOptions().addHeader("token", readonly))).body();
      assertThat(classes.getJsonArray("items")).isNotEmpty();

      JsonObject created = (JsonObject) await(vertx.eventBus().request("rune.api.volumes.create", NEW_VOLUME,
          new DeliveryOptions().addHeader("token", admin.token()))).body();
      assertThat(created.getString("name")).isEqualTo("cache");
      assertThat(admin.get("/api/v1/namespaces/apps/volumes/cache").status()).isEqualTo(200);
    } finally {
      await(vertx.close());
      TestServer.deleteTree(dataDir);
    }
  }

  @Test
  void trustedLocalLetsThisJvmOmitTheToken() {
    try (TestServer server = TestServer.external("eb_trusted")) {
      JsonObject created = (JsonObject) await(server.vertx().eventBus().request("rune.api.volumes.create",
          NEW_VOLUME)).body();
      assertThat(created.getString("name")).isEqualTo("cache");
      assertThat(server.admin().get("/api/v1/namespaces/apps/volumes/cache").status()).isEqualTo(200);

      String readonly = server.admin().post("/api/v1/tokens", new JsonObject().put("role", "readonly")).json()
          .getString("token");
      ReplyException forbidden = refusal(server.vertx(), "rune.api.volumes.delete",
          new JsonObject().put("namespace", "apps").put("name", "cache"), readonly);
      assertThat(forbidden.failureCode()).as("a token still applies its role").isEqualTo(403);
    }
  }

  static ReplyException refusal(Vertx vertx, String address, JsonObject body, String token) {
    DeliveryOptions options = new DeliveryOptions();
    if (token != null) {
      options.addHeader("token", token);
    }
    Throwable failure = catchThrowable(() -> await(vertx.eventBus().request(address, body, options)));
    assertThat(failure).as("the request to " + address + " was refused").isNotNull();
    assertThat(failure.getCause()).isInstanceOf(ReplyException.class);
    return (ReplyException) failure.getCause();
  }
}
