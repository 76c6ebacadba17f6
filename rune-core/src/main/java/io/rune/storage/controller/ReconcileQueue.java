package io.rune.storage.controller;

import io.rune.storage.cluster.ShardOwnership;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.ObjectKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work queue of a controller, in the manner of controller-runtime's: keys, not events.
 * A key is queued at most once, at most one reconcile per key is in flight, a key that
 * changes while it is being reconciled is run again afterwards, and at most
 * {@code workers} reconciles run at once. Used from one event-loop context only.
 *
 * <p>A key is run only if this node owns it at that moment (its shard's lease is held and
 * fresh): one whose shard was lost while it waited is dropped, its new holder sees to it.
 */
final class ReconcileQueue {
  private static final Logger log = LoggerFactory.getLogger(ReconcileQueue.class);
  /** After a reconcile failed unexpectedly (the store is down, a bug): look again later. */
  private static final Duration AFTER_ERROR = Duration.ofSeconds(2);

  private final Vertx vertx;
  private final String name;
  private final Reconciler reconciler;
  private final int workers;
  private final Predicate<ObjectKey> owned;
  /** The object the change feed brought for a key, taken as its reconcile starts; null for none. */
  private final Function<ObjectKey, ApiObject> delivered;
  private final Deque<ObjectKey> ready = new ArrayDeque<>();
  private final Set<ObjectKey> queued = new HashSet<>();
  private final Set<ObjectKey> inFlight = new HashSet<>();
  private final Set<ObjectKey> dirty = new LinkedHashSet<>();
  private final Map<ObjectKey, Delayed> delayed = new HashMap<>();
  private boolean stopped;

  private record Delayed(long timerId, long dueAtMillis) {}

  ReconcileQueue(Vertx vertx, String name, Reconciler reconciler, int workers, Predicate<ObjectKey> owned,
      Function<ObjectKey, ApiObject> delivered) {
    this.vertx = vertx;
    this.delivered = delivered;
    this.owned = owned;
    this.name = name;
    this.reconciler = reconciler;
    this.workers = workers;
  }

  void add(ObjectKey key) {
    if (stopped) {
      return;
    }
    if (inFlight.contains(key)) {
      dirty.add(key);
    } else if (queued.add(key)) {
      ready.add(key);
      pump();
    }
  }

  /** Queues the key after {@code delay}, unless it is already due sooner. */
  void addAfter(ObjectKey key, Duration delay) {
    if (stopped) {
      return;
    }
    if (delay.isZero()) {
      add(key);
      return;
    }
    long due = System.currentTimeMillis() + delay.toMillis();
    Delayed existing = delayed.get(key);
    if (existing != null) {
      if (existing.dueAtMillis() <= due) {
        return;
      }
      vertx.cancelTimer(existing.timerId());
    }
    long timer = vertx.setTimer(Math.max(1, delay.toMillis()), id -> {
      delayed.remove(key);
      add(key);
    });
    delayed.put(key, new Delayed(timer, due));
  }

  /** Reconciles waiting or running; for metrics and tests. */
  int depth() {
    return ready.size() + inFlight.size();
  }

  void stop() {
    stopped = true;
    delayed.values().forEach(d -> vertx.cancelTimer(d.timerId()));
    delayed.clear();
    ready.clear();
    queued.clear();
  }

  private void pump() {
    while (!stopped && inFlight.size() < workers && !ready.isEmpty()) {
      ObjectKey key = ready.poll();
      queued.remove(key);
      if (!owned.test(key)) {
        continue;
      }
      inFlight.add(key);
      run(key);
    }
  }

  private void run(ObjectKey key) {
    Future<Outcome> outcome;
    try {
      outcome = reconciler.reconcile(key, delivered.apply(key));
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.onComplete(result -> {
      inFlight.remove(key);
      if (result.failed() && result.cause() instanceof ShardOwnership.LeaseLost lost) {
        // Not this node's any more (or its leases are stale): the shard's holder reconciles it.
        log.debug("{} reconcile of {} ended: {}", name, key, lost.getMessage());
      } else if (result.failed()) {
        log.warn("{} reconcile of {} failed; trying again in {} s: {}", name, key, AFTER_ERROR.toSeconds(),
            result.cause().toString());
        addAfter(key, AFTER_ERROR);
      } else if (!result.result().done()) {
        addAfter(key, result.result().requeueAfter());
      }
      if (dirty.remove(key)) {
        add(key);
      }
      pump();
    });
  }
}
