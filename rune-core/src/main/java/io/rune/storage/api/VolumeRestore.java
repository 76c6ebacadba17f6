package io.rune.storage.api;

import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.Names;
import io.rune.storage.model.RestoreSpec;
import io.rune.storage.model.VolumeOwnership;
import io.rune.storage.store.StoreReader;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * {@code POST …/volumes/{name}/restore}: a shorthand for creating volume {name} with
 * {@code source: {snapshot, namespace}}, its class and size taken from the snapshot when not
 * given. The volume goes through the same admission as any other, so every rule (and error)
 * of a restore is the one of a volume create.
 */
final class VolumeRestore {
  private final Resources resources;
  private final StoreReader reads;

  VolumeRestore(Resources resources, StoreReader reads) {
    this.resources = resources;
    this.reads = reads;
  }

  Future<ApiObject> restore(Principal principal, String namespace, String name, JsonObject body) {
    return Resources.attempt(() -> {
      RestoreSpec spec = InputParser.read(body == null ? new JsonObject() : body, RestoreSpec.class);
      Validation.check(() -> Names.checkName("name", name));
      if (spec.fromSnapshot() == null) {
        throw ApiException.invalid("fromSnapshot", "fromSnapshot names the snapshot to restore from");
      }
      Validation.check(() -> Names.checkName("fromSnapshot", spec.fromSnapshot()));
      String snapshotNamespace = spec.snapshotNamespace() != null ? spec.snapshotNamespace() : namespace;
      Validation.check(() -> Names.checkName("snapshotNamespace", snapshotNamespace));
      principal.checkWrite(Kind.VOLUME, namespace);
      principal.checkRead(Kind.SNAPSHOT, snapshotNamespace);
      return reads.get(Kind.SNAPSHOT, snapshotNamespace, spec.fromSnapshot())
          .compose(snapshot -> volumeOf(spec, name, snapshotNamespace, snapshot))
          .compose(volume -> resources.create(principal, Kind.VOLUME, namespace, volume));
    });
  }

  private Future<JsonObject> volumeOf(RestoreSpec spec, String name, String snapshotNamespace, ApiObject snapshot) {
    if (snapshot == null) {
      throw ApiException.invalid("fromSnapshot", "snapshot '" + spec.fromSnapshot() + "' does not exist in"
          + " namespace '" + snapshotNamespace + "'");
    }
    SnapshotStatus status = SnapshotStatus.of(snapshot);
    if (status.phase() != SnapshotStatus.Phase.Ready) {
      throw ApiException.unprocessable("SnapshotNotReady", "fromSnapshot", "snapshot " + snapshot.key() + " is "
          + status.phase() + "; a volume can be restored only from a Ready snapshot");
    }
    JsonObject volume = new JsonObject().put("name", name)
        .put("size", spec.size() != null ? spec.size() : status.sourceSize())
        .put("source", new JsonObject().put("snapshot", snapshot.name()).put("namespace", snapshotNamespace));
    if (spec.labels() != null) {
      volume.put("labels", new JsonObject(new java.util.HashMap<String, Object>(spec.labels())));
    }
    VolumeOwnership ownership = VolumeOwnership.of(spec.fsUser(), spec.fsGroup(), spec.fsMode());
    if (ownership != null) {
      // Checked by the volume's admission, as when they are written on a volume.
      volume.mergeIn(InputParser.toJson(ownership));
    }
    if (spec.storageClassName() != null) {
      return Future.succeededFuture(volume.put("storageClassName", spec.storageClassName()));
    }
    String sourceClass = status.storageClassName();
    if (sourceClass == null) {
      return Future.succeededFuture(volume);
    }
    // The class the snapshot's volume had, while it exists; else the default class.
    return reads.get(Kind.STORAGE_CLASS, "", sourceClass)
        .map(found -> found == null ? volume : volume.put("storageClassName", sourceClass));
  }
}
