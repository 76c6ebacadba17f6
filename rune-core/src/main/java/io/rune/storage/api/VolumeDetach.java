package io.rune.storage.api;

import io.rune.storage.model.VolumeStatus;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.store.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.time.Instant;
import java.util.ArrayList;

/**
 * {@code POST …/volumes/{name}/detach[?force=true]}: takes a Bound volume away from the
 * replicas that use it, so that it can be deleted. Without force a Bound volume is 409
 * VolumeInUse: detaching pulls the data from under a running replica. With force the
 * volume is marked {@code detachRequested}; the service controller then unmounts,
 * detaches and releases it, and does not bind it again (the replica waits, saying why).
 * The answer's status.message says what was done.
 */
final class VolumeDetach {
  private final Store store;

  VolumeDetach(Store store) {
    this.store = store;
  }

  Future<ApiObject> detach(Principal principal, String namespace, String name, boolean force) {
    return Resources.attempt(() -> {
      principal.checkWrite(Kind.VOLUME, namespace);
      return Resources.untilNotMoved(() -> store.get(Kind.VOLUME, namespace, name).compose(volume -> {
        if (volume == null) {
          throw Resources.notFound(Kind.VOLUME, namespace, name);
        }
        VolumeStatus status = VolumeStatus.of(volume);
        if (status.phase() != VolumeStatus.Phase.Bound) {
          VolumeStatus said = status.withMessage("volume " + volume.key() + " is " + status.phase()
              + ", not attached to any replica; nothing to detach");
          return Future.succeededFuture(volume.withStatus(said.toJson()));
        }
        String holders = status.boundClaims() != null ? new JsonArray(new ArrayList<Object>(status.boundClaims()))
            .encode() : status.boundClaim();
        if (!force) {
          throw new ApiException(409, "VolumeInUse", "volume " + volume.key() + " is bound to " + holders
              + " on node " + status.boundNode() + "; detaching takes it from under that replica:"
              + " repeat with force=true if that is what you want", null);
        }
        if (status.detachRequested()) {
          return Future.succeededFuture(volume);
        }
        return store.update(volume.withStatus(status.withDetachRequested(true)
            .withReason(VolumeStatus.DETACH_REQUESTED).withLastDetachRequestAt(Instant.now())
            .withMessage("force-detach requested: unmounting and detaching it from " + holders + " on node "
                + status.boundNode() + "; it becomes Released and is not bound again, so it can be"
                + " deleted").toJson()));
      }));
    });
  }
}
