package io.rune.storage.api;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.VolumeOwnership;
import java.util.Objects;

/**
 * What a volume's (or a claimTemplate's) fsUser, fsGroup and fsMode may ask beyond their form:
 * a driver that sets them, and no change once the storage is made, since they are applied
 * then and only then. {@code prefix} is where the fields are: empty for a volume,
 * {@code volumes[0].claimTemplate.} for a template.
 */
final class OwnershipLint {
  private OwnershipLint() {}

  static void checkSupported(String prefix, VolumeOwnership ownership, DriverCapabilities caps, ApiObject storageClass,
      String driver) {
    if (ownership == null || caps.ownership()) {
      return;
    }
    String field = prefix + firstPart(ownership);
    String why = caps.hostPaths()
        ? " (a host directory belongs to its operator: set its owner and mode on the host)"
        : "";
    throw ApiException.unprocessable("OwnershipUnsupported", field, "driver '" + driver + "' (class "
        + storageClass.name() + ") does not set the owner or mode of a volume's storage" + why + ", so " + field
        + " could never be applied; leave fsUser, fsGroup and fsMode out, or choose a class whose driver sets them"
        + " (such as local)");
  }

  /**
   * A volume's PUT may restate its ownership or leave it out; a different value is refused.
   * (A claimTemplate's is part of the template, which cannot change as a whole.)
   */
  static void checkUnchanged(VolumeOwnership was, VolumeOwnership now) {
    if (now == null) {
      return;
    }
    VolumeOwnership before = was != null ? was : new VolumeOwnership(null, null, null);
    unchanged("fsUser", before.fsUser(), now.fsUser());
    unchanged("fsGroup", before.fsGroup(), now.fsGroup());
    unchanged("fsMode", before.fsMode(), now.fsMode());
  }

  private static void unchanged(String field, Object was, Object now) {
    if (now != null && !Objects.equals(was, now)) {
      throw ApiException.invalid(field, field + " is applied when the storage is made and cannot change (it is "
          + (was == null ? "not set" : "'" + was + "'") + "); to use " + now + ", make a new volume");
    }
  }

  private static String firstPart(VolumeOwnership ownership) {
    return ownership.fsUser() != null ? "fsUser" : ownership.fsGroup() != null ? "fsGroup" : "fsMode";
  }
}
