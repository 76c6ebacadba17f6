package io.rune.storage.api;

import io.rune.storage.model.VolumeStatus;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.driver.runtime.DriverCatalog;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.Names;
import io.rune.storage.model.SnapshotSpec;
import io.rune.storage.store.Store;
import io.rune.storage.store.StoreReader;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/** Admission of Snapshots: an existing source volume whose driver can snapshot. */
final class SnapshotRules implements KindRules<SnapshotSpec> {
  private final DriverCatalog drivers;

  SnapshotRules(DriverCatalog drivers) {
    this.drivers = drivers;
  }

  @Override
  public Kind kind() {
    return Kind.SNAPSHOT;
  }

  @Override
  public Class<SnapshotSpec> specType() {
    return SnapshotSpec.class;
  }

  @Override
  public Future<SnapshotSpec> precheck(Principal principal, ResourceInput<SnapshotSpec> input) {
    SnapshotSpec.Source source = input.spec().source();
    if (source == null || source.volume() == null) {
      throw ApiException.invalid("source.volume", "source.volume names the volume to snapshot");
    }
    Validation.check(() -> Names.checkName("source.volume", source.volume()));
    if (source.namespace() != null) {
      Validation.check(() -> Names.checkName("source.namespace", source.namespace()));
    }
    return Future.succeededFuture(input.spec());
  }

  @Override
  public Future<JsonObject> admitCreate(StoreReader reads, Principal principal, String namespace, SnapshotSpec spec) {
    String sourceNamespace = spec.source().namespace() != null ? spec.source().namespace() : namespace;
    principal.checkRead(Kind.VOLUME, sourceNamespace);
    return reads.get(Kind.VOLUME, sourceNamespace, spec.source().volume()).compose(volume -> {
      if (volume == null) {
        throw ApiException.invalid("source.volume", "volume '" + spec.source().volume()
            + "' does not exist in namespace '" + sourceNamespace + "'");
      }
      if (VolumeStatus.of(volume).phase() == VolumeStatus.Phase.Deleting) {
        throw ApiException.invalidPhase("volume " + volume.key() + " is being deleted; it can no longer be"
            + " snapshotted");
      }
      String className = volume.spec().getString("storageClassName");
      return reads.get(Kind.STORAGE_CLASS, "", className).map(storageClass -> {
        String driver = storageClass == null ? null : storageClass.spec().getString("driver");
        boolean canSnapshot = driver != null
            && drivers.capabilities(driver).map(c -> c.snapshots()).orElse(false);
        if (!canSnapshot) {
          throw ApiException.unprocessable("SnapshotsUnsupported", "source.volume", "volume "
              + volume.key() + " uses class " + className
              + (driver == null ? ", which no longer exists" : " (driver '" + driver + "'), which cannot snapshot"));
        }
        return InputParser.toJson(new SnapshotSpec(new SnapshotSpec.Source(spec.source().volume(), sourceNamespace)));
      });
    });
  }

  @Override
  public Future<JsonObject> admitUpdate(StoreReader reads, Principal principal, ApiObject current, SnapshotSpec spec) {
    JsonObject was = current.spec().getJsonObject("source");
    String namespace = spec.source().namespace() != null ? spec.source().namespace() : current.namespace();
    if (!Objects.equals(was.getString("volume"), spec.source().volume())
        || !Objects.equals(was.getString("namespace"), namespace)) {
      throw ApiException.invalid("source", "a snapshot's source cannot change; create a new snapshot");
    }
    return Future.succeededFuture(current.spec());
  }

  @Override
  public Future<Void> admitDelete(StoreReader reads, Principal principal, ApiObject current,
      boolean cascade) {
    return Future.succeededFuture();
  }

  /**
   * Two-phase: the row is marked Deleting and stays until the snapshot controller has had
   * the driver delete the copy. Deleting twice is fine. A snapshot a restore may still read
   * is refused with 409 SnapshotInUse (see {@link #RESTORING}); the look for such restores
   * and the mark are one transaction under the change-log head, so no volume can start
   * restoring from it in between. A volume whose admission read the snapshot Ready just
   * before the mark, and was stored just after it, finds the snapshot Deleting when its
   * restore starts (RestoreSources checks again) and fails SnapshotNotReady, having read nothing.
   */
  @Override
  public Future<ApiObject> delete(Store store, ApiObject current, boolean cascade) {
    SnapshotStatus status = SnapshotStatus.of(current);
    if (status.phase() == SnapshotStatus.Phase.Deleting) {
      return Future.succeededFuture(current);
    }
    return store.write(tx -> tx.volumesRestoringFrom(current.namespace(), current.name(), RESTORING)
        .compose(readers -> {
          if (!readers.isEmpty()) {
            throw inUse(current, readers);
          }
          // The attempts are the deletion's, which starts now.
          return tx.update(current.withStatus(status.withAttempt(SnapshotStatus.Phase.Deleting, 0,
              VolumeStatus.DELETION_REQUESTED, "deletion requested: the copy is removed before the snapshot goes",
              null).toJson()));
        }));
  }

  /**
   * The phases of a volume restoring from a snapshot that has not yet got its data: it
   * reads the snapshot now (Pending, Provisioning), or will when its next attempt is due
   * (Failed) or when someone runs retry-provision (Stalled, or Failed with no retry time).
   * Such a volume has no data but the snapshot's, so it holds the snapshot until it is
   * populated (Available and after) or deleted (Deleting): deleting the snapshot would leave
   * it a volume that can never be restored.
   */
  static final List<String> RESTORING = Stream.of(VolumeStatus.Phase.Pending, VolumeStatus.Phase.Provisioning,
      VolumeStatus.Phase.Failed, VolumeStatus.Phase.Stalled).map(Enum::name).toList();

  private static ApiException inUse(ApiObject snapshot, List<ApiObject> readers) {
    ApiObject first = readers.get(0);
    String others = readers.size() == 1 ? "" : " and " + (readers.size() - 1) + " more volume"
        + (readers.size() == 2 ? "" : "s");
    return new ApiException(409, ApiException.SNAPSHOT_IN_USE, "snapshot " + snapshot.key() + " is being restored into volume "
        + first.key() + " (phase " + VolumeStatus.of(first).phase() + ")" + others
        + ": delete it when the restore has finished, or delete " + (readers.size() == 1 ? "that volume" : "those volumes")
        + " first", null);
  }

  @Override
  public JsonObject initialStatus() {
    return SnapshotStatus.from(null).toJson();
  }
}
