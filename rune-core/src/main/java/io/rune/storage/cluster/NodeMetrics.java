package io.rune.storage.cluster;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code rune_node_heartbeat_age_seconds{node}}: how long ago each node of the directory last
 * wrote its heartbeat, so that an alert can fire on a peer going quiet before its leases move.
 * The directory is read every {@code every}; between reads a node's age grows by this node's
 * monotonic clock, so a scrape never shows an age frozen at the last read.
 */
public final class NodeMetrics {
  static final String NAME = "rune_node_heartbeat_age_seconds";
  private static final Logger log = LoggerFactory.getLogger(NodeMetrics.class);

  /** A node's heartbeat age as the database said it, and when (System.nanoTime) it said so. */
  private record Reading(long ageMillis, long readAtNanos) {
    double secondsNow() {
      return (ageMillis + (System.nanoTime() - readAtNanos) / 1_000_000L) / 1000.0;
    }
  }

  private final Vertx vertx;
  private final NodeDirectory nodes;
  private final MeterRegistry registry;
  private final Duration every;
  private final Map<String, Reading> readings = new ConcurrentHashMap<>();
  /** Touched only on the timer's context. */
  private final Map<String, Gauge> gauges = new HashMap<>();
  private long timer = -1;
  private boolean reading;
  private boolean failing;
  private boolean stopped;

  public NodeMetrics(Vertx vertx, NodeDirectory nodes, MeterRegistry registry, Duration every) {
    this.vertx = vertx;
    this.nodes = nodes;
    this.registry = registry;
    this.every = every;
  }

  /** Reads the directory now and then every {@code every}, until {@link #stop()}. */
  public void start() {
    timer = vertx.setPeriodic(0, Math.max(1, every.toMillis()), id -> refresh());
  }

  /** Stops reading and removes the gauges: a server started again in this JVM registers its own. */
  public void stop() {
    stopped = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    gauges.values().forEach(registry::remove);
    gauges.clear();
    readings.clear();
  }

  /** One read of the directory; a read still running (a slow database) is not doubled. */
  Future<Void> refresh() {
    if (reading) {
      return Future.succeededFuture();
    }
    reading = true;
    return nodes.list()
        .onSuccess(this::update)
        .onFailure(err -> {
          if (!failing) {
            // Once per outage: the ages keep growing meanwhile, which is what they are.
            log.warn("The nodes table could not be read for {}; the ages shown grow until it can: {}",
                NAME, err.getMessage());
          }
          failing = true;
        })
        .<Void>mapEmpty()
        .eventually(() -> {
          reading = false;
          return Future.succeededFuture();
        });
  }

  private void update(List<NodeInfo> listed) {
    if (failing) {
      log.info("The nodes table is readable again; {} is current", NAME);
      failing = false;
    }
    if (stopped) {
      return; // stopped while the read was out: register nothing more
    }
    long now = System.nanoTime();
    Set<String> names = listed.stream().map(NodeInfo::name).collect(Collectors.toSet());
    gauges.entrySet().removeIf(entry -> {
      if (names.contains(entry.getKey())) {
        return false;
      }
      registry.remove(entry.getValue());
      readings.remove(entry.getKey());
      return true;
    });
    for (NodeInfo node : listed) {
      readings.put(node.name(), new Reading(node.heartbeatAge().toMillis(), now));
      gauges.computeIfAbsent(node.name(), name -> Gauge.builder(NAME, readings,
              all -> all.containsKey(name) ? all.get(name).secondsNow() : Double.NaN)
          .description("Seconds since the node last wrote its heartbeat, by the database's clock")
          .tag("node", name)
          .strongReference(true)
          .register(registry));
    }
  }
}
