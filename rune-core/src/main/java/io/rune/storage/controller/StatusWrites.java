package io.rune.storage.controller;

import io.rune.storage.cluster.ShardOwnership;
import io.rune.storage.driver.DriverException;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.AttemptStatus;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.model.ObjectStatus;
import io.rune.storage.model.ServiceStatus;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.model.VolumeStatus;
import io.rune.storage.store.Fence;
import io.rune.storage.store.Store;
import io.rune.storage.store.StoreException;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Status writes of controllers: optimistic, at the version the controller read. When the
 * row moved on (a user wrote it meanwhile) the write fails with {@link Moved} and the
 * reconcile starts over from the new row.
 *
 * <p>Every write is fenced by the lease of the shard of the object being reconciled: the
 * database refuses it once another node holds that shard (or the lease expired), and the
 * reconcile then ends with {@link ShardOwnership.LeaseLost}, quietly: the work is the new
 * holder's.
 */
final class StatusWrites {
  private static final Logger log = LoggerFactory.getLogger(StatusWrites.class);

  private final Store store;
  private final ShardOwnership ownership;
  private final OwnWrites ownWrites;

  StatusWrites(Store store, ShardOwnership ownership, OwnWrites ownWrites) {
    this.store = store;
    this.ownership = ownership;
    this.ownWrites = ownWrites;
  }

  /** Writes the volume's status as {@code change} leaves it; a new phase stamps lastTransitionAt. */
  Future<ApiObject> writeVolume(ApiObject volume, UnaryOperator<VolumeStatus> change) {
    return typed(keyOf(volume), volume, VolumeStatus.of(volume), change);
  }

  /** As {@link #writeVolume(ApiObject, UnaryOperator)}, for work done for {@code workFor} (a service binding it). */
  Future<ApiObject> writeVolume(ObjectKey workFor, ApiObject volume, UnaryOperator<VolumeStatus> change) {
    return typed(workFor, volume, VolumeStatus.of(volume), change);
  }

  Future<ApiObject> writeSnapshot(ApiObject snapshot, UnaryOperator<SnapshotStatus> change) {
    return typed(keyOf(snapshot), snapshot, SnapshotStatus.of(snapshot), change);
  }

  Future<ApiObject> writeService(ApiObject service, UnaryOperator<ServiceStatus> change) {
    return typed(keyOf(service), service, ServiceStatus.of(service), change);
  }

  private <S extends ObjectStatus<S>> Future<ApiObject> typed(ObjectKey workFor, ApiObject object, S before,
      UnaryOperator<S> change) {
    S after = change.apply(before);
    if (after.phase() != before.phase()) {
      after = after.withLastTransitionAt(Instant.now());
    }
    ApiObject changed = object.withStatus(after.toJson());
    return fenced(workFor, fence -> store.update(changed, fence)).onSuccess(ownWrites::wrote);
  }

  /**
   * Runs a write under the lease of {@code workFor}'s shard, as held now (fresh or not: a
   * write late after a pause goes to the database, which refuses it and says so).
   */
  <T> Future<T> fenced(ObjectKey workFor, Function<Fence, Future<T>> write) {
    Fence fence;
    try {
      fence = ownership.fenceFor(workFor);
    } catch (ShardOwnership.LeaseLost lost) {
      return Future.failedFuture(lost);
    }
    return write.apply(fence).recover(err -> movedOn(err, fence));
  }

  /**
   * Runs {@code work} when the object's next attempt is due; until then (or when its
   * operation has stopped, waiting for the retry verb) nothing is done.
   */
  Future<Outcome> whenDue(ApiObject object, AttemptCycle cycle, Function<ApiObject, Future<Outcome>> work) {
    AttemptStatus<?> status = attemptStatus(object);
    if (status.stopped()) {
      return Future.succeededFuture(Outcome.DONE);
    }
    Duration wait = cycle.untilDue(status);
    return wait.isZero() ? work.apply(object) : Future.succeededFuture(Outcome.again(wait));
  }

  /** Records a failed attempt of {@code operation} (the next attempt number after the status's) as the cycle decides. */
  Future<Outcome> failed(ApiObject object, AttemptCycle cycle, AttemptCycle.Operation operation,
      DriverException error) {
    int attempt = attemptStatus(object).attempts() + 1;
    return decide(object, cycle.failed(operation, attempt, error, AttemptCycle.RETRY_HINT));
  }

  /** Writes a decision of the attempt cycle and gives its outcome. */
  Future<Outcome> decide(ApiObject object, AttemptCycle.Decision decision) {
    Future<ApiObject> written = object.kind() == Kind.SNAPSHOT ? writeSnapshot(object, decision::applyTo)
        : writeVolume(object, decision::applyTo);
    return written.map(w -> decision.outcome());
  }

  Future<ApiObject> remove(ApiObject object) {
    return fenced(keyOf(object), fence -> store.delete(object, fence));
  }

  private static ObjectKey keyOf(ApiObject object) {
    return new ObjectKey(object.namespace(), object.name());
  }

  /** The status of a kind whose operations go through the attempt cycle (a volume's, a snapshot's). */
  private static AttemptStatus<?> attemptStatus(ApiObject object) {
    return object.kind() == Kind.SNAPSHOT ? SnapshotStatus.of(object) : VolumeStatus.of(object);
  }

  private <T> Future<T> movedOn(Throwable err, Fence fence) {
    if (StoreException.is(err, StoreException.Type.CONFLICT)) {
      return Future.failedFuture(new Moved());
    }
    if (StoreException.is(err, StoreException.Type.FENCED)) {
      ownership.refused(fence);
      log.debug("{}", err.getMessage());
      return Future.failedFuture(new ShardOwnership.LeaseLost(err.getMessage()));
    }
    return Future.failedFuture(err);
  }

  /**
   * A reconcile of the row {@code read} gives: nothing to do when it is gone, and a look again
   * at once when {@code step}'s write found it moved on (the usual frame of a reconciler).
   */
  static Future<Outcome> onRow(Future<ApiObject> read, Function<ApiObject, Future<Outcome>> step) {
    return read.compose(row -> row == null ? Future.succeededFuture(Outcome.DONE) : step.apply(row))
        .recover(err -> err instanceof Moved ? Future.succeededFuture(Outcome.againNow()) : Future.failedFuture(err));
  }

  /** The row changed since it was read. */
  static final class Moved extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Moved() {
      super("the object changed while it was being reconciled", null, false, false);
    }
  }
}
