package io.rune.storage.store;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's StorageClasses in memory, kept by its change feed, so that admitting and
 * provisioning a volume reads no row for its class (each volume read it three times, issue
 * 20). Every node keeps its own view. A class the view lacks is read from the store, so a
 * class created a moment ago, which the feed has not brought yet, is found all the same; this
 * node's own writes of classes wait for the view ({@link #caughtUpTo}), so what it answered
 * is what it admits by next.
 *
 * <p>Each entry carries the sequence number it is at, and a deletion leaves a mark of its
 * own: the load at start and the feed may then arrive in either order, the newer wins.
 */
public final class StorageClassView {
  private static final Logger log = LoggerFactory.getLogger(StorageClassView.class);

  private final Vertx vertx;
  private final Store store;
  private final Duration catchUpBound;
  /** By name: the class at a sequence number, or (object null) its deletion at that number. */
  private final Map<String, Entry> classes = new ConcurrentHashMap<>();
  /** Every change up to this sequence number is in the view. */
  private volatile long seen;
  private final List<Waiter> waiters = new ArrayList<>();
  private MessageConsumer<Change> changes;

  private record Entry(long seq, ApiObject object) {
    Entry newer(Entry other) {
      return other.seq > seq ? other : this;
    }
  }

  private record Waiter(long seq, Context context, Promise<Void> done) {}

  /**
   * @param catchUpBound how long a write of a class waits for the view at most (the feed
   *     brings it within milliseconds; a stalled feed makes the node unready anyway)
   */
  public StorageClassView(Vertx vertx, Store store, Duration catchUpBound) {
    this.vertx = vertx;
    this.store = store;
    this.catchUpBound = catchUpBound;
  }

  /** The store the view reads through: admission inside a transaction reads that instead. */
  public Store store() {
    return store;
  }

  /** Listens to the feed: before the feed starts, so that nothing after its starting point is missed. */
  public Future<Void> listening() {
    changes = vertx.eventBus().localConsumer(ChangeFeed.LOCAL_ADDRESS, message -> take(message.body()));
    return changes.completion();
  }

  /**
   * Loads every class: after the feed started at {@code feedStart}, so that the load and the
   * feed together hold every change.
   */
  public Future<Void> load(long feedStart) {
    return store.objectsOf(Kind.STORAGE_CLASS).map(loaded -> {
      loaded.forEach(c -> classes.merge(c.name(), new Entry(c.resourceVersion(), c), Entry::newer));
      release(feedStart);
      log.debug("StorageClass view loaded {} classes", loaded.size());
      return null;
    });
  }

  public Future<Void> stop() {
    return changes == null ? Future.succeededFuture() : changes.unregister();
  }

  private void take(Change change) {
    if (change.kind() == Kind.STORAGE_CLASS) {
      ApiObject object = change.type() == Change.Type.DELETED ? null
          : ApiObject.fromJson(Kind.STORAGE_CLASS, change.object());
      classes.merge(change.name(), new Entry(change.seq(), object), Entry::newer);
    }
    release(change.seq());
  }

  /** Class {@code name}, or null when there is none. */
  public Future<ApiObject> get(String name) {
    return get(name, 0);
  }

  /**
   * As {@link #get(String)}, from a view that holds every change up to {@code seenAtLeast} (a
   * controller's volume's resourceVersion: the class as it was when the volume was written,
   * or newer), else from the store.
   */
  public Future<ApiObject> get(String name, long seenAtLeast) {
    Entry entry = classes.get(name);
    if (entry != null && entry.object() != null && seen >= seenAtLeast) {
      return Future.succeededFuture(entry.object());
    }
    return store.get(Kind.STORAGE_CLASS, "", name);
  }

  /**
   * The default class, or null when there is none: from the view when it holds exactly one
   * (while the default moves from one class to another, the feed may bring the two halves
   * apart), else from the store.
   */
  public Future<ApiObject> defaultClass() {
    List<ApiObject> defaults = classes.values().stream().map(Entry::object)
        .filter(c -> c != null && c.spec().getBoolean("default", false)).toList();
    return defaults.size() == 1 ? Future.succeededFuture(defaults.get(0)) : store.defaultStorageClass();
  }

  /**
   * Completes once the view holds every change up to {@code seq} (this node's write of a
   * class), or after the bound: the write is done either way, and the view follows soon.
   */
  public Future<Void> caughtUpTo(long seq) {
    if (seen >= seq) {
      return Future.succeededFuture();
    }
    Context context = vertx.getOrCreateContext();
    Waiter waiter = new Waiter(seq, context, Promise.promise());
    synchronized (waiters) {
      waiters.add(waiter);
    }
    release(0); // the change may have come between the check and the registration
    long timer = vertx.setTimer(catchUpBound.toMillis(), id -> {
      if (waiter.done().tryComplete()) {
        log.debug("StorageClass view did not reach change {} within {}; answering anyway", seq, catchUpBound);
      }
    });
    return waiter.done().future().andThen(done -> vertx.cancelTimer(timer));
  }

  private void release(long reached) {
    List<Waiter> due = new ArrayList<>();
    synchronized (waiters) {
      seen = Math.max(seen, reached);
      waiters.removeIf(w -> w.seq() <= seen && due.add(w));
    }
    due.forEach(w -> w.context().runOnContext(v -> w.done().tryComplete()));
  }
}
