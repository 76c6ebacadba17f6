package io.rune.storage;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rune.storage.cluster.ClusteredVertx;
import io.rune.storage.config.ConfigException;
import io.rune.storage.config.RuneConfig;
import io.rune.storage.config.RunefileLoader;
import io.rune.storage.config.ServerFlags;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code runed}: the Rune Storage server process. */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    ServerFlags flags;
    try {
      flags = ServerFlags.parse(args);
    } catch (ConfigException e) {
      System.err.println("runed: " + e.getMessage());
      System.exit(2);
      return;
    }
    if (flags.help()) {
      System.out.println(ServerFlags.usage());
      return;
    }
    // Hazelcast's first words (before it reads its config) go to java.util.logging otherwise.
    System.setProperty("hazelcast.logging.type", "slf4j");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setEnabled(true)
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    AtomicReference<Vertx> running = new AtomicReference<>();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> shutDown(running.get()), "runed-shutdown"));

    RuneConfig config;
    try {
      config = readConfig(flags);
    } catch (Exception e) {
      exit(e);
      return;
    }
    VertxBuilder builder = Vertx.builder().withMetrics(new MicrometerMetricsFactory(registry));
    Future<Vertx> started = config.cluster().enabled()
        ? ClusteredVertx.start(builder, options, config.cluster())
        : Future.succeededFuture(builder.with(options).build());
    started
        .compose(vertx -> {
          running.set(vertx);
          RuneStorageVerticle server = new RuneStorageVerticle(
              new RuneStorageOptions(config).setMeterRegistry(registry));
          return vertx.deployVerticle(server).map(id -> readyLine(config, server.httpPort())
              + decisionsOf(server.driverDecisions()));
        })
        .onSuccess(System.out::println)
        .onFailure(Main::exit);
  }

  /**
   * The runefile says whether the server's Vert.x is clustered, so it is read first, on a
   * Vert.x of its own, from the main thread (which may block: it is no event loop).
   */
  private static RuneConfig readConfig(ServerFlags flags) throws Exception {
    Vertx reader = Vertx.vertx();
    try {
      return RunefileLoader.load(reader, flags, System.getenv()).toCompletionStage().toCompletableFuture().get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } finally {
      reader.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static void exit(Throwable err) {
    String message = err instanceof ConfigException ? err.getMessage() : describe(err);
    System.err.println("runed: could not start: " + message);
    log.debug("Start-up failure", err);
    // Not on the event loop: exiting runs the shutdown hook, which needs the loops.
    new Thread(() -> System.exit(1), "runed-exit").start();
  }

  private static String readyLine(RuneConfig config, int port) {
    return "Rune Storage ready on http://" + hostForUrl(config.listenHost()) + ":" + port
        + " (node " + config.node() + ", admin token in " + config.adminTokenFile() + ")";
  }

  /**
   * What the drivers decided at start-up, after the ready line: {@code ; local volumes:
   * enforcement btrfs}, with a driver's note in parentheses (why sizes go unenforced).
   */
  static String decisionsOf(Map<String, Map<String, String>> drivers) {
    StringBuilder line = new StringBuilder();
    drivers.forEach((driver, decisions) -> {
      line.append("; ").append(driver).append(" volumes:");
      decisions.forEach((key, value) -> {
        if (!key.equals("note")) {
          line.append(' ').append(key).append(' ').append(value);
        }
      });
      if (decisions.containsKey("note")) {
        line.append(" (").append(decisions.get("note")).append(')');
      }
    });
    return line.toString();
  }

  private static String hostForUrl(String host) {
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private static String describe(Throwable err) {
    StringBuilder message = new StringBuilder(String.valueOf(err.getMessage()));
    for (Throwable cause = err.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
      message.append(": ").append(cause.getMessage());
    }
    return message.toString();
  }

  /**
   * SIGTERM: undeploy everything, which stops the embedded database too, leave the cluster
   * (the others see this node go at once, not after missed heartbeats), then exit.
   */
  private static void shutDown(Vertx vertx) {
    if (vertx == null) {
      return;
    }
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("runed: shutdown did not finish cleanly: " + e.getMessage());
    }
  }
}
