package io.rune.storage.cluster;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.store.Fence;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's shard leases (CLUSTER.md). Every retry period it renews what it holds in one
 * statement, then takes free shards up to its fair share ({@code ceil(16 / Ready nodes)})
 * and lets go of what it holds beyond it while a Ready node holds less. Besides, a timer
 * set at the earliest expiry of another node's lease takes a dead node's shards the moment
 * they lapse. Expiry is the database's clock; freshness ({@link #fresh()}) is this node's
 * monotonic clock, so a node paused past its renew deadline holds nothing on waking.
 *
 * <p>One node (no cluster) runs the same code and ends up holding every shard. Errors are
 * logged and the loop goes on: while the database is out, renewals fail, the leases go
 * stale after the renew deadline and controller work stops until it is back.
 */
public final class ShardLeases implements ShardOwnership {
  private static final Logger log = LoggerFactory.getLogger(ShardLeases.class);
  /** After another node's lease expires, look this much later: the database must see it expired. */
  private static final long EXPIRY_MARGIN_MILLIS = 20;

  private final Vertx vertx;
  private final Pool pool;
  private final String node;
  private final Duration leaseDuration;
  private final long renewDeadlineNanos;
  private final Duration retryPeriod;
  /** A shard free for longer than this is taken by whoever looks, fair share or not. */
  private final Duration orphanAfter;
  /** System.nanoTime() of the last release made to rebalance (a lease duration ago at first). */
  private long releasedAtNanos;
  /** Shard to the epoch this node holds it at; read by controllers on other event loops. */
  private final Map<Integer, Long> held = new ConcurrentHashMap<>();
  /** System.nanoTime() when the last successful renewal was sent; 0 before the first. */
  private volatile long renewedAtNanos;
  private final Counter acquired;
  private final Counter lost;
  private final Counter released;
  private final Counter fencedWrites;
  private long periodicTimer = -1;
  private long expiryTimer = -1;
  private boolean ticking;
  /** The round under way, or the last one; stop() lets go of the shards after it. */
  private Future<Void> inFlight = Future.succeededFuture();
  private boolean tickAgain;
  private boolean stopped;

  /**
   * @param pool the server's bounded pool
   * @param node this node's name, the holder written into the leases it takes
   */
  public ShardLeases(Vertx vertx, Pool pool, String node, Duration leaseDuration, Duration renewDeadline,
      Duration retryPeriod, MeterRegistry metrics) {
    this.vertx = vertx;
    this.pool = pool;
    this.node = node;
    this.leaseDuration = leaseDuration;
    this.renewDeadlineNanos = renewDeadline.toNanos();
    this.retryPeriod = retryPeriod;
    this.orphanAfter = retryPeriod.multipliedBy(3);
    this.releasedAtNanos = System.nanoTime() - leaseDuration.toNanos() - 1;
    Gauge.builder("rune_leases_held", held, Map::size)
        .description("Shards whose lease this node holds").register(metrics);
    acquired = transitions(metrics, "acquired");
    lost = transitions(metrics, "lost");
    released = transitions(metrics, "released");
    fencedWrites = Counter.builder("rune_lease_fenced_writes_total")
        .description("Controller writes the database refused because this node's lease had moved on or expired")
        .register(metrics);
  }

  private static Counter transitions(MeterRegistry metrics, String direction) {
    return Counter.builder("rune_lease_transitions_total").tag("direction", direction)
        .description("Shard leases this node acquired, lost (not renewed in time) or released").register(metrics);
  }

  /** Takes this node's first leases (its fair share of the free ones), then keeps them on a timer. */
  public Future<Void> start() {
    long every = retryPeriod.toMillis();
    return round().onComplete(r -> {
      if (!stopped) {
        periodicTimer = vertx.setPeriodic(every, every, id -> tick());
      }
    }).mapEmpty();
  }

  /**
   * Stops renewing and lets go of every shard at once, so that other nodes take them now;
   * after a round in flight ends, so that what it acquires is let go too.
   */
  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(periodicTimer);
    vertx.cancelTimer(expiryTimer);
    renewedAtNanos = 0;
    return inFlight.transform(r -> {
      Map<Integer, Long> letGo = Map.copyOf(held);
      held.clear();
      if (letGo.isEmpty()) {
        return Future.<Void>succeededFuture();
      }
      return release(letGo).onSuccess(n -> log.info("Released {} shard lease(s) on stopping", n))
          .onFailure(err -> log.warn("Could not release the shard leases on stopping; they expire within {}: {}",
              leaseDuration, err.getMessage()))
          .<Void>mapEmpty().recover(err -> Future.succeededFuture());
    });
  }

  @Override
  public boolean owns(ObjectKey key) {
    return fresh() && held.containsKey(Shards.of(key));
  }

  @Override
  public Fence fenceFor(ObjectKey key) {
    int shard = Shards.of(key);
    Long epoch = held.get(shard);
    if (epoch == null) {
      throw new LeaseLost("node " + node + " does not hold the lease of shard " + shard + " (" + key + ")");
    }
    return new Fence(shard, node, epoch);
  }

  @Override
  public boolean fresh() {
    long at = renewedAtNanos;
    return at != 0 && System.nanoTime() - at < renewDeadlineNanos;
  }

  /** The database says the lease moved on: counted, and the shard is dropped now rather than at the next renewal. */
  @Override
  public void refused(Fence fence) {
    fencedWrites.increment();
    if (held.remove(fence.shard(), fence.epoch())) {
      lost.increment();
      log.warn("Node {} lost the lease of shard {} (epoch {}): the database refused a write under it", node,
          fence.shard(), fence.epoch());
    }
  }

  /** One round at a time: a timer that fires during a round runs another one right after it. */
  private void tick() {
    if (stopped) {
      return;
    }
    if (ticking) {
      tickAgain = true;
      return;
    }
    round().onComplete(r -> {
      if (tickAgain) {
        tickAgain = false;
        tick();
      }
    });
  }

  private Future<Void> round() {
    ticking = true;
    return inFlight = renew().compose(v -> pool.preparedQuery(LeaseStatements.SURVEY)
            .execute(Tuple.of(node, leaseDuration.toMillis())))
        .compose(rows -> balance(rows.iterator().next()))
        .onFailure(err -> log.warn("Shard leases of node {}: a round failed; the next one in {} ms retries: {}",
            node, retryPeriod.toMillis(), err.getMessage()))
        .eventually(() -> {
          ticking = false;
          return Future.succeededFuture();
        });
  }

  /** Renews every held shard in one statement; any not returned was lost (taken or expired). */
  private Future<Void> renew() {
    long sentAt = System.nanoTime();
    Map<Integer, Long> mine = Map.copyOf(held);
    return pool.preparedQuery(LeaseStatements.RENEW).execute(Tuple.of(node, leaseDuration.toMillis(),
            mine.keySet().toArray(Integer[]::new), mine.keySet().stream().map(mine::get).toArray(Long[]::new)))
        .map(rows -> {
          Map<Integer, Long> renewed = shardEpochs(rows);
          mine.forEach((shard, epoch) -> {
            if (!epoch.equals(renewed.get(shard)) && held.remove(shard, epoch)) {
              lost.increment();
              log.warn("Node {} lost the lease of shard {} (epoch {}): another node has it, or it expired", node,
                  shard, epoch);
            }
          });
          if (!stopped) {
            boolean wasStale = !fresh();
            renewedAtNanos = sentAt;
            if (wasStale && !renewed.isEmpty()) {
              // Controllers dropped the keys they met while the leases were stale: they look again.
              publishGained(renewed.keySet());
            }
          }
          return null;
        });
  }

  private Future<Void> balance(Row survey) {
    long ready = Math.max(1, survey.getLong("ready"));
    int fairShare = (int) ((Shards.COUNT + ready - 1) / ready);
    Long fewest = survey.getLong("fewest");
    scheduleExpiryLook(survey.getLong("next_expiry_ms"));
    if (stopped) {
      return Future.succeededFuture();
    }
    // At most one release per lease duration: a Ready node that takes nothing (it cannot reach
    // the shards' work, or its row is all there is of it) would otherwise be offered the same
    // shards, which come back as orphans, again and again.
    boolean mayRelease = System.nanoTime() - releasedAtNanos > leaseDuration.toNanos();
    if (held.size() > fairShare && fewest != null && fewest < fairShare && mayRelease) {
      releasedAtNanos = System.nanoTime();
      Map<Integer, Long> excess = new TreeMap<>();
      held.keySet().stream().sorted().skip(fairShare).forEach(shard -> excess.put(shard, held.remove(shard)));
      return release(excess).onSuccess(n -> log.info("Node {} released {} shard(s) for a node holding fewer than"
          + " its fair share of {}", node, n, fairShare)).mapEmpty();
    }
    // Even with its fair share held, a node takes shards that nobody took for a while.
    return acquire(Math.max(0, fairShare - held.size()));
  }

  private Future<Void> acquire(int wanted) {
    long sentAt = System.nanoTime();
    return pool.preparedQuery(LeaseStatements.ACQUIRE).execute(Tuple.of(node, wanted,
            held.keySet().toArray(Integer[]::new), leaseDuration.toMillis(), orphanAfter.toMillis()))
        .map(rows -> {
          Map<Integer, Long> gained = shardEpochs(rows);
          if (gained.isEmpty()) {
            return null;
          }
          held.putAll(gained);
          acquired.increment(gained.size());
          if (stopped) {
            return null; // stop() lets them go once this round ends
          }
          if (held.size() == gained.size()) {
            renewedAtNanos = sentAt; // the first leases: fresh from their acquisition
          }
          log.info("Node {} acquired the lease of shard(s) {} (now holds {})", node, gained, held.size());
          publishGained(gained.keySet());
          return null;
        });
  }

  private void publishGained(java.util.Collection<Integer> shards) {
    vertx.eventBus().publish(GAINED_ADDRESS, new JsonArray(new ArrayList<>(shards)),
        new DeliveryOptions().setLocalOnly(true));
  }

  private Future<Integer> release(Map<Integer, Long> shards) {
    List<Integer> order = new ArrayList<>(shards.keySet());
    return pool.preparedQuery(LeaseStatements.RELEASE).execute(Tuple.of(node, order.toArray(Integer[]::new),
            order.stream().map(shards::get).toArray(Long[]::new)))
        .map(rows -> {
          released.increment(rows.size());
          return rows.size();
        });
  }

  /** A look the moment another node's lease runs out: a killed node's shards move at once. */
  private void scheduleExpiryLook(Long remainingMillis) {
    vertx.cancelTimer(expiryTimer);
    expiryTimer = -1;
    // Each round sets it again: while the other node renews, it never fires.
    if (remainingMillis == null || stopped) {
      return;
    }
    expiryTimer = vertx.setTimer(Math.max(1, remainingMillis + EXPIRY_MARGIN_MILLIS), id -> {
      expiryTimer = -1;
      tick();
    });
  }

  private static Map<Integer, Long> shardEpochs(RowSet<Row> rows) {
    Map<Integer, Long> epochs = new TreeMap<>();
    rows.forEach(row -> epochs.put(row.getInteger("shard"), row.getLong("epoch")));
    return epochs;
  }
}
