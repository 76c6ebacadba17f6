package io.rune.storage.controller;

import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.store.StoreReader;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * The snapshot a volume is restored from. Admission checked it when the volume was
 * written; it is checked again when the restore starts, since the snapshot may have been
 * deleted since. A missing or unusable snapshot is a failure retrying cannot fix.
 */
final class RestoreSources {
  private final StoreReader store;

  RestoreSources(StoreReader store) {
    this.store = store;
  }

  /** The Ready snapshot to restore from, or null for a volume made empty. */
  Future<ApiObject> snapshotOf(ApiObject volume) {
    JsonObject source = volume.spec().getJsonObject("source");
    if (source == null) {
      return Future.succeededFuture(null);
    }
    String namespace = source.getString("namespace", volume.namespace());
    String name = source.getString("snapshot");
    return store.get(Kind.SNAPSHOT, namespace, name).map(snapshot -> {
      if (snapshot == null) {
        throw new VolumeTargets.Unresolvable("SnapshotNotFound", "snapshot " + namespace + "/" + name
            + " no longer exists; this volume cannot be restored from it (delete it, or recreate the snapshot"
            + " and run retry-provision)");
      }
      SnapshotStatus.Phase phase = SnapshotStatus.of(snapshot).phase();
      if (phase != SnapshotStatus.Phase.Ready) {
        throw new VolumeTargets.Unresolvable("SnapshotNotReady", "snapshot " + snapshot.key() + " is " + phase
            + "; a volume can be restored only from a Ready snapshot");
      }
      return snapshot;
    });
  }

  /** Where a node-local snapshot is (its restore must happen there), or null. */
  static String nodeOf(ApiObject snapshot) {
    return snapshot == null ? null : SnapshotStatus.of(snapshot).node();
  }
}
