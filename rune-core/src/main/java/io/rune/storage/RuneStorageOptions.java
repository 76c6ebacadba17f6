package io.rune.storage;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rune.storage.config.RuneConfig;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
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
  private PrometheusMeterRegistry meterRegistry;
  private Duration feedPollInterval = Duration.ofSeconds(1);
  private boolean trustedLocalEventBus;

  public RuneStorageOptions(RuneConfig config) {
    this.config = Objects.requireNonNull(config, "config");
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

  /** Where /metrics reads from; by default Vert.x's Prometheus registry or a new one. */
  public RuneStorageOptions setMeterRegistry(PrometheusMeterRegistry meterRegistry) {
    this.meterRegistry = meterRegistry;
    return this;
  }

  public PrometheusMeterRegistry meterRegistry() {
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
}
