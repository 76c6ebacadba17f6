package io.rune.storage;

import static io.rune.storage.testing.TestServer.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rune.storage.config.ConfigException;
import io.rune.storage.config.RunefileLoader;
import io.rune.storage.config.ServerFlags;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.TestPostgres;
import io.rune.storage.testing.TestServer;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The verticle deployed the Vert.x way: by class name, configured by its deployment config()
 * (the runefile's tables as JSON), its meters in whatever Micrometer registry the application has.
 */
class DeployByNameIT {
  private static final String VERTICLE = "io.rune.storage.RuneStorageVerticle";

  @Test
  void deployedByNameWithAConfigItServesUnderTheHostsRouterAndMetersGoToVertxsRegistry() throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    // The application's Vert.x has Micrometer metrics on a registry that is not Prometheus's.
    Vertx host = Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry))
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true))).build();
    try {
      Path dataDir = TestServer.tempDir("by-name");
      JsonObject config = new JsonObject()
          .put("server", new JsonObject().put("dataDir", dataDir.toString()).put("node", "by-name-1"))
          .put("store", new JsonObject().put("url", TestPostgres.newDatabaseUrl("byname")).put("poolSize", 4))
          .put("verticle", new JsonObject().put("httpServer", false));
      String id = await(host.deployVerticle(VERTICLE, new DeploymentOptions().setConfig(config)));
      RuneStorageVerticle storage = RuneStorageVerticle.deployed(host, id);
      assertThat(storage.httpPort()).as("verticle.httpServer = false: no server of its own").isEqualTo(-1);

      Router router = Router.router(host);
      router.route("/storage/*").subRouter(storage.router());
      HttpServer server = await(host.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
      Http http = new Http("http://127.0.0.1:" + server.actualPort() + "/storage",
          Files.readString(dataDir.resolve("admin.token")).trim());
      assertThat(http.get("/readyz").status()).isEqualTo(200);
      assertThat(http.post("/api/v1/namespaces/apps/volumes", new JsonObject().put("name", "v1").put("size", "1Gi")
          .put("storageClassName", "local")).status()).as("the config's data directory and database").isEqualTo(201);

      assertThat(registry.find("rune_change_feed_seq").gauge()).as("Rune's meters in Vert.x's registry").isNotNull();
      Http.Response metrics = http.get("/metrics");
      assertThat(metrics.status()).isEqualTo(404);
      assertThat(metrics.json().getJsonObject("error").getString("message"))
          .isEqualTo("this server has no Prometheus endpoint: its metrics go to the application's"
              + " MeterRegistry (SimpleMeterRegistry); read them there");

      await(host.undeploy(id));
      assertThat(catchIllegalArgument(() -> RuneStorageVerticle.deployed(host, id)))
          .as("an undeployed verticle is no longer found").contains(id);
    } finally {
      await(host.close());
    }
  }

  @Test
  void aBadConfigFailsTheDeploymentNamingTheKey() {
    Vertx host = Vertx.vertx();
    try {
      Path dataDir = TestServer.tempDir("by-name-bad");
      JsonObject server = new JsonObject().put("dataDir", dataDir.toString());
      Map<JsonObject, String> refusals = Map.of(
          new JsonObject().put("server", server).put("store", new JsonObject().put("poolSize", "8")),
          "RuneStorageVerticle config: 'store.poolSize' must be an integer, got string \"8\"",
          new JsonObject().put("server", server).put("verticle", new JsonObject().put("httpServr", false)),
          "RuneStorageVerticle config: unknown key 'verticle.httpServr' (known keys in [verticle]: httpServer,"
              + " httpInstances, trustedLocalEventBus, feedPollInterval)",
          new JsonObject().put("server", server).put("storge", new JsonObject()),
          "RuneStorageVerticle config: unknown table [storge] (known tables: [server], [store], [storage],"
              + " [watch], [controller], [drivers], [secrets], [cluster], [cluster.tls], [verticle])",
          new JsonObject().put("server", server.copy().put("idleTimeout", "5s")),
          "RuneStorageVerticle config: 'server.idleTimeout' (PT5S) must be longer than 'watch.bookmarkInterval'"
              + " (PT10S), or quiet watches are closed");
      refusals.forEach((config, message) -> {
        Throwable failure = failure(host.deployVerticle(VERTICLE, new DeploymentOptions().setConfig(config)));
        assertThat(failure).as(config.encode()).isInstanceOf(ConfigException.class).hasMessage(message);
      });
      assertThat(host.deploymentIDs()).as("nothing stays deployed").isEmpty();
      assertThat(dataDir).as("nothing written to the data directory").isEmptyDirectory();
    } finally {
      await(host.close());
    }
  }

  @Test
  void optionsAndADeploymentConfigTogetherAreRefused() {
    Vertx host = Vertx.vertx();
    try {
      Path dataDir = TestServer.tempDir("by-name-both");
      RuneStorageOptions options = new RuneStorageOptions(RunefileLoader.resolve(new JsonObject().put("server",
          new JsonObject().put("dataDir", dataDir.toString()).put("node", "both")), ServerFlags.none(), Map.of()));
      Throwable failure = failure(host.deployVerticle(new RuneStorageVerticle(options),
          new DeploymentOptions().setConfig(new JsonObject().put("store", new JsonObject()))));
      assertThat(failure).isInstanceOf(ConfigException.class).hasMessage("RuneStorageVerticle was given"
          + " RuneStorageOptions and a deployment config (keys [store]): give one of them, not both");
    } finally {
      await(host.close());
    }
  }

  @Test
  void aMeterRegistryOfAnyKindGetsTheMetersAndMetricsSaysWhere() throws Exception {
    Vertx host = Vertx.vertx();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try {
      Path dataDir = TestServer.tempDir("by-options-registry");
      RuneStorageOptions options = new RuneStorageOptions(RunefileLoader.resolve(new JsonObject()
          .put("server", new JsonObject().put("dataDir", dataDir.toString()).put("node", "metered")
              .put("listen", "127.0.0.1:0"))
          .put("store", new JsonObject().put("url", TestPostgres.newDatabaseUrl("registry"))),
          ServerFlags.none(), Map.of())).setMeterRegistry(registry).setHttpInstances(1);
      RuneStorageVerticle storage = new RuneStorageVerticle(options);
      await(host.deployVerticle(storage));
      Http http = new Http("http://127.0.0.1:" + storage.httpPort(), null);
      assertThat(http.get("/metrics").status()).isEqualTo(404);
      assertThat(registry.find("rune_change_feed_seq").gauge()).isNotNull();
      assertThat(registry.find("rune_lease_transitions_total").meters())
          .as("the shard leases' counters too").isNotEmpty();
    } finally {
      await(host.close());
    }
  }

  /** How a future failed (null when it succeeded). */
  private static Throwable failure(Future<?> future) {
    return await(future.transform(done -> Future.succeededFuture(done.cause())));
  }

  private static String catchIllegalArgument(Runnable call) {
    try {
      call.run();
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }
}
