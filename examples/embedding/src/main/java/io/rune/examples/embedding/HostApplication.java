package io.rune.examples.embedding;

import io.rune.storage.RuneStorageVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A Vert.x application with an HTTP server of its own that embeds Rune Storage: it deploys
 * Rune's verticle by name with a JSON config (the runefile's tables), and mounts Rune's REST
 * API under {@value #STORAGE_PREFIX} of its own router, beside its own routes.
 */
public final class HostApplication {
  public static final String RUNE_VERTICLE = "io.rune.storage.RuneStorageVerticle";
  public static final String STORAGE_PREFIX = "/storage";

  private final Vertx vertx;
  private final String runeDeployment;
  private final HttpServer server;

  private HostApplication(Vertx vertx, String runeDeployment, HttpServer server) {
    this.vertx = vertx;
    this.runeDeployment = runeDeployment;
    this.server = server;
  }

  /**
   * Rune's config for a data directory: its embedded PostgreSQL lives there too (no
   * {@code store.url}), and Rune starts no HTTP server of its own (the application mounts
   * its router instead).
   */
  public static JsonObject runeConfig(Path dataDir) {
    return new JsonObject()
        .put("server", new JsonObject().put("dataDir", dataDir.toString()).put("node", "host-1"))
        .put("verticle", new JsonObject().put("httpServer", false));
  }

  /** Deploys Rune, then serves the application's routes and Rune's on 127.0.0.1:{@code port} (0: any). */
  public static Future<HostApplication> start(Vertx vertx, JsonObject runeConfig, int port) {
    return vertx.deployVerticle(RUNE_VERTICLE, new DeploymentOptions().setConfig(runeConfig)).compose(id -> {
      Router router = Router.router(vertx);
      router.get("/hello").handler(ctx -> ctx.end("hello from the host application"));
      router.route(STORAGE_PREFIX + "/*").subRouter(RuneStorageVerticle.deployed(vertx, id).router());
      return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1")
          .map(server -> new HostApplication(vertx, id, server));
    });
  }

  public int port() {
    return server.actualPort();
  }

  /** Stops serving, then undeploys Rune (which stops its embedded PostgreSQL). */
  public Future<Void> stop() {
    return server.close().eventually(() -> vertx.undeploy(runeDeployment));
  }

  /** {@code java io.rune.examples.embedding.HostApplication [DATA_DIR]}: serves on 127.0.0.1:8080. */
  public static void main(String[] args) {
    Path dataDir = Path.of(args.length > 0 ? args[0] : "rune-data").toAbsolutePath();
    Vertx vertx = Vertx.vertx();
    // Closing Vert.x undeploys Rune, which stops its embedded PostgreSQL: on SIGTERM and Ctrl-C too.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("shutdown did not finish cleanly: " + e.getMessage());
      }
    }, "host-application-shutdown"));
    start(vertx, runeConfig(dataDir), 8080)
        .onSuccess(app -> System.out.println("Host application on http://127.0.0.1:" + app.port()
            + "; Rune Storage under " + STORAGE_PREFIX + "/ (admin token in " + dataDir.resolve("admin.token") + ")"))
        .onFailure(err -> {
          System.err.println("could not start: " + err.getMessage());
          // Not on the event loop: exiting runs the shutdown hook, which needs the loops.
          new Thread(() -> System.exit(1), "host-application-exit").start();
        });
  }
}
