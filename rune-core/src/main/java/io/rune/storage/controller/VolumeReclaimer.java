package io.rune.storage.controller;

import io.rune.storage.driver.DriverException;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.VolumeStatus;
import io.vertx.core.Future;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second phase of deleting a volume (the first, done by the API, set it Deleting):
 * reclaim its storage as its reclaimPolicy says, then remove the row. The row goes only
 * after the driver's Delete succeeded, so a crash in between repeats the Delete, which is
 * idempotent, instead of leaking storage.
 */
final class VolumeReclaimer {
  private static final Logger log = LoggerFactory.getLogger(VolumeReclaimer.class);

  private final VolumeTargets targets;
  private final StatusWrites writes;
  private final AttemptCycle cycle;

  VolumeReclaimer(VolumeTargets targets, StatusWrites writes, AttemptCycle cycle) {
    this.targets = targets;
    this.writes = writes;
    this.cycle = cycle;
  }

  Future<Outcome> reclaim(ApiObject volume) {
    if (!"delete".equals(volume.spec().getString("reclaimPolicy"))) {
      return removeRow(volume, "kept (reclaimPolicy " + volume.spec().getString("reclaimPolicy", "retain") + ")");
    }
    if (!mayHaveStorage(volume)) {
      return removeRow(volume, "never made");
    }
    return writes.whenDue(volume, cycle, due -> targets.resolveForCleanup(due)
        .compose(target -> handleOf(target)
            .compose(handle -> (handle == null ? Future.<Void>succeededFuture()
                : target.driver().delete(target.context(), handle)).map(handle))
            .compose(handle -> {
              Failpoints.hit(Failpoints.AFTER_DELETE);
              return removeRow(due, handle == null ? "not found by driver " + target.driverName() + ", so none to delete"
                  : handedTo(target.driverName(), handle));
            }, err -> writes.failed(due, cycle, AttemptCycle.Operation.DELETE, DriverException.of(err))))
        .recover(err -> err instanceof VolumeTargets.Unresolvable missing
            ? writes.decide(due, cycle.waitFor(missing.reason, missing.getMessage()
                + "; the storage of this volume cannot be reclaimed until it is")) : Future.failedFuture(err)));
  }

  /**
   * Storage may exist once an attempt has started (which records the driver, and is never
   * forgotten, not even by retry-provision), even if its result was never recorded: the
   * volume was deleted while the driver worked, or the server crashed.
   */
  private static boolean mayHaveStorage(ApiObject volume) {
    VolumeStatus status = VolumeStatus.of(volume);
    return status.handle() != null || status.driver() != null;
  }

  /**
   * The recorded handle, or, when the result of provisioning was never recorded, the one the
   * driver finds for this volume's request (null: nothing was made, so nothing to delete).
   * Never provision here: against a backend that keeps failing, that made storage for every
   * deleted volume instead of deleting any.
   */
  private static Future<String> handleOf(VolumeTarget target) {
    String recorded = VolumeStatus.of(target.volume()).handle();
    if (recorded != null) {
      return Future.succeededFuture(recorded);
    }
    return target.driver().find(target.context(), target.provisionRequest(Instant.now().plusSeconds(60)));
  }

  /**
   * What the server knows of a successful delete: the driver took it. Whether the driver
   * removed the storage or kept it (a driver may keep what it is told to delete, as the local
   * driver does under its node's [storage] preserveOnDelete) is the driver's to say, in its own
   * log line naming the handle; the core names no driver and reads none of their settings.
   */
  private static String handedTo(String driverName, String handle) {
    return handle + " handed to driver " + driverName + "'s delete, which succeeded";
  }

  private Future<Outcome> removeRow(ApiObject volume, String what) {
    return writes.remove(volume).map(removed -> {
      log.info("Volume {} is gone (storage {})", volume.key(), what);
      return Outcome.DONE;
    });
  }

}
