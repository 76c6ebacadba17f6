package io.rune.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The limit for a GET: the least a Vert.x server must do to answer one volume. {@code GET
 * /volumes/{namespace}/{name}} runs runed's single-row select through a pool shared by all
 * instances and answers the row as JSON. Started as its own JVM with runed's JVM options, the
 * same number of event loops (the Vert.x default) and of HTTP verticle instances.
 *
 * <p>runed keeps each object rendered in a {@code body} column and answers a GET with it; when
 * the table has that column, so does this server. Otherwise it selects the columns and renders them.
 */
public final class BareServer extends VerticleBase {
  private static final String WHERE = " FROM objects WHERE kind = $1 AND namespace = $2 AND name = $3";
  private static final String SELECT_BODY = "SELECT body::text" + WHERE;
  private static final String SELECT_COLUMNS = "SELECT kind, namespace, name, uid, resource_version, labels,"
      + " spec, status, created_at, updated_at" + WHERE;
  private static final String HAS_BODY = "SELECT count(*) FROM information_schema.columns"
      + " WHERE table_name = 'objects' AND column_name = 'body'";

  private final Pool pool;
  private final boolean renderedBody;
  private HttpServer server;

  private BareServer(Pool pool, boolean renderedBody) {
    this.pool = pool;
    this.renderedBody = renderedBody;
  }

  /** Arguments: the PostgreSQL port and the pool size (PGPASSWORD: role rune's); prints the port it listens on. */
  public static void main(String[] args) throws Exception {
    int pgPort = Integer.parseInt(args[0]);
    int poolSize = Integer.parseInt(args[1]);
    // As runed: RuneStorageOptions deploys one HTTP verticle per core, at most 4.
    int instances = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    Vertx vertx = Vertx.vertx();
    Pool pool = PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(poolSize))
        .connectingTo(new PgConnectOptions().setHost("127.0.0.1").setPort(pgPort)
            .setDatabase("rune").setUser("rune").setPassword(System.getenv("PGPASSWORD"))
            // As runed's pool: each connection keeps its prepared statements.
            .setCachePreparedStatements(true))
        .using(vertx)
        .build();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("bare server: shutdown did not finish cleanly: " + e.getMessage());
      }
    }, "bare-shutdown"));
    boolean renderedBody = pool.query(HAS_BODY).execute().map(rows -> rows.iterator().next().getLong(0) > 0)
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    CopyOnWriteArrayList<BareServer> servers = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> {
          BareServer server = new BareServer(pool, renderedBody);
          servers.add(server);
          return server;
        }, new DeploymentOptions().setInstances(instances))
        .onSuccess(id -> System.out.println("bare server ready on 127.0.0.1:" + servers.get(0).server.actualPort()
            + " (event loops " + VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE + ", instances " + instances
            + ", pool " + poolSize + ", " + (renderedBody ? "SELECT body" : "SELECT columns") + ")"))
        .onFailure(err -> {
          System.err.println("bare server: could not start: " + err);
          new Thread(() -> System.exit(1)).start();
        });
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost("127.0.0.1").setPort(0).setCompressionSupported(true));
    return server.requestHandler(this::handle).listen();
  }

  private void handle(HttpServerRequest request) {
    String[] parts = request.path().split("/");
    if (parts.length != 4 || !parts[1].equals("volumes")) {
      request.response().setStatusCode(404).end();
      return;
    }
    pool.preparedQuery(renderedBody ? SELECT_BODY : SELECT_COLUMNS).execute(Tuple.of("Volume", parts[2], parts[3]))
        .onSuccess(rows -> {
          if (rows.size() == 0) {
            request.response().setStatusCode(404).end();
          } else {
            Row row = rows.iterator().next();
            request.response().putHeader("Content-Type", "application/json")
                .end(renderedBody ? row.getString(0) : toJson(row).encode());
          }
        })
        .onFailure(err -> request.response().setStatusCode(500).end(String.valueOf(err.getMessage())));
  }

  private static JsonObject toJson(Row row) {
    return new JsonObject()
        .put("kind", row.getString("kind"))
        .put("namespace", row.getString("namespace"))
        .put("name", row.getString("name"))
        .put("uid", row.getUUID("uid").toString())
        .put("resourceVersion", Long.toString(row.getLong("resource_version")))
        .put("labels", row.getValue("labels"))
        .put("spec", row.getValue("spec"))
        .put("status", row.getValue("status"))
        .put("createdAt", row.getOffsetDateTime("created_at").toInstant().toString())
        .put("updatedAt", row.getOffsetDateTime("updated_at").toInstant().toString());
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
