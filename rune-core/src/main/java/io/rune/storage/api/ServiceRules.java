package io.rune.storage.api;

import io.rune.storage.model.VolumeStatus;
import io.rune.storage.model.ServiceStatus;
import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.runtime.DriverCatalog;
import io.rune.storage.model.AccessMode;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.ClaimName;
import io.rune.storage.model.Kind;
import io.rune.storage.model.Quantity;
import io.rune.storage.model.ServiceSpec;
import io.rune.storage.model.ServiceSpec.ClaimTemplate;
import io.rune.storage.model.ServiceSpec.ServiceVolume;
import io.rune.storage.model.StorageClassSpec;
import io.rune.storage.store.Store;
import io.rune.storage.store.StoreReader;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Admission of Services, the cast-time lint of STORAGE.md: the input alone must make sense
 * ({@link ServiceVolumeLint}); every claimed volume must exist where the caller can see it
 * and be shareable by as many replicas as the scale asks for; every claim template must
 * name a class whose driver can do what the template asks. Deletion is two-phase, and a
 * cascade delete (which also removes the volumes made from the templates) is admin only.
 */
final class ServiceRules implements KindRules<ServiceSpec> {
  private final DriverCatalog drivers;

  ServiceRules(DriverCatalog drivers) {
    this.drivers = drivers;
  }

  @Override
  public Kind kind() {
    return Kind.SERVICE;
  }

  @Override
  public Class<ServiceSpec> specType() {
    return ServiceSpec.class;
  }

  @Override
  public Future<ServiceSpec> precheck(Principal principal, ResourceInput<ServiceSpec> input) {
    return Future.succeededFuture(ServiceVolumeLint.check(input.name(), input.spec()));
  }

  @Override
  public Future<JsonObject> admitCreate(StoreReader reads, Principal principal, String namespace, ServiceSpec spec) {
    return admit(reads, principal, namespace, spec, List.of());
  }

  @Override
  public Future<JsonObject> admitUpdate(StoreReader reads, Principal principal, ApiObject current, ServiceSpec spec) {
    if (ServiceStatus.of(current).phase() == ServiceStatus.Phase.Deleting) {
      throw ApiException.invalidPhase("service " + current.key() + " is being deleted; it can no longer change");
    }
    // A PUT may omit the name: the template names are checked again with the stored one.
    ServiceVolumeLint.checkTemplateVolumeNames(current.name(), spec);
    ServiceSpec was = InputParser.read(current.spec(), ServiceSpec.class);
    return admit(reads, principal, current.namespace(), spec, was.volumes() == null ? List.of() : was.volumes());
  }

  /** Checks each volume in order, so that the error is about the first one at fault. */
  private Future<JsonObject> admit(StoreReader reads, Principal principal, String namespace, ServiceSpec spec,
      List<ServiceVolume> before) {
    List<ServiceVolume> volumes = spec.volumes();
    List<ServiceVolume> admitted = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < volumes.size(); i++) {
      String at = "volumes[" + i + "]";
      ServiceVolume volume = volumes.get(i);
      ServiceVolume was = before.stream().filter(v -> v.name().equals(volume.name())).findFirst().orElse(null);
      chain = chain.compose(v -> admitVolume(reads, principal, namespace, spec.scale(), at, volume, was))
          .map(done -> {
            admitted.add(done);
            return null;
          });
    }
    return chain.map(v -> InputParser.toJson(new ServiceSpec(spec.scale(), admitted)));
  }

  private Future<ServiceVolume> admitVolume(StoreReader reads, Principal principal, String namespace, int scale,
      String at, ServiceVolume volume, ServiceVolume was) {
    boolean readOnly = Boolean.TRUE.equals(volume.readOnly());
    if (volume.claim() != null) {
      if (was != null && was.claimTemplate() != null) {
        throw ApiException.invalid(at, "volume '" + volume.name() + "' was made from a claimTemplate and cannot"
            + " become a claim: its per-replica volumes keep the template they were made with; claim the"
            + " volume under a new volume name");
      }
      return checkClaim(reads, principal, namespace, scale, at, volume, readOnly).map(v ->
          new ServiceVolume(volume.name(), volume.mountPath(), readOnly, volume.subPath(), volume.claim(), null));
    }
    ClaimTemplate before = was != null ? was.claimTemplate() : null;
    ClaimTemplate template = before != null
        ? unchangedTemplate(at + ".claimTemplate", volume.name(), before, volume.claimTemplate())
        : volume.claimTemplate();
    return admitTemplate(reads, at + ".claimTemplate", template, before).map(admitted ->
        new ServiceVolume(volume.name(), volume.mountPath(), readOnly, volume.subPath(), null, admitted));
  }

  /**
   * The claimed volume must exist in a namespace the caller may read; a volume the caller
   * cannot see gets the same answer as a missing one, so that nothing is revealed.
   */
  private static Future<Void> checkClaim(StoreReader reads, Principal principal, String namespace, int scale,
      String at, ServiceVolume volume, boolean readOnly) {
    String field = at + ".claim.name";
    ClaimName claim = Validation.check(() -> ClaimName.parse(field, volume.claim().name()));
    String volumeNamespace = claim.namespaceOr(namespace);
    ApiException missing = ApiException.invalid(field, "volume '" + claim.volume() + "' does not exist in namespace '"
        + volumeNamespace + "'; create the volume first, or use a claimTemplate to make one per replica");
    if (!principal.canSee(volumeNamespace)) {
      return Future.failedFuture(missing);
    }
    return reads.get(Kind.VOLUME, volumeNamespace, claim.volume()).map(found -> {
      if (found == null) {
        throw missing;
      }
      if (VolumeStatus.of(found).phase() == VolumeStatus.Phase.Deleting) {
        throw new ApiException(409, "InvalidPhase", "volume " + found.key() + " is being deleted; it can no longer"
            + " be claimed", field);
      }
      String mode = found.spec().getString("accessMode", AccessMode.ReadWriteOnce.name());
      if (scale > 1 && !shareable(mode, readOnly)) {
        throw ApiException.unprocessable("ScaleRequiresShareableVolume", field, notShareable(found, mode, scale));
      }
      return null;
    });
  }

  /** Whether replicas on several nodes may mount a volume of {@code mode} at once. */
  static boolean shareable(String mode, boolean readOnly) {
    return AccessMode.ReadWriteMany.name().equals(mode)
        || (AccessMode.ReadOnlyMany.name().equals(mode) && readOnly);
  }

  private static String notShareable(ApiObject volume, String mode, int scale) {
    if (AccessMode.ReadOnlyMany.name().equals(mode)) {
      return "volume " + volume.key() + " is ReadOnlyMany: replicas may share it only read-only, and this"
          + " service has scale " + scale + " with a writable mount; set readOnly: true, set scale: 1, or claim"
          + " a ReadWriteMany volume";
    }
    return "volume " + volume.key() + " is " + mode + ": only one replica can mount it, and this service has"
        + " scale " + scale + "; set scale: 1, claim a ReadOnlyMany or ReadWriteMany volume, or use a"
        + " claimTemplate to give each replica its own volume";
  }

  /**
   * A template of a volume entry that already existed may be restated but not changed, except
   * for a larger size, which grows the volumes made from it (checked in {@link #admitTemplate}):
   * they keep the rest. Omitted fields mean "as before".
   */
  private static ClaimTemplate unchangedTemplate(String at, String volumeName, ClaimTemplate was, ClaimTemplate now) {
    boolean sameSize = Quantity.parseBytes(at + ".size", now.size()) == Quantity.parseBytes(at + ".size", was.size());
    ClaimTemplate merged = new ClaimTemplate(
        Objects.requireNonNullElse(now.storageClassName(), was.storageClassName()),
        was.size(),
        Objects.requireNonNullElse(now.accessMode(), was.accessMode()),
        Objects.requireNonNullElse(now.reclaimPolicy(), was.reclaimPolicy()),
        now.parameters() != null ? now.parameters() : was.parameters(),
        now.snapshotSchedule() != null ? now.snapshotSchedule() : was.snapshotSchedule(),
        now.fsUser() != null ? now.fsUser() : was.fsUser(),
        now.fsGroup() != null ? now.fsGroup() : was.fsGroup(),
        now.fsMode() != null ? now.fsMode() : was.fsMode());
    if (!merged.equals(was)) {
      throw ApiException.invalid(at, "the claimTemplate of volume '" + volumeName + "' cannot change (it is "
          + InputParser.toJson(was).encode() + "): the volumes already made from it keep it; to use a different"
          + " template, add it under a new volume name");
    }
    return sameSize ? was : new ClaimTemplate(was.storageClassName(), now.size(), was.accessMode(),
        was.reclaimPolicy(), was.parameters(), was.snapshotSchedule(), was.fsUser(), was.fsGroup(), was.fsMode());
  }

  /**
   * Checks a template against its class's driver and fills the defaults, as VolumeRules does
   * for a volume; a template that was there {@code before} may only grow, where the driver can expand.
   */
  private Future<ClaimTemplate> admitTemplate(StoreReader reads, String at, ClaimTemplate template,
      ClaimTemplate before) {
    String classField = at + ".storageClassName";
    Future<ApiObject> storageClass = template.storageClassName() != null
        ? reads.get(Kind.STORAGE_CLASS, "", template.storageClassName())
        : reads.defaultStorageClass();
    return storageClass.map(found -> {
      if (found == null) {
        throw ApiException.invalid(classField, template.storageClassName() == null
            ? "there is no default StorageClass: name one in " + classField + ", or ask an admin to set a default"
            : "StorageClass '" + template.storageClassName() + "' does not exist; list them with GET"
                + " /api/v1/storageclasses");
      }
      StorageClassSpec cls = InputParser.read(found.spec(), StorageClassSpec.class);
      String driver = cls.driver();
      DriverCapabilities caps = drivers.capabilities(driver).orElseThrow(() -> ApiException.invalid(classField,
          "class " + found.name() + " uses driver '" + driver + "', which this server does not have"));
      // The capability codes first: they say what the driver cannot do, whatever else is wrong.
      String mode = template.accessMode() != null ? template.accessMode() : AccessMode.ReadWriteOnce.name();
      if (!caps.accessModes().contains(AccessMode.valueOf(mode))) {
        throw ApiException.unprocessable("UnsupportedAccessMode", at + ".accessMode", "driver '" + driver
            + "' (class " + found.name() + ") does not support " + mode + "; it supports "
            + caps.accessModes().stream().sorted().map(Enum::name).toList());
      }
      String reclaim = template.reclaimPolicy() != null ? template.reclaimPolicy()
          : Objects.requireNonNullElse(cls.reclaimPolicy(), "retain");
      if ("delete".equals(reclaim) && !caps.delete()) {
        throw ApiException.unprocessable("DeleteUnsupported", at + ".reclaimPolicy", "driver '" + driver
            + "' (class " + found.name() + ") never deletes storage; use reclaimPolicy retain");
      }
      if (before != null) {
        VolumeRules.checkGrowth(at + ".size", found, caps, before.size(), template.size());
      }
      if (template.snapshotSchedule() != null && !caps.snapshots()) {
        throw VolumeRules.snapshotsUnsupported(at + ".snapshotSchedule", found, driver);
      }
      if (caps.hostPaths()) {
        throw ApiException.invalid(classField, "class " + found.name() + " (driver '" + driver + "') mounts existing"
            + " host directories, which a claimTemplate cannot name; create the volume with its hostPath and"
            + " mount it with claim, or choose another class");
      }
      OwnershipLint.checkSupported(at + ".", template.ownership(), caps, found, driver);
      return new ClaimTemplate(found.name(), template.size(), mode, reclaim,
          template.parameters() == null ? Map.of() : template.parameters(), template.snapshotSchedule(),
          template.fsUser(), template.fsGroup(), template.fsMode());
    });
  }

  /** Only the caller's right to ask for cascade is checked here; the controller does the rest. */
  @Override
  public Future<Void> admitDelete(StoreReader reads, Principal principal, ApiObject current, boolean cascade) {
    if (cascade && !principal.isAdmin()) {
      throw ApiException.forbidden("deleting service " + current.key() + " with cascade=true (which also deletes"
          + " the volumes made from its claimTemplates) needs an admin token; this token's role is "
          + principal.role() + ". Delete it without cascade to keep its volumes");
    }
    return Future.succeededFuture();
  }

  @Override
  public boolean cascades() {
    return true;
  }

  /**
   * Two-phase: the row is marked Deleting, with the cascade asked for, and the service
   * controller removes it (after the owned volumes, with cascade). Deleting twice returns
   * the object as it is, except that a second delete may add cascade.
   */
  @Override
  public Future<ApiObject> delete(Store store, ApiObject current, boolean cascade) {
    ServiceStatus status = ServiceStatus.of(current);
    if (status.phase() == ServiceStatus.Phase.Deleting) {
      if (!cascade || status.cascades()) {
        return Future.succeededFuture(current);
      }
      return store.update(current.withStatus(status.withCascade(true).withMessage(message(true)).toJson()));
    }
    return store.update(current.withStatus(status.withPhase(ServiceStatus.Phase.Deleting).withCascade(cascade)
        .withReason(VolumeStatus.DELETION_REQUESTED).withMessage(message(cascade))
        .withLastTransitionAt(Instant.now()).toJson()));
  }

  private static String message(boolean cascade) {
    return cascade
        ? "deletion requested with cascade: the volumes made from its claimTemplates are deleted before the"
            + " service goes"
        : "deletion requested: its replicas stop and every volume it used is kept (Released)";
  }

  @Override
  public JsonObject initialStatus() {
    return ServiceStatus.from(null).toJson();
  }
}
