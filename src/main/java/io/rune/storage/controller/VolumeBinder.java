package io.rune.storage.controller;

import static io.rune.storage.model.VolumeStatus.Phase.Available;
import static io.rune.storage.model.VolumeStatus.Phase.Bound;
import static io.rune.storage.model.VolumeStatus.Phase.Released;

import io.rune.storage.model.PhaseField;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.VolumeStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
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
  /** The claim whose release failed and is being retried. */
  static final String RELEASING = "releasing";

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
    JsonObject status = volume.status();
    VolumeStatus.Phase phase = VolumeStatus.phase(status);
    List<String> claims = claims(status);
    boolean shareable = !"ReadWriteOnce".equals(volume.spec().getString("accessMode", "ReadWriteOnce"));
    if (status.getBoolean("detachRequested", false)) {
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
        bound = writes.write(volume, s -> s.put("boundClaims", new JsonArray(claims)));
      } else {
        return Future.succeededFuture(null);
      }
    } else if (phase == Available || (phase == Released && (claim.equals(lastClaim(status)) || shareable))) {
      bound = writes.write(volume, s -> {
        PhaseField.with(s, Bound).put("boundClaim", claim)
            .put("boundClaims", new JsonArray().add(claim)).put("boundNode", node)
            .put("reason", "Bound").put("message", boundMessage(claim, node));
        s.remove("lastClaim");
      });
    } else {
      return Future.succeededFuture(null);
    }
    return bound.compose(row -> targets.resolveForCleanup(row).compose(t -> {
      String handle = row.status().getString("handle");
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
    String message = "attaching or mounting it for replica " + claim + " on node " + node + " failed: "
        + error.getMessage();
    JsonObject status = volume.status();
    Future<ApiObject> written = ATTACH_FAILED.equals(status.getString("reason"))
        && message.equals(status.getString("message")) ? Future.succeededFuture(volume)
        : writes.write(volume, s -> s.put("reason", ATTACH_FAILED).put("message", message));
    return written.compose(v -> Future.failedFuture(new MountRefused(volume.key() + " could not be mounted: "
        + error.getMessage(), error)));
  }

  /** After a refused attach, the volume says again that it is bound. */
  private Future<ApiObject> attached(ApiObject volume, String claim, String node) {
    if (!ATTACH_FAILED.equals(volume.status().getString("reason"))) {
      return Future.succeededFuture(volume);
    }
    return writes.write(volume, s -> s.put("reason", "Bound").put("message", boundMessage(claim, node)));
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
    JsonObject status = volume.status();
    List<String> claims = claims(status);
    if (!PhaseField.is(status, Bound) || !claims.contains(claim)) {
      return Future.succeededFuture();
    }
    boolean retrying = claim.equals(status.getString(RELEASING));
    java.time.Duration wait = retrying ? AttemptCycle.untilDue(status) : java.time.Duration.ZERO;
    if (!wait.isZero()) {
      return Future.failedFuture(new DetachPending(status.getString("message"), wait));
    }
    int attempt = (retrying ? status.getInteger("attempts", 0) : 0) + 1;
    claims.remove(claim);
    String node = status.getString("boundNode");
    String handle = status.getString("handle");
    return targets.resolveForCleanup(volume).compose(t -> t.driver().unmount(t.context(), target)
            .compose(v -> claims.isEmpty() ? t.driver().detach(t.context(), handle, node) : Future.succeededFuture()))
        .transform(done -> done.succeeded() ? released(volume, claim, claims, retrying)
            : detachFailed(volume, claim, attempt, done.cause()));
  }

  private Future<Void> released(ApiObject volume, String claim, List<String> claims, boolean retrying) {
    return writes.write(volume, s -> {
      if (retrying) {
        s.put("attempts", 0);
        s.remove(RELEASING);
        s.remove("nextAttemptAt");
      }
      if (claims.isEmpty()) {
        // Released holds nothing: lastClaim only says which replica binds it again.
        PhaseField.with(s, Released).put("lastClaim", claim).put("reason", "Released")
            .put("message", "released by replica " + claim + "; it keeps its data for that replica");
        s.remove("boundClaim");
        s.remove("boundClaims");
        s.remove("boundNode");
      } else {
        s.put("boundClaims", new JsonArray(claims)).put("boundClaim", claims.get(0));
        if (retrying) {
          s.put("reason", "Bound").put("message", boundMessage(claims.get(0), s.getString("boundNode")));
        }
      }
    }).mapEmpty();
  }

  private Future<Void> detachFailed(ApiObject volume, String claim, int attempt, Throwable cause) {
    DriverException error = DriverException.of(cause);
    java.time.Duration wait = backoff.after(attempt);
    String message = AttemptCycle.Operation.DETACH.doing + " for replica " + claim + " failed (attempt " + attempt
        + "): " + (error.reason() != null ? error.reason() + ": " : "") + error.getMessage() + "; next try in "
        + Backoff.format(wait);
    return writes.write(volume, s -> s.put(RELEASING, claim).put("attempts", attempt)
            .put("reason", AttemptCycle.Operation.DETACH.willRetryReason).put("message", message)
            .put("nextAttemptAt", java.time.Instant.now().plus(wait).toString()))
        .compose(written -> Future.failedFuture(new DetachPending(message, wait)));
  }

  /** A release that failed and waits for its next attempt; the message says why. */
  static final class DetachPending extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final java.time.Duration wait;

    DetachPending(String message, java.time.Duration wait) {
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

  /** The replica a Released volume waits for (rows released before lastClaim kept it in boundClaim). */
  private static String lastClaim(JsonObject status) {
    return status.getString("lastClaim", status.getString("boundClaim"));
  }

  private static List<String> claims(JsonObject status) {
    List<String> claims = new ArrayList<>();
    JsonArray array = status.getJsonArray("boundClaims");
    if (array != null) {
      array.forEach(c -> claims.add(String.valueOf(c)));
    } else if (PhaseField.is(status, Bound) && status.getString("boundClaim") != null) {
      claims.add(status.getString("boundClaim"));
    }
    return claims;
  }
}
