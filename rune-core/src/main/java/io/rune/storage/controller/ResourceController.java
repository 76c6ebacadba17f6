package io.rune.storage.controller;

import io.rune.storage.cluster.ShardOwnership;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.model.AttemptStatus;
import io.rune.storage.model.ObjectStatus;
import io.rune.storage.store.Change;
import io.rune.storage.store.Store;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller of one kind: queues every object whose change (from this node's change
 * feed) leaves it in a phase that needs work (at its {@code nextAttemptAt}, when it has
 * one), and every such object again at start and on each resync, for what a missed
 * notification or a crash left behind. The work itself is
 * its {@link Reconciler}'s; {@link Controllers} builds one per kind.
 *
 * <p>Only objects in shards this node holds are queued; when it gains shards it looks at
 * every object again (a resync), for the work the shards' former holder left.
 *
 * @param <S> the kind's status record
 */
public final class ResourceController<S extends ObjectStatus<S>> extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(ResourceController.class);

  private final Kind kind;
  private final Set<? extends Enum<?>> needsWork;
  private final Function<JsonObject, S> statusOf;
  private final Store store;
  private final ShardOwnership ownership;
  private final Function<Vertx, Reconciler> reconcilers;
  private final Duration resyncInterval;
  private final int workers;
  private final Function<Change, List<ObjectKey>> related;
  /**
   * Work whatever the phase (a volume whose size was raised, one with a snapshot schedule),
   * judged on the object's JSON, and how a resync finds it; none by default.
   */
  private Predicate<JsonObject> needsWorkAnyPhase = object -> false;
  private Function<Store, Future<List<ObjectKey>>> anyPhaseKeys = s -> Future.succeededFuture(List.of());
  /** Changes that are no work for any controller (the echo of a usage write); none by default. */
  private Predicate<Change> noWork = change -> false;
  /** The controller's name in logs: its kind's, unless another controller of the kind is named otherwise. */
  private String name;
  /** This node's controllers' writes, when reconciles step from the objects the feed brings; null: they read. */
  private OwnWrites ownWrites;
  /** The object the feed brought for each queued key, newest; only with {@link #ownWrites}. */
  private final Map<ObjectKey, ApiObject> delivered = new HashMap<>();
  private ReconcileQueue queue;
  private ControllerFeed feed;

  /**
   * @param needsWork the phases in which the reconciler has something to do
   * @param statusOf the status record of a change's JSON (the change feed carries objects as JSON)
   * @param reconcilers makes the reconciler, on this verticle's Vert.x
   */
  ResourceController(Kind kind, Set<? extends Enum<?>> needsWork, Function<JsonObject, S> statusOf,
      Store store, ShardOwnership ownership, Function<Vertx, Reconciler> reconcilers, Duration resyncInterval,
      int workers) {
    this(kind, needsWork, statusOf, store, ownership, reconcilers, resyncInterval, workers, change -> List.of());
  }

  /**
   * @param related for a change of another kind, the objects of this kind it concerns
   *     (a service, for a change of one of its volumes)
   */
  ResourceController(Kind kind, Set<? extends Enum<?>> needsWork, Function<JsonObject, S> statusOf,
      Store store, ShardOwnership ownership, Function<Vertx, Reconciler> reconcilers, Duration resyncInterval,
      int workers, Function<Change, List<ObjectKey>> related) {
    this.ownership = ownership;
    this.related = related;
    this.kind = kind;
    this.needsWork = needsWork;
    this.statusOf = statusOf;
    this.store = store;
    this.reconcilers = reconcilers;
    this.resyncInterval = resyncInterval;
    this.workers = workers;
    this.name = kind.kindName();
  }

  /** Names the controller in logs (a second controller of a kind, such as the volumes' schedules). */
  ResourceController<S> named(String name) {
    this.name = name;
    return this;
  }

  /**
   * Also queues objects whose status satisfies {@code needsWork} in any phase; a resync finds
   * them with {@code keys} (an indexed query, as for the phases).
   */
  ResourceController<S> alsoWhen(Predicate<S> needsWork, Function<Store, Future<List<ObjectKey>>> keys) {
    return alsoWhenObject(object -> needsWork.test(statusOf.apply(object.getJsonObject("status"))), keys);
  }

  /** As {@link #alsoWhen}, judged on the whole object (its spec, such as a snapshot schedule). */
  ResourceController<S> alsoWhenObject(Predicate<JsonObject> needsWork, Function<Store, Future<List<ObjectKey>>> keys) {
    this.needsWorkAnyPhase = needsWork;
    this.anyPhaseKeys = keys;
    return this;
  }

  /** Takes no work from the changes {@code noWork} recognises (the echoes of usage writes). */
  ResourceController<S> ignoring(Predicate<Change> noWork) {
    this.noWork = noWork;
    return this;
  }

  /**
   * Reconciles from the object the change feed brought rather than reading it again (issue 20),
   * and takes no work from a change that {@code ownWrites} shows this node's controllers have
   * already moved the object past: the change of their newer write is judged when it comes.
   */
  ResourceController<S> reconcilingFromFeed(OwnWrites ownWrites) {
    this.ownWrites = ownWrites;
    return this;
  }

  @Override
  public Future<?> start() {
    queue = new ReconcileQueue(vertx, name, reconcilers.apply(vertx), workers, ownership::owns, this::takeDelivered);
    feed = new ControllerFeed(vertx, this::onChange, this::resync, resyncInterval);
    return feed.listening();
  }

  @Override
  public Future<?> stop() {
    queue.stop();
    return feed.close();
  }

  private void onChange(Change change) {
    ObjectKey key = new ObjectKey(change.namespace(), change.name());
    // Looked at for every change of the kind, echoes included, so that what OwnWrites holds is let go.
    boolean overtaken = ownWrites != null && change.kind() == kind && overtaken(change, key);
    if (noWork.test(change)) {
      log.debug("{} takes no work from change {} of {}/{}: a usage write", name, change.seq(), change.namespace(),
          change.name());
      return;
    }
    if (change.kind() != kind) {
      related.apply(change).stream().filter(ownership::owns).forEach(queue::add);
      return;
    }
    if (overtaken || change.type() == Change.Type.DELETED) {
      return;
    }
    // The change feed carries the object as JSON (as it crosses the event bus): read into the record here.
    S status = statusOf.apply(change.object().getJsonObject("status"));
    if (!needsWork.contains(status.phase()) && !needsWorkAnyPhase.test(change.object())) {
      return;
    }
    // A change that schedules the next attempt (most often the controller's own write saying
    // "next try in 25s") is work for then, not now: queued at once it re-ran the operation
    // hundreds of times a second.
    if (!ownership.owns(key)) {
      return;
    }
    if (ownWrites != null) {
      delivered.put(key, ApiObject.fromJson(kind, change.object()));
    }
    Duration wait = status instanceof AttemptStatus<?> attempts ? attempts.untilDue(Instant.now()) : Duration.ZERO;
    if (wait.isZero()) {
      queue.add(key);
    } else {
      queue.addAfter(key, wait);
    }
  }

  /**
   * Whether the change is already history: this node's controllers wrote the object at a
   * later version (whose own change comes after). Any change drops the object held for the
   * key, which the change itself replaces when it is work.
   */
  private boolean overtaken(Change change, ObjectKey key) {
    delivered.remove(key);
    boolean overtaken = ownWrites.overtaken(key, change.seq());
    ownWrites.delivered(key, change.seq());
    if (overtaken) {
      log.debug("{} takes no work from change {} of {}: this node has written it since", name, change.seq(), key);
    }
    return overtaken;
  }

  /** The object the feed brought for {@code key}, unless this node has written it since (then the row is read). */
  private ApiObject takeDelivered(ObjectKey key) {
    ApiObject object = delivered.remove(key);
    return object == null || ownWrites.overtaken(key, object.resourceVersion()) ? null : object;
  }

  /** Queues every object that needs work now, as a resync does: a node that was away is back. */
  void resyncNow() {
    if (context != null) {
      context.runOnContext(v -> resync());
    }
  }

  private void resync() {
    store.keysInPhase(kind, needsWork.stream().map(Enum::name).collect(Collectors.toUnmodifiableSet()))
        .compose(keys -> anyPhaseKeys.apply(store).map(more -> {
          keys.stream().filter(ownership::owns).forEach(queue::add);
          more.stream().filter(ownership::owns).forEach(queue::add);
          return keys;
        }))
        .onFailure(err -> log.warn("{} resync could not read the store; the next one retries: {}", name,
            err.getMessage()));
  }
}
