package io.rune.storage;

import io.micrometer.core.instrument.MeterRegistry;
import io.rune.storage.config.DeploymentConfig;
import io.rune.storage.config.RuneConfig;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * How to run Rune Storage inside a Vert.x application. Only the configuration is
 * required; the rest lets a host application share what it already has.
 */
public final class RuneStorageOptions {
  private final RuneConfig config;
  private Pool pool;
  private PgConnectOptions connectOptions;
  private boolean httpServer = true;
  private int httpInstances = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
  private MeterRegistry meterRegistry;
  private Duration feedPollInterval = Duration.ofSeconds(1);
  private boolean trustedLocalEventBus;
  private Clock clock = Clock.systemUTC();

  public RuneStorageOptions(RuneConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  /**
   * The options of a deployment {@code config()}: the runefile's tables as JSON and a table
   * {@code verticle} (see {@link DeploymentConfig}). Blocks (the default node name may need a
   * DNS lookup): call it on a worker.
   *
   * @throws io.rune.storage.config.ConfigException naming the key that is wrong
   */
  public static RuneStorageOptions fromConfig(JsonObject deploymentConfig) {
    DeploymentConfig resolved = DeploymentConfig.resolve(deploymentConfig);
    RuneStorageOptions options = new RuneStorageOptions(resolved.rune())
        .setHttpServer(resolved.httpServer())
        .setTrustedLocalEventBus(resolved.trustedLocalEventBus());
    if (resolved.httpInstances() != null) {
      options.setHttpInstances(resolved.httpInstances());
    }
    if (resolved.feedPollInterval() != null) {
      options.setFeedPollInterval(resolved.feedPollInterval());
    }
    return options;
  }

  public RuneConfig config() {
    return config;
  }

  /** Use this pool for every query (the host keeps ownership and closes it). */
  public RuneStorageOptions setPool(Pool pool) {
    this.pool = pool;
    return this;
  }

  public Pool pool() {
    return pool;
  }

  /**
   * Connect here instead of the configured store URL. With a pool as well, these are used
   * only to LISTEN for changes; with a pool alone, changes are found by polling.
   */
  public RuneStorageOptions setConnectOptions(PgConnectOptions connectOptions) {
    this.connectOptions = connectOptions;
    return this;
  }

  public PgConnectOptions connectOptions() {
    return connectOptions;
  }

  /** Whether to start an HTTP server on the configured listen address (default true). */
  public RuneStorageOptions setHttpServer(boolean httpServer) {
    this.httpServer = httpServer;
    return this;
  }

  public boolean httpServer() {
    return httpServer;
  }

  public RuneStorageOptions setHttpInstances(int httpInstances) {
    if (httpInstances < 1) {
      throw new IllegalArgumentException("httpInstances must be at least 1");
    }
    this.httpInstances = httpInstances;
    return this;
  }

  public int httpInstances() {
    return httpInstances;
  }

  /**
   * Where Rune's meters go: any Micrometer registry. A {@code PrometheusMeterRegistry} is also
   * served on {@code /metrics}; with a registry of another kind, {@code /metrics} answers 404
   * saying the meters are in the application's registry. By default, the registry of Vert.x's
   * own Micrometer metrics when they are enabled, else a Prometheus registry of Rune's own.
   */
  public RuneStorageOptions setMeterRegistry(MeterRegistry meterRegistry) {
    this.meterRegistry = meterRegistry;
    return this;
  }

  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /** How often the change feed polls the log besides listening for notifications. */
  public RuneStorageOptions setFeedPollInterval(Duration feedPollInterval) {
    this.feedPollInterval = feedPollInterval;
    return this;
  }

  public Duration feedPollInterval() {
    return feedPollInterval;
  }

  /**
   * Lets event-bus API requests sent from inside this JVM omit the {@code token} header and
   * act with full rights, as the embedding application (default false: every request needs
   * a token). A request from another member of a clustered event bus always needs one.
   */
  public RuneStorageOptions setTrustedLocalEventBus(boolean trustedLocalEventBus) {
    this.trustedLocalEventBus = trustedLocalEventBus;
    return this;
  }

  public boolean trustedLocalEventBus() {
    return trustedLocalEventBus;
  }

  /**
   * The clock snapshot schedules run by (default the system's, in UTC). A test sets one it
   * can advance; the server then looks at its schedules every second.
   */
  public RuneStorageOptions setClock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
    return this;
  }

  public Clock clock() {
    return clock;
  }
}
