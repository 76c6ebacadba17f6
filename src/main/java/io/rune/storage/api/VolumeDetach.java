package io.rune.storage.api;

import io.rune.storage.model.VolumeStatus;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.store.Store;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

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
        JsonObject status = volume.status();
        VolumeStatus.Phase phase = VolumeStatus.phase(status);
        if (phase != VolumeStatus.Phase.Bound) {
          JsonObject said = status.copy().put("message", "volume " + volume.key() + " is " + phase
              + ", not attached to any replica; nothing to detach");
          return Future.succeededFuture(volume.withStatus(said));
        }
        String holders = status.getValue("boundClaims") != null ? status.getJsonArray("boundClaims").encode()
            : status.getString("boundClaim");
        if (!force) {
          throw new ApiException(409, "VolumeInUse", "volume " + volume.key() + " is bound to " + holders
              + " on node " + status.getString("boundNode") + "; detaching takes it from under that replica:"
              + " repeat with force=true if that is what you want", null);
        }
        if (status.getBoolean("detachRequested", false)) {
          return Future.succeededFuture(volume);
        }
        return store.update(volume.withStatus(status.copy().put("detachRequested", true)
            .put("reason", "DetachRequested").put("lastDetachRequestAt", Instant.now().toString())
            .put("message", "force-detach requested: unmounting and detaching it from " + holders + " on node "
                + status.getString("boundNode") + "; it becomes Released and is not bound again, so it can be"
                + " deleted")));
      }));
    });
  }
}
