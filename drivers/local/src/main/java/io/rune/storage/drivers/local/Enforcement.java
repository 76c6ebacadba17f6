package io.rune.storage.drivers.local;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How the local driver keeps a volume to its size; the name is what the runefile's
 * {@code [storage.drivers.local] enforcement} and a volume's usage say.
 */
enum Enforcement {
  /** Each volume a btrfs subvolume with a qgroup limit. */
  BTRFS("btrfs"),
  /** Each volume directory an XFS project with a hard block limit. */
  XFS_QUOTA("xfs-quota"),
  /** Each volume an ext4 image file of its size, loop-mounted on its directory. */
  LOOP("loop"),
  /** Plain directories: nothing keeps a volume to its size. */
  NONE("none");

  final String wireName;

  Enforcement(String wireName) {
    this.wireName = wireName;
  }

  static Optional<Enforcement> named(String name) {
    return Arrays.stream(values()).filter(mode -> mode.wireName.equals(name)).findFirst();
  }

  static List<String> names() {
    return Arrays.stream(values()).map(mode -> mode.wireName).toList();
  }
}
