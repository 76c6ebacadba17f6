package io.rune.storage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rune.storage.api.ApiContext;
import io.rune.storage.api.ApiVerticle;
import io.rune.storage.api.Authenticator;
import io.rune.storage.api.EventBusApi;
import io.rune.storage.api.Resources;
import io.rune.storage.api.RestApi;
import io.rune.storage.api.TokenStore;
import io.rune.storage.model.RuneVersion;
import io.rune.storage.cluster.NodeHeartbeat;
import io.rune.storage.cluster.ShardLeases;
import io.rune.storage.cluster.NodeMetrics;
import io.rune.storage.cluster.NodeDirectory;
import io.rune.storage.cluster.PgNodeDirectory;
import io.rune.storage.config.ConfigException;
import io.rune.storage.config.RuneConfig;
import io.rune.storage.controller.Controllers;
import io.rune.storage.controller.Placement;
import io.rune.storage.driver.runtime.DriverCatalog;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.runtime.DriverVerticle;
import io.rune.storage.secrets.SecretCipher;
import io.rune.storage.secrets.SecretKeyFile;
import io.rune.storage.secrets.SecretValues;
import io.rune.storage.security.HostPathPolicy;
import io.rune.storage.store.BoundedPool;
import io.rune.storage.store.ChangeFeed;
import io.rune.storage.store.EmbeddedPostgresServer;
import io.rune.storage.store.Migrations;
import io.rune.storage.store.PgStore;
import io.rune.storage.store.StorageClassView;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rune Storage as one verticle: the entry point for {@code runed} and for any Vert.x
 * application that embeds it, with options or by name with a deployment config. Start-up
 * order, each step waiting for the one before: the options (from config() when deployed by
 * name), the data directory's lock, the secret key file, database (embedded or external), migrations, first-boot seeding,
 * change feed, event-bus API, driver verticles, heartbeat and shard leases, controllers, compaction, HTTP server.
 */
public final class RuneStorageVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(RuneStorageVerticle.class);

  /** Where started verticles are found by deployment ID ({@link #deployed}), per Vert.x. */
  private static final String DEPLOYED = "io.rune.storage.RuneStorageVerticle.deployed";
  /** Statements each pooled connection keeps prepared: the store's fixed ones and the commonest list pages. */
  private static final int PREPARED_STATEMENTS_PER_CONNECTION = 256;

  private RuneStorageOptions options;
  private RuneConfig config;
  private DataDirLock dataDirLock;
  private EmbeddedPostgresServer embedded;
  private BoundedPool pool;
  private boolean ownsPool;
  private ChangeFeed feed;
  private StorageClassView classes;
  private EventBusApi eventBusApi;
  private ApiContext apiContext;
  private SecretCipher secretCipher;
  private SecretValues secretValues;
  private NodeHeartbeat heartbeat;
  private ShardLeases leases;
  private NodeMetrics nodeMetrics;
  private long compactionTimer = -1;
  private volatile String notReady = "starting";
  private int httpPort = -1;
  /** The drivers this node runs, by name, for what they decided at start-up. */
  private final Map<String, DriverVerticle> driverVerticles = new java.util.concurrent.ConcurrentSkipListMap<>();

  /**
   * For deployment by name ({@code vertx.deployVerticle("io.rune.storage.RuneStorageVerticle",
   * new DeploymentOptions().setConfig(json))}): the options come from the deployment's
   * {@code config()} at start, through {@link RuneStorageOptions#fromConfig}; a config that is
   * wrong fails the deployment with the key named.
   */
  public RuneStorageVerticle() {}

  /** With options built by the application (its own pool, a meter registry); config() must be empty. */
  public RuneStorageVerticle(RuneStorageOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * The started verticle of a deployment on {@code vertx}: how an application that deployed it
   * by name gets its {@link #router()}.
   *
   * @throws IllegalArgumentException when no RuneStorageVerticle of that deployment is running
   */
  public static RuneStorageVerticle deployed(Vertx vertx, String deploymentId) {
    Object found = vertx.sharedData().getLocalMap(DEPLOYED).get(deploymentId);
    if (!(found instanceof Started started)) {
      throw new IllegalArgumentException("no RuneStorageVerticle has started as deployment " + deploymentId
          + " on this Vert.x: pass the ID its deployVerticle future gave, after it succeeded");
    }
    return started.verticle();
  }

  /** A verticle in a local map: shared as itself, not copied. */
  private record Started(RuneStorageVerticle verticle) implements Shareable {}

  @Override
  public Future<?> start() {
    return resolveOptions()
        .compose(v -> lockDataDir())
        .compose(v -> loadSecretKey())
        .compose(v -> openDatabase())
        .compose(connectOptions -> Migrations.apply(vertx, pool).map(applied -> connectOptions))
        // The wiring loads most of the server's classes (drivers, rules, metrics) for the first
        // time: seconds on a loaded machine, so it runs on a worker, not on the event loop.
        .compose(connectOptions -> vertx.executeBlocking(() -> wire(connectOptions), false))
        .compose(wiring -> {
          PgStore store = wiring.store();
          DriverCatalog drivers = wiring.drivers();
          Resources resources = wiring.resources();
          NodeDirectory shared = wiring.nodes();
          return FirstBoot.seedStorageClasses(store, config.storage(), drivers)
              .compose(v -> FirstBoot.ensureAdminToken(vertx, wiring.tokens(), config.adminTokenFile()))
              // The view listens before the feed starts and loads after: between them they hold every change.
              .compose(v -> classes.listening())
              .compose(v -> feed.start())
              .compose(v -> classes.load(feed.lastSeq()))
              .compose(v -> eventBusApi.start())
              .compose(v -> deployDrivers(drivers))
              .compose(v -> startLeases())
              .compose(v -> Controllers.deploy(vertx, store, resources, drivers, secretValues, config, shared, leases,
                  options.clock(), apiContext.metrics()))
              .onSuccess(v -> startCompaction(store))
              .compose(v -> options.httpServer() ? deployHttp() : Future.succeededFuture())
              .compose(v -> httpPort < 0 ? Future.succeededFuture()
                  : heartbeat.address("http://" + config.listenHost() + ":" + httpPort));
        })
        .onSuccess(v -> {
          notReady = null;
          vertx.sharedData().getLocalMap(DEPLOYED).put(deploymentID(), new Started(this));
          Gauge.builder("rune_change_feed_seq", feed, ChangeFeed::lastSeq)
              .description("Newest change-log sequence published by this node")
              .register(apiContext.metrics());
          nodeMetrics.start();
        })
        // Whatever step failed, undo every one before it (each undo copes with a step not taken).
        .onFailure(err -> tearDown());
  }

  /**
   * Why the node is not ready, or null: started (on a clustered Vert.x, joined), its heartbeat
   * written and its change feed current (CLUSTER.md).
   */
  /** What {@link #start} builds once the database is ready, before anything is started. */
  private record Wiring(PgStore store, TokenStore tokens, DriverCatalog drivers, Resources resources,
      NodeDirectory nodes) {}

  private Wiring wire(PgConnectOptions connectOptions) {
    PgStore store = new PgStore(pool);
    TokenStore tokens = new TokenStore(pool);
    Authenticator authenticator = new Authenticator(vertx, tokens);
    DriverCatalog drivers = DriverCatalog.discover();
    classes = new StorageClassView(vertx, store, config.store().requestTimeout());
    Resources resources = new Resources(vertx, store, classes, drivers, config.hostPathPolicy(),
        config.storage().allowCreateMissing(), secretCipher);
    secretValues = new SecretValues(store, secretCipher);
    feed = new ChangeFeed(vertx, store, connectOptions, options.feedPollInterval());
    PgNodeDirectory nodes = new PgNodeDirectory(pool.reads(), config.cluster().leaseDuration());
    apiContext = new ApiContext(vertx, config, resources, tokens, authenticator,
        this::notReady, this::driverDecisions, meterRegistry(), nodes);
    // One read of the nodes table per retry period serves the metrics and the controllers;
    // the API reads it afresh.
    NodeDirectory shared = NodeDirectory.readAtMostEvery(nodes, config.cluster().retryPeriod());
    nodeMetrics = new NodeMetrics(vertx, shared, apiContext.metrics(), config.cluster().retryPeriod());
    eventBusApi = new EventBusApi(vertx, resources, authenticator, options.trustedLocalEventBus());
    return new Wiring(store, tokens, drivers, resources, shared);
  }

  private String notReady() {
    String why = notReady;
    if (why == null && heartbeat != null && !heartbeat.written()) {
      return "node " + config.node() + " could not write its heartbeat to the database lately";
    }
    Duration feedStale = options.feedPollInterval().multipliedBy(3).plusSeconds(2);
    if (why == null && feed != null && feed.sinceLastRead().compareTo(feedStale) > 0) {
      return "the change feed of node " + config.node() + " has not read the change log for "
          + feed.sinceLastRead().toSeconds() + " s";
    }
    return why;
  }

  /** This node's row and heartbeat, then its shard leases: controllers start with the shards it got. */
  private Future<Void> startLeases() {
    RuneConfig.Cluster cluster = config.cluster();
    heartbeat = new NodeHeartbeat(vertx, pool, config.node(), Placement.Node.of(config).labels(),
        RuneVersion.current(), cluster.leaseDuration(), cluster.retryPeriod());
    leases = new ShardLeases(vertx, pool, config.node(), cluster.leaseDuration(), cluster.renewDeadline(),
        cluster.retryPeriod(), apiContext.metrics());
    return heartbeat.start().compose(v -> leases.start());
  }

  /** Marks the node stopped and lets go of its shards, so the other nodes take them at once. */
  private Future<Void> stopLeases() {
    Future<Void> beat = heartbeat == null ? Future.succeededFuture() : heartbeat.stop();
    return beat.eventually(() -> leases == null ? Future.succeededFuture() : leases.stop());
  }

  /** The REST API as a router, to mount under a host application's own HTTP server. */
  public Router router() {
    if (apiContext == null) {
      throw new IllegalStateException("the verticle has not started yet");
    }
    return RestApi.router(apiContext);
  }

  /**
   * Decrypts the values of Secrets for the server's own use (and an embedding
   * application's): no RBAC applies, so never hand it to a client.
   */
  public SecretValues secretValues() {
    if (secretValues == null) {
      throw new IllegalStateException("the verticle has not started yet");
    }
    return secretValues;
  }

  /** The port of the HTTP server this verticle started, or -1 when it started none. */
  public int httpPort() {
    return httpPort;
  }

  /**
   * What each driver of this node decided at start-up (the local driver's enforcement mode),
   * by driver name, leaving out drivers that decided nothing: for the start line and /readyz.
   */
  public Map<String, Map<String, String>> driverDecisions() {
    Map<String, Map<String, String>> decisions = new java.util.TreeMap<>();
    driverVerticles.forEach((name, verticle) -> {
      if (!verticle.startupDecisions().isEmpty()) {
        decisions.put(name, verticle.startupDecisions());
      }
    });
    return decisions;
  }

  @Override
  public Future<?> stop() {
    notReady = "stopping";
    return tearDown();
  }

  /** Stops what start() started, in reverse order: on stop() and after a failed start. */
  private Future<?> tearDown() {
    vertx.sharedData().getLocalMap(DEPLOYED).remove(deploymentID());
    if (compactionTimer >= 0) {
      vertx.cancelTimer(compactionTimer);
    }
    if (nodeMetrics != null) {
      nodeMetrics.stop();
    }
    // The HTTP verticles are children of this one: Vert.x undeploys them before stop().
    List<Future<?>> steps = new ArrayList<>();
    if (eventBusApi != null) {
      steps.add(eventBusApi.stop());
    }
    if (feed != null) {
      steps.add(feed.stop());
    }
    if (classes != null) {
      steps.add(classes.stop());
    }
    return Future.join(steps).eventually(this::stopLeases).eventually(this::closeDatabase)
        .eventually(this::unlockDataDir);
  }

  /** The options given, else those of the deployment's config() (on a worker: see fromConfig). */
  private Future<Void> resolveOptions() {
    if (options != null && !config().isEmpty()) {
      return Future.failedFuture(new ConfigException("RuneStorageVerticle was given RuneStorageOptions and a"
          + " deployment config (keys " + config().fieldNames() + "): give one of them, not both"));
    }
    Future<RuneStorageOptions> resolved = options != null ? Future.succeededFuture(options)
        : vertx.executeBlocking(() -> RuneStorageOptions.fromConfig(config()), false);
    return resolved.map(given -> {
      options = given;
      config = given.config();
      return null;
    });
  }

  /**
   * Before anything else touches the data directory: a second server on it (another runed,
   * or another verticle in this JVM) stops here and changes nothing.
   */
  private Future<Void> lockDataDir() {
    return vertx.executeBlocking(() -> DataDirLock.acquire(config.dataDir()), false).map(lock -> {
      dataDirLock = lock;
      return null;
    });
  }

  private Future<Void> unlockDataDir() {
    DataDirLock lock = dataDirLock;
    dataDirLock = null;
    if (lock == null) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      lock.close();
      return null;
    }, false);
  }

  /**
   * Reads (on first boot: creates) the key Secrets are encrypted under, on a worker thread.
   * It comes first, so that a key file that is wrong stops the server before anything starts.
   */
  private Future<Void> loadSecretKey() {
    Path keyFile = config.secretKeyFile();
    boolean createIfMissing = config.secrets().keyFile() == null;
    return vertx.executeBlocking(() -> SecretKeyFile.load(keyFile, createIfMissing), false)
        .map(cipher -> {
          secretCipher = cipher;
          return null;
        });
  }

  /** Returns the options to LISTEN with (null when only a pool was handed in). */
  private Future<PgConnectOptions> openDatabase() {
    if (options.pool() != null) {
      pool = new BoundedPool(vertx, options.pool(), config.store().requestTimeout());
      return Future.succeededFuture(options.connectOptions());
    }
    Future<PgConnectOptions> connect;
    if (options.connectOptions() != null) {
      connect = Future.succeededFuture(options.connectOptions());
    } else if (config.store().url() != null && !config.store().url().isBlank()) {
      connect = Future.succeededFuture(PgConnectOptions.fromUri(config.store().url()));
    } else if (vertx.isClustered() || config.cluster().enabled()) {
      // Each node would start a database of its own, and none would see the others' objects.
      return Future.failedFuture(new ConfigException("runefile: a clustered node needs [store] url:"
          + " an external PostgreSQL shared by all nodes (postgresql://user:pass@host:5432/db); the embedded"
          + " default is one node's own database"));
    } else {
      connect = vertx.executeBlocking(() -> {
        embedded = EmbeddedPostgresServer.start(dataDirLock, config.embeddedPgDir(), 0);
        return embedded.connectOptions();
      });
    }
    return connect.map(connectOptions -> {
      Duration bound = config.store().requestTimeout();
      // The pool's own wait is a little longer than the bound: BoundedPool answers first, in
      // its words, and the pool then drops the waiter, so that waiters cannot pile up.
      pool = new BoundedPool(vertx, PgBuilder.pool()
          .with(new PoolOptions().setMaxSize(config.store().poolSize())
              .setConnectionTimeout((int) bound.plusSeconds(1).toMillis())
              .setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
          .connectingTo(cachingStatements(connectOptions))
          .using(vertx)
          .build(), bound);
      ownsPool = true;
      return connectOptions;
    });
  }

  /**
   * The pool's options: the given ones, with each connection keeping the statements it has
   * prepared. Uncached, every statement is parsed and then executed, two round trips (and two
   * commits counted) where one does: measured 1,084 µs and 2.01 commits per statement against
   * 365 µs and 1.02 (issue 20). The cache is bounded (least recently used out), since list
   * statements are built per selector; the LISTEN connection prepares nothing, so keeps the
   * options as given.
   */
  private static PgConnectOptions cachingStatements(PgConnectOptions given) {
    PgConnectOptions caching = new PgConnectOptions(given);
    caching.setCachePreparedStatements(true);
    caching.setPreparedStatementCacheMaxSize(PREPARED_STATEMENTS_PER_CONNECTION);
    return caching;
  }

  private Future<Void> closeDatabase() {
    Future<Void> poolClosed = ownsPool && pool != null ? pool.close() : Future.succeededFuture();
    return poolClosed.transform(ignored -> {
      if (embedded == null) {
        return Future.succeededFuture();
      }
      EmbeddedPostgresServer server = embedded;
      embedded = null;
      return vertx.executeBlocking(() -> {
        server.close();
        return null;
      });
    });
  }

  /**
   * One HTTP verticle per event loop on one port. Deployed as instances of one deployment
   * so that port 0 (tests, embedding) gives all of them the same chosen port.
   */
  private Future<Void> deployHttp() {
    List<ApiVerticle> instances = new java.util.concurrent.CopyOnWriteArrayList<>();
    return vertx.deployVerticle(() -> {
          ApiVerticle instance = new ApiVerticle(apiContext, config.listenHost(), config.listenPort());
          instances.add(instance);
          return instance;
        }, new DeploymentOptions().setInstances(options.httpInstances()))
        .map(id -> {
          httpPort = instances.get(0).actualPort();
          return null;
        });
  }

  private void startCompaction(PgStore store) {
    long every = config.store().compactionInterval().toMillis();
    compactionTimer = vertx.setPeriodic(every, every, id ->
        store.compact(Instant.now().minus(config.store().changeLogRetention()))
            .onSuccess(removed -> {
              if (removed > 0) {
                log.info("Compacted {} change-log rows older than {}", removed, config.store().changeLogRetention());
              }
            })
            .onFailure(err -> log.warn("Change-log compaction failed; it runs again in {} ms: {}",
                every, err.getMessage())));
  }

  /** One driver verticle per driver; they are children of this one, undeployed before it stops. */
  private Future<Void> deployDrivers(DriverCatalog drivers) {
    for (String named : config.driverSettings().keySet()) {
      if (drivers.provider(named).isEmpty()) {
        return Future.failedFuture(new ConfigException("runefile: [storage.drivers." + named
            + "] is for a driver this server does not have (it has " + String.join(", ", drivers.names()) + ")"));
      }
    }
    List<Future<String>> deployed = new ArrayList<>();
    for (DriverProvider provider : drivers.providers()) {
      DriverVerticle verticle = new DriverVerticle(provider, config, apiContext.metrics());
      driverVerticles.put(provider.name(), verticle);
      deployed.add(vertx.deployVerticle(verticle));
    }
    return Future.all(deployed).mapEmpty();
  }

  /** The options' registry, else Vert.x's (metrics enabled by the application), else Rune's own. */
  private MeterRegistry meterRegistry() {
    if (options.meterRegistry() != null) {
      return options.meterRegistry();
    }
    MeterRegistry vertxRegistry = BackendRegistries.getDefaultNow();
    return vertxRegistry != null ? vertxRegistry : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }
}
