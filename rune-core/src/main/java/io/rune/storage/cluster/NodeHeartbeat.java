package io.rune.storage.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's row in {@code nodes}: written at start (what it is, started now) and its
 * heartbeat every retry period, by the database's clock. Other nodes count it Ready while
 * the heartbeat is younger than the lease duration; a node stopping on purpose says at once
 * that it is not, so that the shares are worked out without it.
 */
public final class NodeHeartbeat {
  private static final Logger log = LoggerFactory.getLogger(NodeHeartbeat.class);

  private static final String UPSERT = """
      INSERT INTO nodes (name, labels, address, version, started_at, heartbeat_at)
      VALUES ($1, $2, $3, $4, now(), now())
      ON CONFLICT (name) DO UPDATE SET labels = excluded.labels, address = excluded.address,
             version = excluded.version, started_at = now(), heartbeat_at = now()""";
  private static final String BEAT = "UPDATE nodes SET heartbeat_at = now() WHERE name = $1 RETURNING 1";
  private static final String ADDRESS = "UPDATE nodes SET address = $2 WHERE name = $1";
  /** A heartbeat exactly one lease old: NotReady at once, and its age still says when it stopped. */
  private static final String GONE = "UPDATE nodes SET heartbeat_at = now() - $2 * interval '1 millisecond'"
      + " WHERE name = $1";

  private final Vertx vertx;
  private final Pool pool;
  private final String node;
  private final Map<String, String> labels;
  private final String version;
  private final Duration leaseDuration;
  private final Duration retryPeriod;
  private volatile String address = "";
  /** System.nanoTime() of the last heartbeat written; 0 before the first. */
  private volatile long beatAtNanos;
  private long timer = -1;
  /** The last heartbeat sent: stop() marks the node gone after it, never before. */
  private Future<Void> beating = Future.succeededFuture();

  public NodeHeartbeat(Vertx vertx, Pool pool, String node, Map<String, String> labels, String version,
      Duration leaseDuration, Duration retryPeriod) {
    this.vertx = vertx;
    this.pool = pool;
    this.node = node;
    this.labels = Map.copyOf(labels);
    this.version = version;
    this.leaseDuration = leaseDuration;
    this.retryPeriod = retryPeriod;
  }

  /** Writes the row (a node restarted under the same name takes its row over), then beats on a timer. */
  public Future<Void> start() {
    return upsert().onSuccess(v -> {
      long every = retryPeriod.toMillis();
      timer = vertx.setPeriodic(every, every, id -> beat());
    });
  }

  /** Where this node's API answers, once its HTTP server has a port. */
  public Future<Void> address(String url) {
    address = url;
    return pool.preparedQuery(ADDRESS).execute(Tuple.of(node, url)).mapEmpty();
  }

  /** Whether the heartbeat was written within the lease duration: what /readyz asks. */
  public boolean written() {
    long at = beatAtNanos;
    return at != 0 && System.nanoTime() - at < leaseDuration.toNanos();
  }

  /**
   * Stops beating and marks the node NotReady, so the others share its work out without it;
   * after a heartbeat in flight, which would otherwise write the node Ready again.
   */
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return beating.transform(r -> {
      beatAtNanos = 0;
      return pool.preparedQuery(GONE).execute(Tuple.of(node, leaseDuration.toMillis()));
    }).<Void>mapEmpty()
        .recover(err -> {
          log.warn("Could not mark node {} stopped; it turns NotReady within {}: {}", node, leaseDuration,
              err.getMessage());
          return Future.succeededFuture();
        });
  }

  private Future<Void> upsert() {
    long sentAt = System.nanoTime();
    return pool.preparedQuery(UPSERT).execute(Tuple.of(node, new JsonObject(Map.copyOf(labels)), address, version))
        .map(rows -> {
          beatAtNanos = sentAt;
          return null;
        });
  }

  private void beat() {
    long sentAt = System.nanoTime();
    beating = pool.preparedQuery(BEAT).execute(Tuple.of(node))
        // A row removed meanwhile (by hand) is written again whole.
        .compose(rows -> rows.size() == 0 ? upsert() : Future.succeededFuture())
        .onSuccess(v -> beatAtNanos = Math.max(beatAtNanos, sentAt))
        .onFailure(err -> log.warn("Node {} could not write its heartbeat; retrying in {} ms: {}", node,
            retryPeriod.toMillis(), err.getMessage()))
        .mapEmpty();
  }
}
