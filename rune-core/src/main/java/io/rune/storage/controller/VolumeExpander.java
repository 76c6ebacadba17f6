package io.rune.storage.controller;

import static io.rune.storage.model.VolumeStatus.Phase.Bound;

import io.rune.storage.driver.DriverException;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Quantity;
import io.rune.storage.model.VolumeStatus;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Grows a provisioned volume whose size was raised (its status has {@code expandingTo}, set
 * by the write that raised it) with the driver's expand, through the attempt cycle:
 * <ul>
 *   <li>Bound, and the driver grows volumes only while unused: reason ExpansionWaitsForDetach,
 *       no attempt spent; the release that makes it Released wakes it;</li>
 *   <li>else intent before side effect: reason Expanding with the attempt number, then the
 *       call (a crash in between makes the same attempt again: expand is idempotent, it grows
 *       to at least the size);</li>
 *   <li>done: {@code capacity} is the new size and the reason is the phase's again;</li>
 *   <li>failed: ExpandFailedWillRetry with {@code nextAttemptAt}, then ExpandRetriesExhausted
 *       (the phase stays), from which the retry verb starts it over.</li>
 * </ul>
 * A Bound volume of a cloud driver is grown by the driver instance on the node it is bound
 * to, which grows the mounted filesystem there.
 */
final class VolumeExpander {
  private static final Logger log = LoggerFactory.getLogger(VolumeExpander.class);

  private final VolumeTargets targets;
  private final StatusWrites writes;
  private final AttemptCycle cycle;

  VolumeExpander(VolumeTargets targets, StatusWrites writes, AttemptCycle cycle) {
    this.targets = targets;
    this.writes = writes;
    this.cycle = cycle;
  }

  Future<Outcome> expand(ApiObject volume) {
    VolumeStatus status = VolumeStatus.of(volume);
    if (VolumeStatus.EXPANDING.equals(status.reason())) {
      // Left from a crash mid-call: make the same attempt again.
      return targetOf(volume).compose(target -> call(target, Math.max(1, status.attempts())))
          .recover(err -> unresolvable(volume, err));
    }
    if (status.expansionStopped()) {
      return Future.succeededFuture(Outcome.DONE); // waits for the retry verb
    }
    return targetOf(volume).compose(target -> {
      if (status.phase() == Bound && !target.provider().capabilities().onlineExpand()) {
        return waitForDetach(target);
      }
      return writes.whenDue(volume, cycle, due -> start(target, due, status.attempts() + 1));
    }).recover(err -> unresolvable(volume, err));
  }

  /** Records the attempt (intent), then calls the driver. */
  private Future<Outcome> start(VolumeTarget target, ApiObject volume, int attempt) {
    String size = volume.spec().getString("size");
    return writes.writeVolume(volume, s -> s.withAttempt(null, attempt, VolumeStatus.EXPANDING,
        cycle.attemptWords(attempt) + ": growing from " + s.capacityOr(size) + " to " + size + " with driver "
            + target.driverName() + (s.phase() == Bound ? " while it is in use" : "") + " on node " + target.node(),
        null).withExpandingTo(size))
        .compose(recorded -> call(at(target, recorded), attempt));
  }

  private Future<Outcome> call(VolumeTarget target, int attempt) {
    ApiObject volume = target.volume();
    String size = volume.spec().getString("size");
    return target.driver().expand(target.context(), VolumeStatus.of(volume).handle(),
            Quantity.parseBytes("size", size))
        .compose(v -> grown(volume, target, size),
            err -> writes.decide(volume, cycle.failed(AttemptCycle.Operation.EXPAND, attempt, DriverException.of(err),
                AttemptCycle.RETRY_HINT)));
  }

  private Future<Outcome> grown(ApiObject volume, VolumeTarget target, String size) {
    return writes.writeVolume(volume, s -> s.withAttempt(null, 0, restingReason(s.phase()),
        "grown to " + size + " by driver " + target.driverName() + " on node " + target.node(), null)
        .withCapacity(size).withExpandingTo(null)).map(written -> {
      log.info("Volume {} has grown to {}", volume.key(), size);
      return Outcome.DONE;
    });
  }

  /** Says once why it waits; the release that lets go of it wakes the volume again. */
  private Future<Outcome> waitForDetach(VolumeTarget target) {
    ApiObject volume = target.volume();
    VolumeStatus status = VolumeStatus.of(volume);
    String message = "driver " + target.driverName() + " grows volumes only while no replica uses them: it grows"
        + " to " + volume.spec().getString("size") + " once replica " + status.boundClaim() + " releases it";
    if (VolumeStatus.EXPANSION_WAITS_FOR_DETACH.equals(status.reason()) && message.equals(status.message())) {
      return Future.succeededFuture(Outcome.DONE);
    }
    return writes.writeVolume(volume, s -> s.withReason(VolumeStatus.EXPANSION_WAITS_FOR_DETACH).withMessage(message))
        .map(written -> Outcome.DONE);
  }

  /**
   * The driver of the volume; a Bound volume of a driver that is not node-local is grown on
   * the node it is bound to (the driver grows the filesystem mounted there).
   */
  private Future<VolumeTarget> targetOf(ApiObject volume) {
    return targets.resolveForCleanup(volume).map(target -> {
      String boundNode = VolumeStatus.of(volume).boundNode();
      if (target.provider().nodeLocal() || boundNode == null || boundNode.equals(target.node())) {
        return target;
      }
      return new VolumeTarget(volume, target.storageClass(), target.provider(),
          targets.recordedDriver(target.driverName(), boundNode), boundNode, target.secrets());
    });
  }

  /** The same target, for the volume as a status write left it. */
  private static VolumeTarget at(VolumeTarget target, ApiObject volume) {
    return new VolumeTarget(volume, target.storageClass(), target.provider(), target.driver(), target.node(),
        target.secrets());
  }

  /** The driver is gone: wait for it without spending an attempt. */
  private Future<Outcome> unresolvable(ApiObject volume, Throwable err) {
    if (err instanceof VolumeTargets.Unresolvable missing) {
      return writes.decide(volume, cycle.waitFor(missing.reason, missing.getMessage()
          + "; the volume grows to " + volume.spec().getString("size") + " once it is"));
    }
    return Future.failedFuture(err);
  }

  /** The reason a volume of this phase rests with once grown. */
  static String restingReason(VolumeStatus.Phase phase) {
    return switch (phase) {
      case Available -> VolumeStatus.PROVISIONED;
      case Bound -> VolumeStatus.BOUND;
      default -> phase.name();
    };
  }
}
