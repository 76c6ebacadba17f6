package io.rune.storage.api;

import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.model.VolumeStatus;
import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.runtime.DriverCatalog;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.model.AccessMode;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Kind;
import io.rune.storage.model.Names;
import io.rune.storage.model.Parameters;
import io.rune.storage.model.Quantity;
import io.rune.storage.model.ReclaimPolicy;
import io.rune.storage.model.StorageClassSpec;
import io.rune.storage.model.Topology;
import io.rune.storage.model.VolumeSpec;
import io.rune.storage.model.UserText;
import io.rune.storage.schedule.Schedule;
import io.rune.storage.security.HostPathPolicy;
import io.rune.storage.store.StorageClassView;
import io.rune.storage.store.Store;
import io.rune.storage.store.StoreReader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Admission of Volumes: a size that makes sense, a class that exists, and nothing the
 * class's driver cannot do (access mode, deletion, snapshots, host paths, topology).
 */
final class VolumeRules implements KindRules<VolumeSpec> {
  private final Vertx vertx;
  private final StorageClassView classes;
  private final DriverCatalog drivers;
  private final HostPathPolicy hostPaths;
  private final boolean allowCreateMissing;

  VolumeRules(Vertx vertx, StorageClassView classes, DriverCatalog drivers, HostPathPolicy hostPaths,
      boolean allowCreateMissing) {
    this.vertx = vertx;
    this.classes = classes;
    this.allowCreateMissing = allowCreateMissing;
    this.drivers = drivers;
    this.hostPaths = hostPaths;
  }

  @Override
  public Kind kind() {
    return Kind.VOLUME;
  }

  @Override
  public Class<VolumeSpec> specType() {
    return VolumeSpec.class;
  }

  @Override
  public Future<VolumeSpec> precheck(Principal principal, ResourceInput<VolumeSpec> input) {
    VolumeSpec spec = input.spec();
    if (spec.size() == null) {
      throw ApiException.invalid("size", "size is required, e.g. 10Gi");
    }
    Validation.check(() -> Quantity.parseBytes("size", spec.size()));
    if (spec.storageClassName() != null) {
      Validation.check(() -> Names.checkName("storageClassName", spec.storageClassName()));
    }
    if (spec.accessMode() != null && AccessMode.parse(spec.accessMode()).isEmpty()) {
      throw ApiException.invalid("accessMode",
          "accessMode must be ReadWriteOnce (RWO), ReadOnlyMany (ROX) or ReadWriteMany (RWX), not "
          + UserText.quote(spec.accessMode()));
    }
    if (spec.reclaimPolicy() != null && ReclaimPolicy.parse(spec.reclaimPolicy()).isEmpty()) {
      throw ApiException.invalid("reclaimPolicy", "reclaimPolicy must be retain or delete, not "
          + UserText.quote(spec.reclaimPolicy()));
    }
    if (spec.topology() != null) {
      Validation.check(() -> Topology.checkLabels("topology", spec.topology()));
    }
    Validation.check(() -> Parameters.check("parameters", spec.parameters()));
    if (spec.snapshotSchedule() != null) {
      Validation.check(() -> Schedule.parse("snapshotSchedule", spec.snapshotSchedule()));
    }
    if (spec.ownership() != null) {
      Validation.check(() -> spec.ownership().check(""));
    }
    if (spec.source() != null) {
      checkSource(principal, input.namespace(), spec.source());
    }
    if (spec.hostPath() == null) {
      return Future.succeededFuture(spec);
    }
    // Resolving symlinks touches the file system: never on the event loop.
    return vertx.executeBlocking(() -> {
      java.nio.file.Path real = Validation.check(() -> hostPaths.check("hostPath", spec.hostPath()));
      boolean mayCreate = Boolean.TRUE.equals(spec.createIfMissing()) && allowCreateMissing;
      if (!mayCreate && !java.nio.file.Files.isDirectory(real)) {
        throw ApiException.invalid("hostPath", "hostPath \"" + spec.hostPath() + "\" is not an existing"
            + " directory: create it first, or set createIfMissing: true"
            + (allowCreateMissing ? "" : " (which also needs [storage] allowCreateMissing = true in the runefile)"));
      }
      return spec;
    }, false);
  }

  private static void checkSource(Principal principal, String namespace, VolumeSpec.Source source) {
    if (source.snapshot() == null) {
      throw ApiException.invalid("source.snapshot", "source.snapshot names the snapshot to restore from");
    }
    Validation.check(() -> Names.checkName("source.snapshot", source.snapshot()));
    if (source.namespace() != null) {
      Validation.check(() -> Names.checkName("source.namespace", source.namespace()));
    }
    principal.checkRead(Kind.SNAPSHOT, source.namespace() != null ? source.namespace() : namespace);
  }

  @Override
  public Future<JsonObject> admitCreate(StoreReader reads, Principal principal, String namespace, VolumeSpec spec) {
    Future<ApiObject> storageClass = spec.storageClassName() != null
        ? storageClass(reads, spec.storageClassName())
        : defaultStorageClass(reads).map(found -> {
          if (found == null) {
            throw ApiException.invalid("storageClassName", "there is no default StorageClass: name one in"
                + " storageClassName, or ask an admin to set a default");
          }
          return found;
        });
    return storageClass.compose(found -> {
      if (found == null) {
        throw ApiException.invalid("storageClassName", "StorageClass '" + spec.storageClassName()
            + "' does not exist; list them with GET /api/v1/storageclasses");
      }
      return hostDirectory(found, spec).compose(dir -> {
        VolumeSpec admitted = admit(found, spec, dir);
        return checkRestoreSource(reads, namespace, admitted, capabilities(found), found.spec().getString("driver"))
            .map(v -> InputParser.toJson(admitted));
      });
    });
  }

  @Override
  public Future<JsonObject> admitUpdate(StoreReader reads, Principal principal, ApiObject current, VolumeSpec spec) {
    if (isDeleting(current)) {
      throw ApiException.invalidPhase("volume " + current.key() + " is being deleted; it can no longer change");
    }
    VolumeSpec was = InputParser.read(current.spec(), VolumeSpec.class);
    immutable("storageClassName", was.storageClassName(), spec.storageClassName());
    immutable("accessMode", was.accessMode(), spec.accessMode());
    immutable("hostPath", was.hostPath(), spec.hostPath());
    OwnershipLint.checkUnchanged(was.ownership(), spec.ownership());
    if (!Objects.equals(was.source(), spec.source())) {
      throw ApiException.invalid("source", "source cannot change after creation");
    }
    return storageClass(reads, was.storageClassName()).compose(found -> {
      if (found == null) {
        throw ApiException.invalid("storageClassName", "StorageClass '" + was.storageClassName()
            + "' no longer exists; this volume cannot be changed until it does");
      }
      checkGrowth("size", found, was.size(), spec.size());
      VolumeSpec merged = new VolumeSpec(was.storageClassName(), spec.size(), was.accessMode(),
          spec.reclaimPolicy(), spec.parameters(), was.hostPath(), spec.createIfMissing(),
          spec.topology(), was.source(), spec.snapshotSchedule(), was.fsUser(), was.fsGroup(), was.fsMode());
      return hostDirectory(found, merged).map(dir -> InputParser.toJson(admit(found, merged, dir)));
    });
  }

  /**
   * Class {@code name} as admission reads it: from this node's view when the write is the
   * store's own; inside a transaction (an apply, a rehearsal) from the transaction, which may
   * hold classes it wrote itself.
   */
  private Future<ApiObject> storageClass(StoreReader reads, String name) {
    return reads == classes.store() ? classes.get(name) : reads.get(Kind.STORAGE_CLASS, "", name);
  }

  private Future<ApiObject> defaultStorageClass(StoreReader reads) {
    return reads == classes.store() ? classes.defaultClass() : reads.defaultStorageClass();
  }

  /** A larger size starts the volume's growth in the same write (the volume controller does it). */
  @Override
  public Future<ApiObject> update(Store store, io.rune.storage.store.StoreTx tx, ApiObject next, VolumeSpec spec) {
    VolumeStatus status = VolumeStatus.of(next);
    VolumeStatus after = status.afterSizeWrite(next.spec().getString("size"));
    return KindRules.super.update(store, tx, after == status ? next : next.withStatus(after.toJson()), spec);
  }

  @Override
  public Future<Void> admitDelete(StoreReader reads, Principal principal, ApiObject current,
      boolean cascade) {
    if (isBound(current)) {
      throw new ApiException(409, "VolumeInUse", "volume " + current.key() + " is bound to "
          + VolumeStatus.of(current).boundClaim() + "; detach it first", null);
    }
    return Future.succeededFuture();
  }

  /**
   * Two-phase: the row is marked Deleting and stays until the volume controller has
   * reclaimed the storage as the reclaimPolicy says. Deleting twice is fine.
   */
  @Override
  public Future<ApiObject> delete(Store store, ApiObject current, boolean cascade) {
    if (isDeleting(current)) {
      return Future.succeededFuture(current);
    }
    return store.update(markedDeleting(current));
  }

  /** A Bound volume is in use by a replica: it cannot be deleted until it is detached. */
  static boolean isBound(ApiObject volume) {
    return VolumeStatus.of(volume).phase() == VolumeStatus.Phase.Bound;
  }

  static boolean isDeleting(ApiObject volume) {
    return VolumeStatus.of(volume).phase() == VolumeStatus.Phase.Deleting;
  }

  /**
   * The volume as a DELETE leaves it, to be written at its version: phase Deleting, reason
   * DeletionRequested, and a message saying what its reclaimPolicy will do with the storage.
   */
  static ApiObject markedDeleting(ApiObject volume) {
    String reclaimPolicy = volume.spec().getString("reclaimPolicy", "retain");
    // The attempts are the deletion's, which starts now.
    return volume.withStatus(VolumeStatus.of(volume).withAttempt(VolumeStatus.Phase.Deleting, 0,
        VolumeStatus.DELETION_REQUESTED, "deletion requested; reclaimPolicy " + reclaimPolicy + ": the storage is "
            + ("delete".equals(reclaimPolicy) ? "removed" : "kept") + " before the volume goes", null)
        .withLastTransitionAt(Instant.now()).toJson());
  }

  @Override
  public JsonObject initialStatus() {
    return VolumeStatus.from(null).withLastTransitionAt(Instant.now()).toJson();
  }

  /**
   * A size may stay or grow, never shrink, and grow only where the class's driver can expand
   * volumes: growth that could never happen is refused, not stored. {@code field} names the
   * size (a volume's, or a claimTemplate's).
   */
  static void checkGrowth(String field, ApiObject storageClass, DriverCapabilities caps, String was, String now) {
    long before = Quantity.parseBytes(field, was);
    long after = Validation.check(() -> Quantity.parseBytes(field, now));
    if (after < before) {
      throw ApiException.invalid(field, "volumes cannot shrink: " + now + " is below the current " + was);
    }
    if (after > before && !caps.expand()) {
      throw ApiException.unprocessable("ExpandUnsupported", field, "driver '" + storageClass.spec().getString("driver")
          + "' (class " + storageClass.name() + ") cannot expand volumes; " + field + " must stay " + was);
    }
  }

  private void checkGrowth(String field, ApiObject storageClass, String was, String now) {
    checkGrowth(field, storageClass, capabilities(storageClass), was, now);
  }

  /** Checks the spec against its class's driver and fills the defaults. */
  private VolumeSpec admit(ApiObject storageClass, VolumeSpec spec, HostDirectory dir) {
    StorageClassSpec cls = InputParser.read(storageClass.spec(), StorageClassSpec.class);
    DriverCapabilities caps = capabilities(storageClass);
    String driver = cls.driver();
    String accessMode = spec.accessMode() != null ? spec.accessMode() : AccessMode.ReadWriteOnce.name();
    if (!caps.accessModes().contains(AccessMode.valueOf(accessMode))) {
      throw ApiException.unprocessable("UnsupportedAccessMode", "accessMode", "driver '" + driver
          + "' (class " + storageClass.name() + ") does not support " + accessMode + "; it supports "
          + caps.accessModes());
    }
    String reclaim = spec.reclaimPolicy() != null ? spec.reclaimPolicy() : cls.reclaimPolicy();
    if ("delete".equals(reclaim) && !caps.delete()) {
      throw ApiException.unprocessable("DeleteUnsupported", "reclaimPolicy", "driver '" + driver
          + "' never deletes storage; use reclaimPolicy retain");
    }
    boolean hostPathDriver = caps.hostPaths();
    if (hostPathDriver && spec.hostPath() == null) {
      throw ApiException.invalid("hostPath", "a volume of driver " + driver + " needs hostPath: the host"
          + " directory to use");
    }
    if (!hostPathDriver && spec.hostPath() != null) {
      throw ApiException.invalid("hostPath", "hostPath is only for drivers of host directories (such as local-host); class "
          + storageClass.name() + " uses driver '" + driver + "'");
    }
    if (spec.snapshotSchedule() != null && !caps.snapshots()) {
      throw snapshotsUnsupported("snapshotSchedule", storageClass, driver);
    }
    OwnershipLint.checkSupported("", spec.ownership(), caps, storageClass, driver);
    if (!hostPathDriver && spec.createIfMissing() != null) {
      throw ApiException.invalid("createIfMissing", "createIfMissing is only for drivers of host directories (such as local-host)");
    }
    Map<String, String> parameters = spec.parameters() == null ? Map.of() : spec.parameters();
    DriverProvider provider = drivers.provider(driver).orElseThrow();
    provider.checkVolumeParameters(parameters).ifPresent(problem -> {
      throw ApiException.invalid("parameters." + problem.parameter(), problem.message());
    });
    Map<String, String> classTopology = provider.classTopology(cls.parameters());
    Map<String, String> topology = new java.util.HashMap<>(spec.topology() == null ? Map.of() : spec.topology());
    for (Map.Entry<String, String> label : classTopology.entrySet()) {
      String asked = topology.putIfAbsent(label.getKey(), label.getValue());
      if (asked != null && !asked.equals(label.getValue())) {
        throw ApiException.unprocessable("TopologyNotAllowed", "topology", "topology " + label.getKey() + "="
            + asked + " cannot be met: every volume of class " + storageClass.name() + " is in " + label.getKey()
            + "=" + label.getValue());
      }
    }
    if (dir != null) {
      dir.checkAgainst(storageClass.name(), cls.allowedTopologies(), topology);
    }
    if (!Topology.allows(cls.allowedTopologies(), topology)) {
      throw ApiException.unprocessable("TopologyNotAllowed", "topology", "topology " + topology
          + " is outside the allowedTopologies of class " + storageClass.name());
    }
    return new VolumeSpec(storageClass.name(), spec.size(), accessMode, reclaim,
        spec.parameters() == null ? Map.of() : spec.parameters(), spec.hostPath(), spec.createIfMissing(),
        spec.topology(), spec.source(), spec.snapshotSchedule(), spec.fsUser(), spec.fsGroup(), spec.fsMode());
  }

  /**
   * A volume restored from a snapshot needs a Ready snapshot, a class whose driver is the
   * snapshot's (a driver restores only its own snapshots), and room for the snapshot's data.
   */
  private Future<Void> checkRestoreSource(StoreReader reads, String namespace, VolumeSpec spec, DriverCapabilities caps,
      String driver) {
    if (spec.source() == null) {
      return Future.succeededFuture();
    }
    if (!caps.snapshots()) {
      throw ApiException.unprocessable("SnapshotsUnsupported", "source", "class " + spec.storageClassName()
          + " cannot restore snapshots; choose a class whose driver supports snapshots");
    }
    String sourceNamespace = spec.source().namespace() != null ? spec.source().namespace() : namespace;
    return reads.get(Kind.SNAPSHOT, sourceNamespace, spec.source().snapshot()).map(snapshot -> {
      if (snapshot == null) {
        throw ApiException.invalid("source.snapshot", "snapshot '" + spec.source().snapshot()
            + "' does not exist in namespace '" + sourceNamespace + "'");
      }
      SnapshotStatus status = SnapshotStatus.of(snapshot);
      if (status.phase() != SnapshotStatus.Phase.Ready) {
        throw ApiException.unprocessable("SnapshotNotReady", "source.snapshot", "snapshot " + snapshot.key()
            + " is " + status.phase() + "; a volume can be restored only from a Ready snapshot");
      }
      if (!driver.equals(status.driver())) {
        throw ApiException.unprocessable("RestoreUnsupported", "storageClassName", "snapshot " + snapshot.key()
            + " was taken by driver '" + status.driver() + "', and class " + spec.storageClassName()
            + " uses driver '" + driver + "', which cannot restore it; choose a class of driver '"
            + status.driver() + "'");
      }
      long needed = status.sizeBytes() != null ? status.sizeBytes() : 0L;
      if (Quantity.parseBytes("size", spec.size()) < needed) {
        throw ApiException.invalid("size", "size " + spec.size() + " is smaller than snapshot " + snapshot.key()
            + " (" + Quantity.format(needed) + "); ask for at least that");
      }
      return null;
    });
  }

  /**
   * The host directory of a volume of a host-path driver, resolved off the event loop, and
   * the root it lies under: the innermost hostPathAllowlist entry (what the driver reports
   * as its {@value Topology#HOST_PATH_ROOT}), else the directory itself. Null for others.
   */
  private Future<HostDirectory> hostDirectory(ApiObject storageClass, VolumeSpec spec) {
    if (spec.hostPath() == null || !capabilities(storageClass).hostPaths()) {
      return Future.succeededFuture(null);
    }
    return vertx.executeBlocking(() -> {
      Path real = Validation.check(() -> hostPaths.check("hostPath", spec.hostPath()));
      return new HostDirectory(spec.hostPath(), real, hostPaths.allowlistEntryOf(real).orElse(real).toString());
    }, false);
  }

  /** A schedule (a volume's, a claimTemplate's at {@code field}) on a class whose driver cannot snapshot. */
  static ApiException snapshotsUnsupported(String field, ApiObject storageClass, String driver) {
    return ApiException.unprocessable("SnapshotsUnsupported", field, "driver '" + driver + "' (class "
        + storageClass.name() + ") cannot take snapshots, so " + field + " could never run; choose a class"
        + " whose driver supports snapshots, or leave " + field + " out");
  }

  private DriverCapabilities capabilities(ApiObject storageClass) {
    String driver = storageClass.spec().getString("driver");
    return drivers.capabilities(driver).orElseThrow(() -> ApiException.invalid("storageClassName",
        "class " + storageClass.name() + " uses driver '" + driver + "', which this server does not have"));
  }

  private static void immutable(String field, String was, String now) {
    if (now != null && !now.equals(was)) {
      throw ApiException.invalid(field, field + " cannot change after creation (it is '" + was + "')");
    }
  }
}
