package io.rune.storage.controller;

import static io.rune.storage.model.VolumeStatus.Phase.Available;
import static io.rune.storage.model.VolumeStatus.Phase.Failed;
import static io.rune.storage.model.VolumeStatus.Phase.Pending;
import static io.rune.storage.model.VolumeStatus.Phase.Provisioning;
import static io.rune.storage.model.VolumeStatus.Phase.Stalled;

import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.model.VolumeStatus;
import io.rune.storage.store.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Provisions volumes: Pending → Provisioning → Available, or Failed with a retry time,
 * and Stalled after the last attempt. Intent before side effect: the row says
 * Provisioning (with the attempt number and the driver and node) before the driver is
 * called, so after a crash the call is simply made again, and the driver, idempotent by
 * the volume uid, answers with what it made the first time. Deleting rows go to
 * {@link VolumeReclaimer}; provisioned volumes whose size was raised to {@link VolumeExpander}.
 */
final class VolumeReconciler implements Reconciler {
  private static final Logger log = LoggerFactory.getLogger(VolumeReconciler.class);

  private final Store store;
  private final VolumeTargets targets;
  private final VolumeReclaimer reclaimer;
  private final RestoreSources restoreSources;
  private final StatusWrites writes;
  private final AttemptCycle cycle;
  private final Duration callTimeout;
  private final VolumeExpander expander;

  VolumeReconciler(Store store, StatusWrites writes, VolumeTargets targets, AttemptCycle cycle,
      Duration callTimeout) {
    this.store = store;
    this.targets = targets;
    this.restoreSources = new RestoreSources(store);
    this.writes = writes;
    this.reclaimer = new VolumeReclaimer(targets, writes, cycle);
    this.cycle = cycle;
    this.callTimeout = callTimeout;
    this.expander = new VolumeExpander(targets, writes, cycle);
  }

  @Override
  public Future<Outcome> reconcile(ObjectKey key) {
    return reconcile(key, null);
  }

  /** From the volume the feed brought, else its row: one read per volume created less (issue 20). */
  @Override
  public Future<Outcome> reconcile(ObjectKey key, ApiObject delivered) {
    return StatusWrites.onRow(delivered != null ? Future.succeededFuture(delivered)
        : store.get(Kind.VOLUME, key.namespace(), key.name()), this::step);
  }

  private Future<Outcome> step(ApiObject volume) {
    VolumeStatus status = VolumeStatus.of(volume);
    int attempts = status.attempts();
    return switch (status.phase()) {
      case Pending -> startAttempt(volume, attempts + 1);
      // Left from a crash (or a node that stopped) mid-call: make the same attempt again.
      case Provisioning -> resolveAndProvision(volume, Math.max(attempts, 1));
      case Failed -> retryWhenDue(volume, attempts);
      case Deleting -> reclaimer.reclaim(volume);
      // Provisioned storage whose size was raised (the write that raised it marked it).
      case Available, Bound, Released -> status.expansionRequested() ? expander.expand(volume)
          : Future.succeededFuture(Outcome.DONE);
      default -> Future.succeededFuture(Outcome.DONE);
    };
  }

  private Future<Outcome> retryWhenDue(ApiObject volume, int attempts) {
    VolumeStatus status = VolumeStatus.of(volume);
    if (status.nextAttemptAt() == null) {
      return Future.succeededFuture(Outcome.DONE); // a failure retrying cannot fix
    }
    Duration wait = cycle.untilDue(status);
    return wait.isZero() ? startAttempt(volume, attempts + 1) : Future.succeededFuture(Outcome.again(wait));
  }

  /** Records the attempt (intent), then calls the driver. */
  private Future<Outcome> startAttempt(ApiObject volume, int attempt) {
    return restoreSources.snapshotOf(volume)
        .compose(snapshot -> targets.resolve(volume, RestoreSources.nodeOf(snapshot))
            .compose(target -> writes.writeVolume(volume, s -> {
              String owner = volume.labels().get(ServiceReconciler.OWNER_LABEL);
              return s.withAttempt(Provisioning, attempt, VolumeStatus.PROVISIONING, cycle.attemptWords(attempt) + ": "
                      + (snapshot == null ? "provisioning" : "restoring snapshot " + snapshot.key())
                      + " with driver " + target.driverName()
                      + (target.provider().nodeLocal() ? " on node " + target.node() : ""), null)
                  .withDriver(target.driverName()).withNode(target.node())
                  // The class's parameters (secret references, not values): enough to reclaim the
                  // storage after the class is gone, as a cascade delete of the class leaves it.
                  .withClassParameters(target.classParameters())
                  .withOwnerService(owner != null ? owner : s.ownerService());
            })))
        .compose(recorded -> {
          Failpoints.hit(Failpoints.BEFORE_PROVISION);
          return resolveAndProvision(recorded, attempt);
        })
        .recover(err -> unresolvable(volume, err));
  }

  private Future<Outcome> resolveAndProvision(ApiObject volume, int attempt) {
    return restoreSources.snapshotOf(volume)
        .compose(snapshot -> targets.resolve(volume, RestoreSources.nodeOf(snapshot))
            .compose(target -> snapshot == null ? provision(target, attempt) : restore(target, snapshot, attempt)))
        .recover(err -> unresolvable(volume, err));
  }

  private Future<Outcome> provision(VolumeTarget target, int attempt) {
    ApiObject volume = target.volume();
    return target.driver().provision(target.context(), target.provisionRequest(Instant.now().plus(callTimeout)))
        .compose(made -> {
          Failpoints.hit(Failpoints.AFTER_PROVISION);
          return available(volume, target, made);
        }, err -> failed(volume, AttemptCycle.Operation.PROVISION, attempt, DriverException.of(err)));
  }

  /** A restore copies data: its progress goes to status while the driver works. */
  private Future<Outcome> restore(VolumeTarget target, ApiObject snapshot, int attempt) {
    ProgressWriter progress = new ProgressWriter(writes, target.volume());
    RestoreRequest request = new RestoreRequest(SnapshotStatus.of(snapshot).handle(),
        target.provisionRequest(Instant.now().plus(callTimeout)));
    return target.driver().restore(target.context().withProgress(progress), request)
        .compose(made -> progress.finish().compose(latest -> {
          Failpoints.hit(Failpoints.AFTER_PROVISION);
          return available(latest, target, made);
        }), err -> progress.finish().compose(latest -> failed(latest, AttemptCycle.Operation.RESTORE, attempt,
            DriverException.of(err))));
  }

  private Future<Outcome> available(ApiObject volume, VolumeTarget target, ProvisionedVolume made) {
    return writes.writeVolume(volume, s -> s.withPhase(Available).withHandle(made.handle())
        .withReason(VolumeStatus.PROVISIONED)
        .withMessage("provisioned by driver " + target.driverName()
            + (target.provider().nodeLocal() ? " on node " + target.node() : ""))
        // The size asked for when the call was made (a later PUT's growth is the expander's).
        .withCapacity(volume.spec().getString("size"))
        .withTopology(made.topology().isEmpty() ? s.topology()
            : new JsonObject(new HashMap<String, Object>(made.topology())))
        .withNextAttemptAt(null)).map(written -> {
      log.info("Volume {} is Available ({})", volume.key(), made.handle());
      return Outcome.DONE;
    });
  }

  private Future<Outcome> failed(ApiObject volume, AttemptCycle.Operation operation, int attempt,
      DriverException error) {
    AttemptCycle.Decision decision = cycle.failed(operation, attempt, error, AttemptCycle.RETRY_HINT);
    return writes.writeVolume(volume, decision::applyTo).map(written -> {
      if (VolumeStatus.of(written).phase() == Stalled) {
        log.warn("Volume {} is Stalled after {} attempts: {}", volume.key(), attempt, error.getMessage());
      }
      return decision.outcome();
    });
  }

  /**
   * The class or driver is missing: Failed at once, no attempt spent. No node can take it:
   * Pending saying which label is unmet, no attempt spent; start-up and resync look again.
   */
  private Future<Outcome> unresolvable(ApiObject volume, Throwable err) {
    if (err instanceof VolumeTargets.Unplaceable nowhere) {
      VolumeStatus status = VolumeStatus.of(volume);
      if (status.phase() == Pending && nowhere.reason.equals(status.reason())
          && nowhere.getMessage().equals(status.message())) {
        return Future.succeededFuture(Outcome.DONE); // said already: no write (and no watch event) per resync
      }
      return writes.writeVolume(volume, s -> s.withPhase(Pending).withReason(nowhere.reason)
          .withMessage(nowhere.getMessage()).withNextAttemptAt(null)).map(v -> Outcome.DONE);
    }
    if (!(err instanceof VolumeTargets.Unresolvable missing)) {
      return Future.failedFuture(err);
    }
    return writes.writeVolume(volume, s -> s.withPhase(Failed).withReason(missing.reason)
        .withMessage(missing.getMessage()).withNextAttemptAt(null)).map(v -> Outcome.DONE);
  }
}
