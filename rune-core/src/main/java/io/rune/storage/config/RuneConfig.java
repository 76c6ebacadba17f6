package io.rune.storage.config;

import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.StorageSettings;
import io.rune.storage.security.HostPathPolicy;
import io.vertx.core.Vertx;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The whole typed configuration of a Rune Storage server, after defaults, the runefile,
 * environment variables and command-line flags have been layered (in that order).
 */
public record RuneConfig(
    Path dataDir,
    String listenHost,
    int listenPort,
    String node,
    boolean devMode,
    Store store,
    Storage storage,
    Watch watch,
    Controller controller,
    Drivers drivers,
    Secrets secrets,
    /** {@code [server] labels}: what this node is (rune.io/region, rune.io/droplet-id …). */
    Map<String, String> nodeLabels,
    /** {@code [storage.drivers.<name>]}: each driver's own settings, checked by the driver when it starts. */
    Map<String, Map<String, String>> driverSettings,
    /** {@code [server]} headersTimeout, bodyTimeout, idleTimeout: how long a client may take. */
    ClientTimeouts clientTimeouts,
    /** {@code [cluster]}: several nodes on one database (CLUSTER.md); disabled by default. */
    Cluster cluster) {

  public RuneConfig {
    cluster = cluster == null ? Cluster.DISABLED : cluster;
    secrets = secrets == null ? Secrets.DEFAULT : secrets;
    clientTimeouts = clientTimeouts == null ? ClientTimeouts.DEFAULT : clientTimeouts;
    nodeLabels = nodeLabels == null ? Map.of() : Map.copyOf(nodeLabels);
    driverSettings = driverSettings == null ? Map.of() : Map.copyOf(driverSettings);
  }

  /** A configuration of one node (no {@code [cluster]} table). */
  public RuneConfig(Path dataDir, String listenHost, int listenPort, String node, boolean devMode, Store store,
      Storage storage, Watch watch, Controller controller, Drivers drivers, Secrets secrets,
      Map<String, String> nodeLabels, Map<String, Map<String, String>> driverSettings, ClientTimeouts clientTimeouts) {
    this(dataDir, listenHost, listenPort, node, devMode, store, storage, watch, controller, drivers, secrets,
        nodeLabels, driverSettings, clientTimeouts, null);
  }

  /** A configuration with the default client timeouts. */
  public RuneConfig(Path dataDir, String listenHost, int listenPort, String node, boolean devMode, Store store,
      Storage storage, Watch watch, Controller controller, Drivers drivers, Secrets secrets,
      Map<String, String> nodeLabels, Map<String, Map<String, String>> driverSettings) {
    this(dataDir, listenHost, listenPort, node, devMode, store, storage, watch, controller, drivers, secrets,
        nodeLabels, driverSettings, null);
  }

  /** A configuration without node labels or driver settings. */
  public RuneConfig(Path dataDir, String listenHost, int listenPort, String node, boolean devMode, Store store,
      Storage storage, Watch watch, Controller controller, Drivers drivers, Secrets secrets) {
    this(dataDir, listenHost, listenPort, node, devMode, store, storage, watch, controller, drivers, secrets,
        Map.of(), Map.of());
  }

  /** A configuration without a {@code [secrets]} table: the key file under the data directory. */
  public RuneConfig(Path dataDir, String listenHost, int listenPort, String node, boolean devMode, Store store,
      Storage storage, Watch watch, Controller controller, Drivers drivers) {
    this(dataDir, listenHost, listenPort, node, devMode, store, storage, watch, controller, drivers, Secrets.DEFAULT);
  }

  /** The settings of one driver ({@code [storage.drivers.<name>]}), empty when the runefile has none. */
  /**
   * The host-path policy of this server: its {@code hostPathAllowlist}, with the local volume
   * root, the embedded database's directory, the admin token file and the secret key file
   * (wherever it is configured) as forbidden roots.
   */
  public HostPathPolicy hostPathPolicy() {
    return new HostPathPolicy(storage.hostPathAllowlist(), List.of(
        storage.localVolumeRoot(), embeddedPgDir(), adminTokenFile(), secretKeyFile()));
  }

  /** What driver {@code driver} is made with on this server. */
  public DriverEnvironment driverEnvironment(Vertx vertx, String driver) {
    return new DriverEnvironment(vertx, node(), nodeLabels(), new StorageSettings(storage.localVolumeRoot(),
        storage.allowCreateMissing(), storage.preserveOnDelete(), hostPathPolicy()), driverSettings(driver));
  }

  public Map<String, String> driverSettings(String driver) {
    return driverSettings.getOrDefault(driver, Map.of());
  }

  /** {@code [store]}: where PostgreSQL is and how the change log is kept. */
  public record Store(
      /** postgresql://user:pass@host:port/db; null means: start the embedded server. */
      String url,
      int poolSize,
      /**
       * How long a request's store work may take, waiting for a connection included, before
       * it is abandoned (its transaction rolled back) and the request answers 503.
       */
      Duration requestTimeout,
      /** How long change-log rows are kept before compaction. */
      Duration changeLogRetention,
      /** How often the compactor runs. */
      Duration compactionInterval) {}

  /** {@code [storage]}: the keys of STORAGE.md. */
  public record Storage(
      /**
       * Name of the class made default on first boot; "" means no default, null (not set)
       * the built-in class of the driver that declares itself the default (local).
       */
      String defaultStorageClass,
      Path localVolumeRoot,
      List<Path> hostPathAllowlist,
      boolean allowCreateMissing,
      boolean preserveOnDelete,
      /** How often a volume's usage is measured at most (it is measured less often when there are many). */
      Duration usageInterval,
      /**
       * Usage measurements this node makes per second at most, spread evenly: the idle cost,
       * whatever the number of volumes (with more volumes than that rate covers in one
       * interval, each is measured less often); 0 turns measuring off.
       */
      int usageCallsPerSecond) {
    public static final Duration DEFAULT_USAGE_INTERVAL = Duration.ofSeconds(60);
    public static final int DEFAULT_USAGE_CALLS_PER_SECOND = 2;

    /** Storage settings with the default usage schedule. */
    public Storage(String defaultStorageClass, Path localVolumeRoot, List<Path> hostPathAllowlist,
        boolean allowCreateMissing, boolean preserveOnDelete) {
      this(defaultStorageClass, localVolumeRoot, hostPathAllowlist, allowCreateMissing, preserveOnDelete,
          DEFAULT_USAGE_INTERVAL, DEFAULT_USAGE_CALLS_PER_SECOND);
    }
  }

  /** {@code [watch]}: the WebSocket watch stream. */
  public record Watch(
      /** Interval of BOOKMARK frames when nothing happens. */
      Duration bookmarkInterval,
      /** Frames queued for one watcher before it is closed as a SlowConsumer. */
      int maxQueuedEvents) {}

  /** {@code [controller]}: how controllers retry and how often they look at everything again. */
  public record Controller(
      /** Provisioning attempts before a volume is Stalled. */
      int maxAttempts,
      /** Delay after the first failed attempt; it doubles after each further one. */
      Duration initialBackoff,
      /** The cap of that delay. */
      Duration maxBackoff,
      /** How often every object that needs work is queued again, in case a change was missed. */
      Duration resyncInterval,
      /** Reconciles in flight at once, per controller. */
      int workers) {}

  /** {@code [drivers]}: how driver calls are guarded. */
  public record Drivers(
      /** How long a controller waits for one driver call. */
      Duration callTimeout,
      /** Failures within a short window that open a driver's circuit breaker. */
      int breakerMaxFailures,
      /** How long an open breaker fails calls fast before letting one through (half-open). */
      Duration breakerResetTimeout) {}

  /** {@code [secrets]}: the key Secrets are encrypted under. */
  public record Secrets(
      /** The key file; null means {@code <dataDir>/secret.key}, created on first boot. */
      Path keyFile) {
    public static final Secrets DEFAULT = new Secrets(null);
  }

  /**
   * {@code [server]}: how long a client may take before the server drops its connection, so
   * that clients sending a byte now and then (slowloris) cannot hold connections open.
   */
  public record ClientTimeouts(
      /** From a connection's start, or the end of its previous answer, to a request's last header. */
      Duration headers,
      /** From a request's headers to the last byte of its body. */
      Duration body,
      /** A connection on which nothing is read or written for this long is closed (watches included). */
      Duration idle) {
    public static final ClientTimeouts DEFAULT =
        new ClientTimeouts(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(5));
  }

  /**
   * {@code [cluster]} and {@code [cluster.tls]}. The lease timings apply on one node too:
   * a single node holds every shard under the same leases (CLUSTER.md).
   *
   * @param enabled whether this node joins a clustered event bus (Hazelcast)
   * @param host the address Hazelcast and the event bus bind to and announce
   * @param port Hazelcast's port
   * @param eventBusPort the event bus's TCP port; 0 picks a free one
   * @param members {@code host:port} of Hazelcast members to join by TCP-IP
   * @param leaseDuration how long a shard lease lasts without renewal
   * @param renewDeadline a holder that has not renewed for this long stops working its shards
   * @param retryPeriod how often leases are renewed and free shards looked for
   * @param insecure run a clustered bus without TLS (logged at every start)
   * @param tls the event bus's TLS material; null when none is configured
   */
  public record Cluster(boolean enabled, String host, int port, int eventBusPort, List<String> members,
      Duration leaseDuration, Duration renewDeadline, Duration retryPeriod, boolean insecure, Tls tls) {
    public static final Cluster DISABLED = new Cluster(false, "127.0.0.1", 5701, 0, List.of(),
        Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2), false, null);

    public Cluster {
      members = members == null ? List.of() : List.copyOf(members);
    }

    /**
     * TLS between nodes' event buses, client certificates required. Either PKCS#12 stores
     * ({@code keyStore}, {@code trustStore} with their passwords) or PEM files
     * ({@code certificate}, {@code key}, {@code trustCertificate}).
     */
    public record Tls(Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword,
        Path certificate, Path key, Path trustCertificate) {}
  }

  /** Directory of the embedded PostgreSQL cluster. */
  public Path embeddedPgDir() {
    return dataDir.resolve("pg");
  }

  public Path adminTokenFile() {
    return dataDir.resolve("admin.token");
  }

  /** The key file Secrets are encrypted under: the configured one, or the data directory's. */
  public Path secretKeyFile() {
    return secrets.keyFile() != null ? secrets.keyFile() : dataDir.resolve("secret.key");
  }

  /** HOST:PORT as written in the runefile; an IPv6 host gets its brackets back. */
  public String listenAddress() {
    return (listenHost.contains(":") ? "[" + listenHost + "]" : listenHost) + ":" + listenPort;
  }
}
