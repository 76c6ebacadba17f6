package io.rune.storage;

import static io.rune.storage.testing.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.rune.storage.config.RuneConfig;
import io.rune.storage.config.RunefileLoader;
import io.rune.storage.config.ServerFlags;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestPostgres;
import io.rune.storage.testing.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A host Vert.x application embeds Rune Storage: its own Vertx, its own pool, the REST
 * router mounted under its own HTTP server, and the event-bus door.
 */
class EmbeddingIT {

  @Test
  void aHostApplicationDeploysMountsAndTalksOverTheEventBus() throws Exception {
    Vertx host = Vertx.vertx();
    try {
      Path dataDir = TestServer.tempDir("embedding");
      String url = TestPostgres.newDatabaseUrl("embedding");
      PgConnectOptions connect = PgConnectOptions.fromUri(url);
      Pool hostPool = PgBuilder.pool().connectingTo(connect).using(host).build();
      RuneConfig config = RunefileLoader.resolve(new JsonObject().put("server", new JsonObject()
          .put("dataDir", dataDir.toString()).put("node", "host-1")), ServerFlags.none(), Map.of());

      RuneStorageVerticle storage = new RuneStorageVerticle(new RuneStorageOptions(config)
          .setPool(hostPool).setConnectOptions(connect).setHttpServer(false).setTrustedLocalEventBus(true));
      await(host.deployVerticle(storage));
      assertThat(storage.httpPort()).as("no HTTP server of its own").isEqualTo(-1);

      Router hostRouter = Router.router(host);
      hostRouter.get("/hello").handler(ctx -> ctx.end("host"));
      hostRouter.route("/storage/*").subRouter(storage.router());
      HttpServer server = await(host.createHttpServer().requestHandler(hostRouter).listen(0, "127.0.0.1"));
      Http http = new Http("http://127.0.0.1:" + server.actualPort() + "/storage",
          Files.readString(dataDir.resolve("admin.token")).trim());
      assertThat(http.get("/api/v1/storageclasses/local").json().getString("driver")).isEqualTo("local");
      // Mounted under /storage, the routes are still known by their own paths: the query table and 405.
      assertThat(http.get("/api/v1/storageclasses?fieldSelector=metadata.name%3Dlocal").items()).hasSize(1);
      Http.Response unknownParameter = http.get("/api/v1/storageclasses?bogus=1");
      assertThat(unknownParameter.status()).isEqualTo(400);
      assertThat(unknownParameter.errorField()).isEqualTo("bogus");
      Http.Response notAllowed = http.delete("/api/v1/storageclasses");
      assertThat(notAllowed.status()).isEqualTo(405);
      assertThat(notAllowed.header("Allow")).isEqualTo("GET, POST");
      assertThat(http.delete("/healthz").header("Allow")).isEqualTo("GET");
      // The console under the mount point: / and /ui send the browser to /storage/ui/, which serves it.
      for (String path : java.util.List.of("/", "/ui")) {
        Http.Response toConsole = http.get(path);
        assertThat(toConsole.status()).as("GET /storage%s", path).isEqualTo(302);
        assertThat(toConsole.header("Location")).isEqualTo("/storage/ui/");
      }
      Http.Response console = http.get("/ui/");
      assertThat(console.status()).isEqualTo(200);
      assertThat(console.body()).contains("<noscript>");
      assertThat(console.header("Content-Security-Policy")).startsWith("default-src 'none'");

      CompletableFuture<JsonObject> event = new CompletableFuture<>();
      host.eventBus().<JsonObject>consumer("rune.events.volumes", message -> event.complete(message.body()));

      JsonObject created = (JsonObject) await(host.eventBus().request("rune.api.volumes.create", new JsonObject()
          .put("namespace", "apps").put("object", new JsonObject().put("name", "cache").put("size", "2Gi")))).body();
      assertThat(created.getString("storageClassName")).isEqualTo("local");
      // The same volume through REST; its status may have moved on already (the controller runs).
      JsonObject read = http.get("/api/v1/namespaces/apps/volumes/cache").json();
      assertThat(read.getString("uid")).isEqualTo(created.getString("uid"));
      assertThat(read.getString("size")).isEqualTo("2Gi");

      JsonObject frame = event.get(15, TimeUnit.SECONDS);
      assertThat(frame.getString("type")).isEqualTo("ADDED");
      assertThat(frame.getJsonObject("object").getString("name")).isEqualTo("cache");

      JsonObject list = (JsonObject) await(host.eventBus().request("rune.api.volumes.list",
          new JsonObject().put("namespace", "apps"))).body();
      assertThat(list.getJsonArray("items")).hasSize(1);

      String readonly = http.post("/api/v1/tokens", new JsonObject().put("role", "readonly")).json().getString("token");
      ReplyException refused = catchThrowableOfType(IllegalStateException.class, () -> await(host.eventBus().request(
          "rune.api.volumes.delete", new JsonObject().put("namespace", "apps").put("name", "cache"),
          new DeliveryOptions().addHeader("token", readonly)))).getCause() instanceof ReplyException r ? r : null;
      assertThat(refused).isNotNull();
      assertThat(refused.failureCode()).isEqualTo(403);
      assertThat(new JsonObject(refused.getMessage()).getJsonObject("error").getString("code")).isEqualTo("Forbidden");

      ReplyException invalid = (ReplyException) catchThrowableOfType(IllegalStateException.class, () -> await(
          host.eventBus().request("rune.api.volumes.create", new JsonObject().put("namespace", "apps")
              .put("object", new JsonObject().put("name", "bad").put("size", "lots"))))).getCause();
      assertThat(invalid.failureCode()).isEqualTo(422);
      assertThat(new JsonObject(invalid.getMessage()).getJsonObject("error").getString("field")).isEqualTo("size");

      // What REST refuses in a path is refused on the bus too: a NUL never reaches the store (it was a 500).
      for (JsonObject request : java.util.List.of(
          new JsonObject().put("namespace", "apps").put("name", "ca\u0000che"),
          new JsonObject().put("namespace", "ap\u0000ps").put("name", "cache"),
          new JsonObject().put("namespace", "apps").put("name", 42))) {
        ReplyException refusedName = (ReplyException) catchThrowableOfType(IllegalStateException.class, () -> await(
            host.eventBus().request("rune.api.volumes.get", request))).getCause();
        JsonObject error = new JsonObject(refusedName.getMessage()).getJsonObject("error");
        assertThat(refusedName.failureCode()).as(request.encode()).isIn(400, 422);
        assertThat(error.getString("field")).as(request.encode()).isIn("name", "namespace");
        assertThat(error.getString("message")).doesNotContain("\u0000");
      }

      JsonObject applied = (JsonObject) await(host.eventBus().request("rune.api.apply", new JsonObject()
          .put("documents", new io.vertx.core.json.JsonArray().add(new JsonObject().put("snapshot", new JsonObject()
              .put("name", "cache-1").put("namespace", "apps").put("source", new JsonObject().put("volume", "cache"))))))).body();
      assertThat(applied.getJsonArray("results").getJsonObject(0).getString("action")).isEqualTo("created");
      assertThat(http.get("/api/v1/namespaces/apps/snapshots/cache-1").status()).isEqualTo(200);

      JsonObject deleting = (JsonObject) await(host.eventBus().request("rune.api.volumes.delete",
          new JsonObject().put("namespace", "apps").put("name", "cache"))).body();
      assertThat(deleting.getJsonObject("status").getString("phase")).isEqualTo("Deleting");
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
          .until(() -> http.get("/api/v1/namespaces/apps/volumes/cache").status() == 404);
      assertThat(new Http("http://127.0.0.1:" + server.actualPort(), null).get("/hello").body()).as("the host's own routes still answer").isEqualTo("host");

      await(host.undeploy(host.deploymentIDs().iterator().next()));
      assertThat(await(hostPool.query("SELECT 1").execute()).size())
          .as("the host's pool stays open: the host owns it").isEqualTo(1);
    } finally {
      await(host.close());
    }
  }
}
