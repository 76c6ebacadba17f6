package io.rune.storage.controller;

import static io.rune.storage.model.SnapshotStatus.Phase.Creating;
import static io.rune.storage.model.SnapshotStatus.Phase.Deleting;
import static io.rune.storage.model.SnapshotStatus.Phase.Failed;
import static io.rune.storage.model.SnapshotStatus.Phase.Ready;

import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.model.Quantity;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.model.VolumeStatus;
import io.rune.storage.store.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes snapshots: Pending → Creating → Ready, or Failed. The row says Creating (with the
 * attempt, the driver, the node and what the snapshot is of) before the driver is called;
 * after a crash the call is made again, and the driver, idempotent by the snapshot uid,
 * finishes or redoes the copy (a partial one is never taken for a finished one). The
 * volume's size and class are recorded, so the snapshot stays restorable after its volume
 * is deleted. Deleting rows go to {@link SnapshotReclaimer}.
 */
final class SnapshotReconciler implements Reconciler {
  private static final Logger log = LoggerFactory.getLogger(SnapshotReconciler.class);

  private final Store store;
  private final VolumeTargets targets;
  private final StatusWrites writes;
  private final SnapshotReclaimer reclaimer;
  private final AttemptCycle cycle;

  SnapshotReconciler(Store store, StatusWrites writes, VolumeTargets targets, AttemptCycle cycle) {
    this.store = store;
    this.targets = targets;
    this.writes = writes;
    this.reclaimer = new SnapshotReclaimer(store, targets, writes, cycle);
    this.cycle = cycle;
  }

  @Override
  public Future<Outcome> reconcile(ObjectKey key) {
    return StatusWrites.onRow(store.get(Kind.SNAPSHOT, key.namespace(), key.name()), this::step);
  }

  private Future<Outcome> step(ApiObject snapshot) {
    int attempts = SnapshotStatus.of(snapshot).attempts();
    return switch (SnapshotStatus.of(snapshot).phase()) {
      case Pending -> start(snapshot, attempts + 1);
      case Creating -> take(snapshot, Math.max(attempts, 1));
      case Failed -> retryWhenDue(snapshot, attempts);
      case Deleting -> reclaimer.reclaim(snapshot);
      default -> Future.succeededFuture(Outcome.DONE);
    };
  }

  private Future<Outcome> retryWhenDue(ApiObject snapshot, int attempts) {
    SnapshotStatus status = SnapshotStatus.of(snapshot);
    if (status.nextAttemptAt() == null) {
      return Future.succeededFuture(Outcome.DONE);
    }
    Duration wait = cycle.untilDue(status);
    return wait.isZero() ? start(snapshot, attempts + 1) : Future.succeededFuture(Outcome.again(wait));
  }

  /** Waits for the volume to be provisioned, records the attempt (intent), then copies. */
  private Future<Outcome> start(ApiObject snapshot, int attempt) {
    return sourceVolume(snapshot).compose(volume -> {
      VolumeStatus source = VolumeStatus.of(volume);
      VolumeStatus.Phase phase = source.phase();
      if (source.handle() == null) {
        boolean willProvision = phase == VolumeStatus.Phase.Pending || phase == VolumeStatus.Phase.Provisioning
            || (phase == VolumeStatus.Phase.Failed && source.nextAttemptAt() != null);
        if (willProvision) {
          return waitForVolume(snapshot, volume);
        }
        throw new VolumeTargets.Unresolvable("SourceVolumeNotProvisioned", "volume " + volume.key() + " is "
            + phase + " and holds no data to snapshot");
      }
      return targets.resolveForCleanup(volume).compose(target -> writes.writeSnapshot(snapshot, s -> s
          .withAttempt(Creating, attempt, SnapshotStatus.CREATING, cycle.attemptWords(attempt) + ": copying volume "
              + volume.key() + " with driver " + target.driverName(), null)
          .withDriver(target.driverName()).withNode(target.node())
          .withStorageClassName(volume.spec().getString("storageClassName"))
          .withClassParameters(target.classParameters())
          .withSourceSize(volume.spec().getString("size"))
          .withSizeBytes(Quantity.parseBytes("size", volume.spec().getString("size")))
          .withSourceVolumeUid(volume.uid()).withSourceHandle(source.handle())))
          .compose(recorded -> take(recorded, attempt));
    }).recover(err -> unresolvable(snapshot, err));
  }

  private Future<Outcome> waitForVolume(ApiObject snapshot, ApiObject volume) {
    Duration wait = cycle.backoff().initial();
    if (SnapshotStatus.WAITING_FOR_VOLUME.equals(SnapshotStatus.of(snapshot).reason())) {
      return Future.succeededFuture(Outcome.again(wait));
    }
    return writes.writeSnapshot(snapshot, s -> s.withReason(SnapshotStatus.WAITING_FOR_VOLUME)
            .withMessage("waiting for volume " + volume.key() + " to be provisioned"))
        .map(v -> Outcome.again(wait));
  }

  /** Calls the driver for the attempt the row records, writing its progress meanwhile. */
  private Future<Outcome> take(ApiObject snapshot, int attempt) {
    SnapshotStatus status = SnapshotStatus.of(snapshot);
    return sourceVolume(snapshot).compose(volume -> {
      if (!volume.uid().equals(status.sourceVolumeUid())) {
        throw new VolumeTargets.Unresolvable("SourceVolumeNotFound", "volume " + volume.key()
            + " was deleted (and made again) while the snapshot was being taken");
      }
      return targets.resolveForCleanup(volume);
    }).compose(target -> {
      ProgressWriter progress = new ProgressWriter(writes, snapshot);
      SnapshotRequest request = new SnapshotRequest(status.sourceHandle(), snapshot.uid(),
          snapshot.name(), snapshot.namespace());
      long started = System.nanoTime();
      return target.driver().snapshot(target.context().withProgress((done, total) -> {
        if (done > 0 && done < total) {
          Failpoints.hit(Failpoints.DURING_SNAPSHOT_COPY);
        }
        progress.report(done, total);
      }), request)
          .compose(made -> progress.finish().compose(latest -> ready(latest, made, secondsSince(started))),
              err -> progress.finish().compose(latest -> failed(latest, attempt, DriverException.of(err))));
    }).recover(err -> unresolvable(snapshot, err));
  }

  /**
   * The seconds since {@code started} (System.nanoTime), to the millisecond: the driver's
   * whole call as this controller saw it, the event bus hop included. After a crash the call
   * is made again and may only find the finished copy; its figure is then that of the finding.
   */
  private static double secondsSince(long started) {
    return Math.round((System.nanoTime() - started) / 1_000_000.0) / 1000.0;
  }

  private Future<Outcome> ready(ApiObject snapshot, MadeSnapshot made, double seconds) {
    UnaryOperator<SnapshotStatus> change = s -> s.withPhase(Ready).withHandle(made.handle())
        .withMethod(made.method()).withMethodSeconds(seconds)
        .withReason(SnapshotStatus.READY).withReadyAt(Instant.now()).withNextAttemptAt(null)
        .withMessage("copy of volume " + snapshot.spec().getJsonObject("source").getString("volume")
            + " taken by driver " + s.driver() + (made.method() == null ? "" : " (" + made.method() + ")"))
        .withProgress(s.progress() == null ? null : s.progress().done());
    return writes.writeSnapshot(snapshot, change)
        .map(written -> {
          log.info("Snapshot {} is Ready ({}, {} in {} s)", snapshot.key(), made.handle(), made.method(), seconds);
          return Outcome.DONE;
        })
        .recover(err -> err instanceof StatusWrites.Moved ? keepResult(snapshot, made.handle(), change)
            : Future.failedFuture(err));
  }

  /**
   * The row changed while the copy ran (labels applied, or deletion asked for): the copy
   * exists either way, so its handle goes into the row as it is now, never lost.
   */
  private Future<Outcome> keepResult(ApiObject snapshot, String handle, UnaryOperator<SnapshotStatus> readyChange) {
    return store.get(Kind.SNAPSHOT, snapshot.namespace(), snapshot.name()).compose(now -> {
      if (now == null) {
        return Future.succeededFuture(Outcome.DONE);
      }
      SnapshotStatus status = SnapshotStatus.of(now);
      if (status.phase() == Creating) {
        return writes.writeSnapshot(now, readyChange).map(v -> Outcome.DONE);
      }
      if (status.phase() == Deleting && status.handle() == null) {
        return writes.writeSnapshot(now, s -> s.withHandle(handle)).map(v -> Outcome.againNow());
      }
      return Future.succeededFuture(Outcome.againNow());
    });
  }

  private Future<Outcome> failed(ApiObject snapshot, int attempt, DriverException error) {
    return writes.decide(snapshot, cycle.failed(AttemptCycle.Operation.SNAPSHOT, attempt, error,
        AttemptCycle.RETRY_HINT));
  }

  private Future<ApiObject> sourceVolume(ApiObject snapshot) {
    JsonObject source = snapshot.spec().getJsonObject("source");
    String namespace = source.getString("namespace", snapshot.namespace());
    return store.get(Kind.VOLUME, namespace, source.getString("volume")).map(volume -> {
      if (volume == null) {
        throw new VolumeTargets.Unresolvable("SourceVolumeNotFound", "volume " + namespace + "/"
            + source.getString("volume") + " does not exist (it was deleted before its snapshot was taken)");
      }
      return volume;
    });
  }

  /** The source volume or driver is missing: Failed at once, no attempt spent. */
  private Future<Outcome> unresolvable(ApiObject snapshot, Throwable err) {
    if (!(err instanceof VolumeTargets.Unresolvable missing)) {
      return Future.failedFuture(err);
    }
    return writes.writeSnapshot(snapshot, s -> s.withPhase(Failed).withReason(missing.reason)
        .withMessage(missing.getMessage()).withNextAttemptAt(null)).map(v -> Outcome.DONE);
  }
}
