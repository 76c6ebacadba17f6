package io.rune.storage.controller;

import static io.rune.storage.model.VolumeStatus.Phase.Available;
import static io.rune.storage.model.VolumeStatus.Phase.Bound;
import static io.rune.storage.model.VolumeStatus.Phase.Released;

import io.rune.storage.cluster.ShardOwnership;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.model.VolumeStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Binds volumes to replicas and releases them, with the driver's attach and mount (and
 * unmount and detach) on the replica's node. Released clears the claim and node (the volume
 * holds nothing); {@code lastClaim} names the replica it keeps its data for. The row says Bound (with the claim and node)
 * before the driver is called; attach and mount are idempotent, so a bind repeated after a
 * crash only finishes it. A volume is bound to several replicas only when its access mode
 * allows sharing ({@code boundClaims} lists them; {@code boundClaim} is the first). When the
 * driver refuses the attach or mount, the volume stays Bound with reason AttachFailed and the
 * driver's words, and the bind fails with {@link MountRefused}.
 */
final class VolumeBinder {
  static final String ATTACH_FAILED = "AttachFailed";
  private final VolumeTargets targets;
  private final StatusWrites writes;
  private final Path mountRoot;
  private final Backoff backoff;

  VolumeBinder(VolumeTargets targets, StatusWrites writes, Path mountRoot, Backoff backoff) {
    this.targets = targets;
    this.writes = writes;
    this.mountRoot = mountRoot;
    this.backoff = backoff;
  }

  /** Where a volume of a replica is mounted on its node (for drivers that mount there). */
  String mountTarget(String namespace, String instance, String volumeName) {
    return mountRoot.resolve(namespace).resolve(instance).resolve(volumeName).toString();
  }

  /**
   * Binds {@code volume} to {@code claim} ({@code <ns>/<instance>}) on {@code node} and
   * mounts it; returns the host path the runner bind-mounts, or null while the volume cannot
   * be bound yet (not provisioned, or bound to another replica and not shareable).
   */
  Future<String> bind(ApiObject volume, String claim, String node, String target, boolean readOnly) {
    VolumeStatus status = VolumeStatus.of(volume);
    VolumeStatus.Phase phase = status.phase();
    List<String> claims = new ArrayList<>(status.claims());
    boolean shareable = !"ReadWriteOnce".equals(volume.spec().getString("accessMode", "ReadWriteOnce"));
    if (status.detachRequested()) {
      // An operator force-detached it: let go, and do not bind it again.
      return release(volume, claim, target).<String>map(v -> null)
          .recover(err -> err instanceof DetachPending ? Future.succeededFuture() : Future.failedFuture(err));
    }
    Future<ApiObject> bound;
    if (phase == Bound) {
      if (claims.contains(claim)) {
        bound = Future.succeededFuture(volume);
      } else if (shareable) {
        claims.add(claim);
        bound = writes.writeVolume(serviceOf(claim), volume, s -> s.withBoundClaims(claims));
      } else {
        return Future.succeededFuture(null);
      }
    } else if (phase == Available || (phase == Released && (claim.equals(status.waitsFor()) || shareable))) {
      bound = writes.writeVolume(serviceOf(claim), volume, s -> s.boundTo(claim, node).withReason(VolumeStatus.BOUND)
          .withMessage(boundMessage(claim, node)));
    } else {
      return Future.succeededFuture(null);
    }
    return bound.compose(row -> targets.resolveForCleanup(row).compose(t -> {
      String handle = VolumeStatus.of(row).handle();
      return t.driver().attach(t.context(), handle, node)
          .compose(device -> t.driver().mount(t.context(), new MountRequest(handle, node, device, target, readOnly,
              t.storageClass() == null ? null : t.storageClass().spec().getJsonObject("parameters", new JsonObject())
                  .getString("fsType"))))
          .transform(result -> result.succeeded() ? attached(row, claim, node).map(result.result())
              : refused(row, claim, node, DriverException.of(result.cause())));
    }));
  }

  /**
   * The volume stays Bound (it is still reserved for the claim) but says it is not attached:
   * its reason is AttachFailed with the driver's words, until an attach succeeds.
   */
  private Future<String> refused(ApiObject volume, String claim, String node, DriverException error) {
    if (error.getCause() instanceof ShardOwnership.LeaseLost lost) {
      return Future.failedFuture(lost); // no driver call was made: nothing to say
    }
    String message = "attaching or mounting it for replica " + claim + " on node " + node + " failed: "
        + error.getMessage();
    VolumeStatus status = VolumeStatus.of(volume);
    Future<ApiObject> written = ATTACH_FAILED.equals(status.reason()) && message.equals(status.message())
        ? Future.succeededFuture(volume)
        : writes.writeVolume(serviceOf(claim), volume, s -> s.withReason(ATTACH_FAILED).withMessage(message));
    return written.compose(v -> Future.failedFuture(new MountRefused(volume.key() + " could not be mounted: "
        + error.getMessage(), error)));
  }

  /** After a refused attach, the volume says again that it is bound. */
  private Future<ApiObject> attached(ApiObject volume, String claim, String node) {
    if (!ATTACH_FAILED.equals(VolumeStatus.of(volume).reason())) {
      return Future.succeededFuture(volume);
    }
    return writes.writeVolume(serviceOf(claim), volume, s -> s.withReason(VolumeStatus.BOUND)
        .withMessage(boundMessage(claim, node)));
  }

  /** The service a claim's writes are done for: they are fenced by its shard's lease, not the volume's. */
  private static ObjectKey serviceOf(String claim) {
    ObjectKey service = ServiceReconciler.serviceOfClaim(claim);
    if (service == null) {
      throw new IllegalArgumentException("claim " + claim + " is not <namespace>/<service>-<ordinal>");
    }
    return service;
  }

  private static String boundMessage(String claim, String node) {
    return "bound to replica " + claim + " on node " + node;
  }

  /**
   * Releases {@code claim}'s hold on the volume: unmount, and when no claim is left, detach
   * and Released (the volume keeps its data and waits for the same replica). A failed unmount
   * or detach goes through the attempt cycle's backoff: the volume stays Bound saying
   * DetachFailedWillRetry (with {@code releasing}, the claim, and {@code nextAttemptAt}), and
   * the release fails with {@link DetachPending} until the next attempt is due. It never
   * stops trying (at the backoff's cap once there): nothing else would let go of the volume.
   */
  Future<Void> release(ApiObject volume, String claim, String target) {
    VolumeStatus status = VolumeStatus.of(volume);
    List<String> claims = new ArrayList<>(status.claims());
    if (status.phase() != Bound || !claims.contains(claim)) {
      return Future.succeededFuture();
    }
    boolean retrying = claim.equals(status.releasing());
    Duration wait = retrying ? status.untilDue(Instant.now()) : Duration.ZERO;
    if (!wait.isZero()) {
      return Future.failedFuture(new DetachPending(status.message(), wait));
    }
    int attempt = (retrying ? status.attempts() : 0) + 1;
    claims.remove(claim);
    String node = status.boundNode();
    String handle = status.handle();
    return targets.resolveForCleanup(volume).compose(t -> t.driver().unmount(t.context(), target)
            .compose(v -> claims.isEmpty() ? t.driver().detach(t.context(), handle, node) : Future.succeededFuture()))
        .transform(done -> done.succeeded() ? released(volume, claim, claims, retrying)
            : detachFailed(volume, claim, attempt, done.cause()));
  }

  private Future<Void> released(ApiObject volume, String claim, List<String> claims, boolean retrying) {
    return writes.writeVolume(serviceOf(claim), volume, before -> {
      VolumeStatus s = retrying ? before.withAttempts(0).withReleasing(null).withNextAttemptAt(null) : before;
      if (claims.isEmpty()) {
        // Released holds nothing: lastClaim only says which replica binds it again.
        return s.releasedBy(claim).withReason(VolumeStatus.RELEASED)
            .withMessage("released by replica " + claim + "; it keeps its data for that replica");
      }
      s = s.withBoundClaims(claims).withBoundClaim(claims.get(0));
      return retrying ? s.withReason(VolumeStatus.BOUND).withMessage(boundMessage(claims.get(0), s.boundNode())) : s;
    }).mapEmpty();
  }

  private Future<Void> detachFailed(ApiObject volume, String claim, int attempt, Throwable cause) {
    if (cause instanceof ShardOwnership.LeaseLost) {
      return Future.failedFuture(cause); // no driver call was made: nothing to say
    }
    DriverException error = DriverException.of(cause);
    Duration wait = backoff.after(attempt);
    String message = AttemptCycle.Operation.DETACH.doing + " for replica " + claim + " failed (attempt " + attempt
        + "): " + (error.reason() != null ? error.reason() + ": " : "") + error.getMessage() + "; next try in "
        + Backoff.format(wait);
    return writes.writeVolume(serviceOf(claim), volume, s -> s.withReleasing(claim).withAttempt(null, attempt,
            AttemptCycle.Operation.DETACH.willRetryReason, message, Instant.now().plus(wait)))
        .compose(written -> Future.failedFuture(new DetachPending(message, wait)));
  }

  /** A release that failed and waits for its next attempt; the message says why. */
  static final class DetachPending extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final Duration wait;

    DetachPending(String message, Duration wait) {
      super(message, null, false, false);
      this.wait = wait;
    }
  }

  /** The driver refused to attach or mount a volume for a replica; the volume's status says so. */
  static final class MountRefused extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MountRefused(String message, DriverException cause) {
      super(message, cause, false, false);
    }
  }
}
