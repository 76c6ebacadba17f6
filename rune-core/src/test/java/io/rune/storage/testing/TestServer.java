package io.rune.storage.testing;

import io.rune.storage.RuneStorageOptions;
import io.rune.storage.RuneStorageVerticle;
import io.rune.storage.config.RuneConfig;
import io.rune.storage.config.RunefileLoader;
import io.rune.storage.config.ServerFlags;
import io.rune.storage.secrets.SecretValues;
import io.rune.storage.testing.contract.ContractProxy;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Rune Storage server in this JVM: its own Vert.x, a real HTTP port, a real data
 * directory and a real PostgreSQL (the server's embedded one, or an external one by URL).
 *
 * <p>Its {@link #port()} is that of a {@link ContractProxy} in front of it, which checks every
 * exchange against openapi.yaml (a violation fails the test: {@code NoContractViolations});
 * {@link #directPort()} is the server's own, for tests that send malformed HTTP on purpose.
 * {@code -Drune.contractCheck=false} leaves the proxy out.
 */
public final class TestServer implements AutoCloseable {
  private static final boolean CONTRACT_CHECK = !"false".equals(System.getProperty("rune.contractCheck"));

  private final Path dataDir;
  private final JsonObject runefile;
  /** The node's name: "test-node" unless the server is one of a cluster. */
  private String node = "test-node";
  /** Hazelcast's settings when the server is clustered, else null. */
  private ClusteredTestVertx clustering;
  private Vertx vertx;
  private RuneStorageVerticle verticle;
  private int port;
  private int directPort;
  /** The contract check in front of the server, made at its first start; null when turned off. */
  private ContractProxy proxy;

  /** Whether close() removes the data directory: only one this class made for the test. */
  private boolean ownsDataDir;
  /** The clock of snapshot schedules. */
  private java.time.Clock clock = java.time.Clock.systemUTC();
  private final List<Path> alsoRemoved = new java.util.ArrayList<>();

  private TestServer(Path dataDir, JsonObject runefile) {
    this.dataDir = dataDir;
    this.runefile = runefile;
  }

  /** A server on a fresh database of the shared test PostgreSQL, given to it by URL. */
  public static TestServer external(String name) {
    return external(name, new JsonObject());
  }

  public static TestServer external(String name, JsonObject runefile) {
    return external(name, runefile, java.time.Clock.systemUTC());
  }

  /** As {@link #external(String, JsonObject)}, with snapshot schedules on {@code clock} (a {@link TestClock}). */
  public static TestServer external(String name, JsonObject runefile, java.time.Clock clock) {
    JsonObject file = runefile.copy();
    file.put("store", file.getJsonObject("store", new JsonObject())
        .put("url", TestPostgres.newDatabaseUrl(name)));
    TestServer server = new TestServer(tempDir(name), file);
    server.ownsDataDir = true;
    server.clock = clock;
    return server.start();
  }

  /**
   * A second node on {@code first}'s database: its own Vert.x, port and data directory, the
   * same tokens and objects (CLUSTER.md's shape, without the clustered bus), with its own
   * runefile otherwise. The first-boot admin token is the first node's. Its node name is
   * {@code name} unless the runefile says {@code [server] node}: two nodes share the shards.
   */
  public static TestServer sameDatabaseAs(TestServer first, String name, JsonObject runefile) {
    JsonObject file = runefile.copy();
    file.put("store", file.getJsonObject("store", new JsonObject()).put("url", first.databaseUrl()));
    JsonObject table = file.getJsonObject("server", new JsonObject());
    file.put("server", table.put("node", table.getString("node", name)));
    TestServer server = new TestServer(tempDir(name), file);
    server.ownsDataDir = true;
    return server.start();
  }

  /**
   * A node of a cluster in this JVM: a clustered Vert.x (Hazelcast, TCP-IP join on 127.0.0.1,
   * a free port of its own), node name {@code name}, on the database of {@code members[0]}
   * (a fresh one when there is no member yet), joining the members given. The runefile's
   * {@code [cluster]} table sets the lease timings; {@code enabled}, {@code host}, {@code port},
   * {@code members} and {@code insecure = true} are filled in. Restarts keep the port. A
   * runefile's {@code [store] url} is kept (the members' database through a {@link TcpRelay}).
   */
  public static TestServer clustered(String name, JsonObject runefile, TestServer... members) {
    JsonObject file = runefile.copy();
    String given = file.getJsonObject("store", new JsonObject()).getString("url");
    String url = given != null ? given
        : members.length == 0 ? TestPostgres.newDatabaseUrl(name) : members[0].databaseUrl();
    file.put("store", file.getJsonObject("store", new JsonObject()).put("url", url));
    TestServer server = new TestServer(tempDir(name), file);
    server.node = name;
    server.ownsDataDir = true;
    server.clustering = ClusteredTestVertx.joining(java.util.Arrays.stream(members).map(m -> m.clustering).toList());
    return server.start();
  }

  /** The node's name (its driver addresses end with it). */
  public String node() {
    return node;
  }

  /** A server on {@code dataDir} with this runefile: its own embedded PostgreSQL unless store.url is set. */
  public static TestServer start(Path dataDir, JsonObject runefile) {
    return new TestServer(dataDir, runefile.copy()).start();
  }

  /**
   * A new directory under /tmp for a test. It is removed when the test JVM exits (set
   * RUNE_KEEP_TEST_DIRS to keep them for a look), so the homes and data directories of real
   * processes, which tests cannot always remove while the process runs, do not pile up.
   */
  public static Path tempDir(String name) {
    try {
      Path dir = Files.createTempDirectory("rune-" + name + "-");
      TEMP_DIRS.add(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static final List<Path> TEMP_DIRS = new java.util.concurrent.CopyOnWriteArrayList<>();

  static {
    if (System.getenv("RUNE_KEEP_TEST_DIRS") == null) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> TEMP_DIRS.forEach(dir -> {
        try {
          deleteTree(dir);
        } catch (RuntimeException e) {
          // Exiting anyway: a directory that cannot be removed stays, as before.
        }
      }), "rune-test-dirs-cleanup"));
    }
  }

  public RuneConfig config() {
    JsonObject file = runefile.copy();
    if (clustering != null) {
      file.put("cluster", clustering.clusterTable(file.getJsonObject("cluster", new JsonObject())));
    }
    JsonObject server = file.getJsonObject("server", new JsonObject());
    // Port 0 (any free one) unless the test asked for one: a restart then keeps the address.
    // The port a test asked for is the contract proxy's when there is one.
    String listen = CONTRACT_CHECK ? "127.0.0.1:0" : server.getString("listen", "127.0.0.1:0");
    server.put("dataDir", dataDir.toString()).put("listen", listen)
        .put("node", server.getString("node", node));
    file.put("server", server);
    JsonObject storage = file.getJsonObject("storage", new JsonObject());
    if (!storage.containsKey("localVolumeRoot")) {
      storage.put("localVolumeRoot", dataDir.resolve("volumes").toString());
    }
    if (!storage.containsKey("usageCallsPerSecond")) {
      // Usage writes come when a volume is measured, whatever the test does: tests that count
      // the writes a request causes, or PUT what they read, need a server that makes none.
      // The usage tests turn measuring on (VolumeUsageIT, LocalEnforcementIT, CliVolumeUsageIT).
      storage.put("usageCallsPerSecond", 0);
    }
    file.put("storage", storage);
    return RunefileLoader.resolve(file, ServerFlags.none(), Map.of());
  }

  public TestServer start() {
    vertx = clustering == null ? Vertx.vertx() : await(clustering.start(config().cluster()));
    verticle = new RuneStorageVerticle(new RuneStorageOptions(config())
        .setHttpInstances(2).setFeedPollInterval(Duration.ofMillis(500)).setTrustedLocalEventBus(true)
        .setClock(clock));
    try {
      await(vertx.deployVerticle(verticle));
    } catch (RuntimeException e) {
      stop(); // a server that did not start leaves no Vert.x threads behind
      throw e;
    }
    directPort = verticle.httpPort();
    if (!CONTRACT_CHECK) {
      port = directPort;
    } else if (proxy == null) {
      proxy = ContractProxy.start(askedPort(), directPort);
      port = proxy.port();
    } else {
      proxy.listen(directPort);
    }
    return this;
  }

  /** The port of the runefile's {@code [server] listen}, 0 when it names none. */
  private int askedPort() {
    String listen = runefile.getJsonObject("server", new JsonObject()).getString("listen", "127.0.0.1:0");
    return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
  }

  public void stop() {
    if (proxy != null) {
      proxy.stop();
    }
    if (vertx != null) {
      await(vertx.close());
      vertx = null;
    }
  }

  /**
   * Makes {@link #close()} remove the data directory (restarts keep it), and these other
   * directories the test made for the server: nothing a test started is left in /tmp.
   */
  public TestServer removingOnClose(Path... others) {
    ownsDataDir = true;
    alsoRemoved.addAll(List.of(others));
    return this;
  }

  /** Stops and starts again on the same data directory and database. */
  public TestServer restart() {
    stop();
    return start();
  }

  /**
   * Stops the server and removes what it owns; then fails, listing them, if exchanges with it
   * broke openapi.yaml and no test was failed for them yet.
   */
  @Override
  public void close() {
    stop();
    if (ownsDataDir) {
      deleteTree(dataDir);
      alsoRemoved.forEach(TestServer::deleteTree);
    }
    if (proxy != null) {
      List<String> violations = proxy.takeViolations();
      proxy.close();
      if (!violations.isEmpty()) {
        throw new AssertionError("exchanges that break rune/openapi.yaml:\n  " + String.join("\n  ", violations));
      }
    }
  }

  /**
   * Removes a test's directory tree (volumes of snapshot tests hold gigabytes: left behind,
   * repeated runs fill the disk). Links are removed, never followed.
   */
  public static void deleteTree(Path root) {
    // A worker of a server that has just stopped may still make an entry while the tree goes
    // (a directory then is not empty when its turn comes): walk it again, a few times.
    for (int attempt = 1; ; attempt++) {
      try {
        deleteTreeOnce(root);
        return;
      } catch (UncheckedIOException e) {
        if (!(e.getCause() instanceof java.nio.file.DirectoryNotEmptyException) || attempt == 5) {
          throw e;
        }
      }
    }
  }

  private static void deleteTreeOnce(Path root) {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(path -> {
        try {
          Files.deleteIfExists(path);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The server's own reader of Secret values, as controllers get it. */
  public SecretValues secretValues() {
    return verticle.secretValues();
  }

  public Vertx vertx() {
    return vertx;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The port clients use: the contract proxy's (see the class comment). */
  public int port() {
    return port;
  }

  /** The server's own port, past the contract check: for HTTP that is malformed on purpose. */
  public int directPort() {
    return directPort;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  public String adminToken() {
    try {
      return Files.readString(dataDir.resolve("admin.token")).trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A client with the first-boot admin token. */
  public Http admin() {
    return new Http(baseUrl(), adminToken());
  }

  public Http anonymous() {
    return new Http(baseUrl(), null);
  }

  /** A client with a new token of the given role and namespaces, created by the admin. */
  public Http client(String role, String... namespaces) {
    JsonObject body = new JsonObject().put("role", role)
        .put("namespaces", new io.vertx.core.json.JsonArray(java.util.List.of((Object[]) namespaces)));
    Http.Response created = admin().post("/api/v1/tokens", body);
    if (created.status() != 201) {
      throw new IllegalStateException("could not create a token: " + created);
    }
    return new Http(baseUrl(), created.json().getString("token"));
  }

  /** The URL of this server's database, external or embedded. */
  public String databaseUrl() {
    String url = runefile.getJsonObject("store", new JsonObject()).getString("url");
    if (url != null) {
      return url;
    }
    return TestPostgres.embeddedUrl(dataDir);
  }

  /**
   * Runs SQL directly against the server's database: how tests play the part of a
   * controller that is not built yet (for example, marking a volume Bound).
   */
  public void sql(String statement, Object... params) {
    withPool(pool -> pool.preparedQuery(statement).execute(io.vertx.sqlclient.Tuple.from(params)));
  }

  /**
   * Plays a controller that is not built yet: merges {@code patch} into an object's status,
   * in its columns and in its stored rendering alike, without a change-log entry.
   */
  public void patchStatus(String kind, String namespace, String name, JsonObject patch) {
    sql("UPDATE objects SET status = status || $4::jsonb,"
        + " body = jsonb_set(body::jsonb, '{status}', (body::jsonb -> 'status') || $4::jsonb)::json"
        + " WHERE kind = $1 AND namespace = $2 AND name = $3", kind, namespace, name, patch);
  }

  /** The first column of the first row of a query on the server's database, as text. */
  public String sqlValue(String query) {
    return String.valueOf(withPool(pool -> pool.query(query).execute()).iterator().next().getValue(0));
  }

  /** The rows of a query on the server's database, each as JSON by column name. */
  public List<JsonObject> sqlRows(String query, Object... params) {
    List<JsonObject> rows = new java.util.ArrayList<>();
    withPool(pool -> pool.preparedQuery(query).execute(io.vertx.sqlclient.Tuple.from(params)))
        .forEach(row -> rows.add(row.toJson()));
    return rows;
  }

  /** Runs {@code work} on a short-lived pool to the server's database. */
  private <T> T withPool(java.util.function.Function<io.vertx.sqlclient.Pool, Future<T>> work) {
    io.vertx.sqlclient.Pool pool = io.vertx.pgclient.PgBuilder.pool()
        .connectingTo(io.vertx.pgclient.PgConnectOptions.fromUri(databaseUrl())).using(vertx).build();
    try {
      return await(work.apply(pool));
    } finally {
      await(pool.close());
    }
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
    }
  }
}
