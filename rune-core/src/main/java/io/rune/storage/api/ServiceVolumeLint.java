package io.rune.storage.api;

import io.rune.storage.model.AccessMode;
import io.rune.storage.model.ClaimName;
import io.rune.storage.model.Names;
import io.rune.storage.model.Parameters;
import io.rune.storage.model.Quantity;
import io.rune.storage.model.ReclaimPolicy;
import io.rune.storage.model.ServiceSpec;
import io.rune.storage.model.ServiceSpec.ClaimTemplate;
import io.rune.storage.schedule.Schedule;
import io.rune.storage.model.ServiceSpec.ServiceVolume;
import io.rune.storage.model.UserText;
import io.rune.storage.security.MountPaths;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The checks of a Service that need nothing but its input: a sensible scale, and volumes
 * with their own names and mount directories, each either a claim or a claim template.
 * Fields are named as the user wrote them ({@code volumes[1].mountPath}).
 */
final class ServiceVolumeLint {
  /** More replicas than this is a typo, not a plan. */
  static final int MAX_SCALE = 1000;

  private ServiceVolumeLint() {}

  /**
   * Checks {@code spec} of the service {@code name} (null when a PUT leaves the name to the
   * path) and returns it with an omitted volume list as an empty one.
   */
  static ServiceSpec check(String name, ServiceSpec spec) {
    checkScale(spec.scale());
    List<ServiceVolume> volumes = spec.volumes() == null ? List.of() : spec.volumes();
    Map<String, Integer> names = new HashMap<>();
    Map<String, Integer> mountPaths = new HashMap<>();
    for (int i = 0; i < volumes.size(); i++) {
      String at = "volumes[" + i + "]";
      ServiceVolume volume = volumes.get(i);
      if (volume == null) {
        throw ApiException.invalid(at, at + " is empty: each volume needs a name, a mountPath, and a claim or"
            + " a claimTemplate");
      }
      Validation.check(() -> Names.checkName(at + ".name", volume.name()));
      Integer sameName = names.putIfAbsent(volume.name(), i);
      if (sameName != null) {
        throw ApiException.invalid(at + ".name", "volume name '" + volume.name() + "' is already used by"
            + " volumes[" + sameName + "]; each volume of a service needs its own name");
      }
      Validation.check(() -> MountPaths.checkMountPath(at + ".mountPath", volume.mountPath()));
      String directory = MountPaths.normalize(volume.mountPath());
      Integer samePath = mountPaths.putIfAbsent(directory, i);
      if (samePath != null) {
        throw ApiException.invalid(at + ".mountPath", at + ".mountPath " + UserText.quote(volume.mountPath()) + " is the same"
            + " directory (" + directory + ") as the mountPath of volume '" + volumes.get(samePath).name()
            + "'; mount each volume on its own directory");
      }
      checkSubPath(at + ".subPath", volume.subPath());
      if ((volume.claim() == null) == (volume.claimTemplate() == null)) {
        throw ApiException.invalid(at, "volume '" + volume.name() + "' needs exactly one of claim (an existing"
            + " volume, shared by every replica) or claimTemplate (one new volume per replica)"
            + (volume.claim() == null ? "; it has neither" : "; it has both"));
      }
      if (volume.claim() != null) {
        Validation.check(() -> ClaimName.parse(at + ".claim.name", volume.claim().name()));
      } else {
        checkTemplate(at + ".claimTemplate", volume.claimTemplate());
      }
    }
    ServiceSpec checked = new ServiceSpec(spec.scale(), volumes);
    if (name != null) {
      checkTemplateVolumeNames(name, checked);
    }
    return checked;
  }

  private static void checkScale(Integer scale) {
    String range = "the number of replicas, from 0 to " + MAX_SCALE;
    if (scale == null) {
      throw ApiException.invalid("scale", "scale is required: " + range);
    }
    if (scale < 0) {
      throw ApiException.invalid("scale", "scale " + scale + " is negative; it is " + range);
    }
    if (scale > MAX_SCALE) {
      throw ApiException.invalid("scale", "scale " + scale + " is too large; it is " + range);
    }
  }

  /** A directory inside the volume: relative, and never climbing out of it. */
  private static void checkSubPath(String field, String subPath) {
    if (subPath == null) {
      return;
    }
    if (subPath.isEmpty()) {
      throw ApiException.invalid(field, field + " is empty: omit it to mount the whole volume, or name a directory"
          + " inside the volume, such as logs");
    }
    if (subPath.startsWith("/")) {
      throw ApiException.invalid(field, field + " " + UserText.quote(subPath) + " is absolute: it is a directory inside the"
          + " volume, such as logs or data/db");
    }
    String control = UserText.controlCharacter(subPath);
    if (control != null) {
      throw ApiException.invalid(field, field + " holds " + control + "; it is a directory inside the volume, such as"
          + " logs");
    }
    for (String part : subPath.split("/")) {
      if (part.equals("..")) {
        throw ApiException.invalid(field, field + " " + UserText.quote(subPath) + " contains '..': it must stay inside the"
            + " volume, such as logs or data/db");
      }
    }
  }

  private static void checkTemplate(String at, ClaimTemplate template) {
    if (template.size() == null) {
      throw ApiException.invalid(at + ".size", at + ".size is required: the size of each replica's volume,"
          + " e.g. 10Gi");
    }
    Validation.check(() -> Quantity.parseBytes(at + ".size", template.size()));
    if (template.storageClassName() != null) {
      Validation.check(() -> Names.checkName(at + ".storageClassName", template.storageClassName()));
    }
    if (template.accessMode() != null && AccessMode.parse(template.accessMode()).isEmpty()) {
      throw ApiException.invalid(at + ".accessMode", at + ".accessMode must be ReadWriteOnce (RWO), ReadOnlyMany (ROX) or"
          + " ReadWriteMany (RWX), not " + UserText.quote(template.accessMode()));
    }
    if (template.reclaimPolicy() != null && ReclaimPolicy.parse(template.reclaimPolicy()).isEmpty()) {
      throw ApiException.invalid(at + ".reclaimPolicy", at + ".reclaimPolicy must be retain or delete, not "
          + UserText.quote(template.reclaimPolicy()));
    }
    Validation.check(() -> Parameters.check(at + ".parameters", template.parameters()));
    if (template.snapshotSchedule() != null) {
      Validation.check(() -> Schedule.parse(at + ".snapshotSchedule", template.snapshotSchedule()));
    }
    if (template.ownership() != null) {
      Validation.check(() -> template.ownership().check(at + "."));
    }
  }

  /**
   * The volumes made from a template are named {@code <volume>-<service>-<ordinal>}; every
   * one the scale asks for must be a valid name, or the controller could never make it.
   */
  static void checkTemplateVolumeNames(String service, ServiceSpec spec) {
    String lastOrdinal = Integer.toString(Math.max(spec.scale() - 1, 0));
    List<ServiceVolume> volumes = spec.volumes() == null ? List.of() : spec.volumes();
    for (int i = 0; i < volumes.size(); i++) {
      ServiceVolume volume = volumes.get(i);
      if (volume.claimTemplate() == null) {
        continue;
      }
      String longest = volume.name() + "-" + service + "-" + lastOrdinal;
      if (longest.length() > Names.MAX_LENGTH) {
        throw ApiException.invalid("volumes[" + i + "].name", "the volumes made from this claimTemplate are named"
            + " <volume>-<service>-<ordinal>, up to " + longest + " (" + longest.length() + " characters), which is"
            + " over the limit of " + Names.MAX_LENGTH + "; shorten the volume or the service name");
      }
    }
  }
}
