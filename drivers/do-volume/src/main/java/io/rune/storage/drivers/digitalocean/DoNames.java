package io.rune.storage.drivers.digitalocean;

import java.util.List;

/**
 * The names and labels a Rune volume or snapshot gets at DigitalOcean. Names derive from
 * the uid, so the same request finds the same volume again (that is what makes provision
 * idempotent) and a new volume never adopts old storage; description and tags say which
 * namespace and volume it belongs to, for whoever looks in the DigitalOcean console.
 */
final class DoNames {
  /** DigitalOcean's rule for volume names: lowercase letters, digits and '-', a letter first, at most 64. */
  static final String NAME_RULE = "[a-z][a-z0-9-]{0,63}";

  private DoNames() {}

  /** {@code rune-<uid>}: 41 characters of lowercase letters, digits and '-'. */
  static String volume(String uid) {
    return checked("rune-" + uid);
  }

  static String snapshot(String uid) {
    return checked("rune-snap-" + uid);
  }

  static String description(String namespace, String name) {
    return "Rune volume " + namespace + "/" + name;
  }

  /** Tags may hold letters, digits, ':', '-' and '_'; namespaces and names are DNS labels, so they fit. */
  static List<String> tags(String namespace, String name) {
    return List.of("rune", "rune-namespace:" + namespace, "rune-volume:" + name);
  }

  /** The device a volume appears as on its droplet. */
  static String device(String volumeName) {
    return "/dev/disk/by-id/scsi-0DO_Volume_" + volumeName;
  }

  private static String checked(String name) {
    if (!name.matches(NAME_RULE)) {
      throw new IllegalArgumentException("'" + name + "' is not a valid DigitalOcean volume name");
    }
    return name;
  }
}
