package io.rune.storage.controller;

import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.store.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second phase of deleting a snapshot: the driver's DeleteSnapshot, then the row goes.
 * The row goes only after the copy is gone, so a crash in between repeats the (idempotent)
 * delete instead of leaking the copy.
 */
final class SnapshotReclaimer {
  private static final Logger log = LoggerFactory.getLogger(SnapshotReclaimer.class);

  private final Store store;
  private final VolumeTargets targets;
  private final StatusWrites writes;
  private final AttemptCycle cycle;

  SnapshotReclaimer(Store store, VolumeTargets targets, StatusWrites writes, AttemptCycle cycle) {
    this.store = store;
    this.targets = targets;
    this.writes = writes;
    this.cycle = cycle;
  }

  Future<Outcome> reclaim(ApiObject snapshot) {
    if (SnapshotStatus.of(snapshot).driver() == null) {
      return removeRow(snapshot, "none was taken"); // the copy never started
    }
    return writes.whenDue(snapshot, cycle, this::deleteCopy);
  }

  private Future<Outcome> deleteCopy(ApiObject snapshot) {
    SnapshotStatus status = SnapshotStatus.of(snapshot);
    String driverName = status.driver();
    StorageDriver driver;
    try {
      driver = targets.recordedDriver(driverName, status.node());
    } catch (VolumeTargets.Unresolvable missing) {
      return cannotDelete(snapshot, missing);
    }
    // The class the copy was made under, for drivers that need its parameters and secrets (a cloud account).
    String className = status.storageClassName() != null ? status.storageClassName() : "";
    return targets.classContext(className, status.classParameters(), status.node())
        .compose(ctx -> handleOf(snapshot, driver, ctx)
            .compose(handle -> handle == null ? Future.succeededFuture() : driver.deleteSnapshot(ctx, handle)))
        .compose(deleted -> removeRow(snapshot, "deleted by driver " + driverName),
            err -> err instanceof VolumeTargets.Unresolvable missing ? cannotDelete(snapshot, missing)
                : writes.failed(snapshot, cycle, AttemptCycle.Operation.DELETE_SNAPSHOT, DriverException.of(err)));
  }

  private Future<Outcome> cannotDelete(ApiObject snapshot, VolumeTargets.Unresolvable missing) {
    return writes.decide(snapshot, cycle.waitFor(missing.reason, missing.getMessage()
        + "; the copy cannot be deleted until it is"));
  }

  /**
   * The recorded handle; when the copy was started but its result never recorded (a crash),
   * the driver is asked again, which finds (or finishes) the copy by the snapshot's uid. If
   * the volume is gone too, nothing can be found: the driver's start-up recovery removes
   * partial copies.
   */
  private Future<String> handleOf(ApiObject snapshot, StorageDriver driver, DriverContext ctx) {
    SnapshotStatus status = SnapshotStatus.of(snapshot);
    String recorded = status.handle();
    if (recorded != null || status.sourceHandle() == null) {
      return Future.succeededFuture(recorded);
    }
    JsonObject source = snapshot.spec().getJsonObject("source");
    return store.get(Kind.VOLUME, source.getString("namespace", snapshot.namespace()), source.getString("volume"))
        .compose(volume -> volume == null || !volume.uid().equals(status.sourceVolumeUid())
            ? Future.succeededFuture(null)
            : driver.snapshot(ctx, new SnapshotRequest(status.sourceHandle(), snapshot.uid(),
                snapshot.name(), snapshot.namespace())).map(MadeSnapshot::handle));
  }

  private Future<Outcome> removeRow(ApiObject snapshot, String what) {
    return writes.remove(snapshot).map(removed -> {
      log.info("Snapshot {} is gone (copy {})", snapshot.key(), what);
      return Outcome.DONE;
    });
  }

}
