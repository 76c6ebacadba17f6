package io.rune.storage.drivers.local;

import io.rune.storage.model.VolumeOwnership;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Gives a volume's root directory the owner and mode its volume asks for (fsUser, fsGroup,
 * fsMode), when the storage is made. Only the root: what is below it is the workload's.
 * Applying it again changes nothing, so a request repeated after a crash converges.
 * Blocking: call it on the driver's workers.
 */
final class VolumeOwnershipApplier {
  private VolumeOwnershipApplier() {}

  /** Null asks for nothing: the directory keeps what the driver made (root-owned, rwxr-xr-x). */
  static void apply(Path dir, VolumeOwnership ownership) throws IOException {
    if (ownership == null) {
      return;
    }
    // Not following links: a link put in the directory's place must not hand its target over.
    if (ownership.fsUser() != null) {
      Files.setAttribute(dir, "unix:uid", ownership.fsUser().intValue(), LinkOption.NOFOLLOW_LINKS);
    }
    if (ownership.fsGroup() != null) {
      Files.setAttribute(dir, "unix:gid", ownership.fsGroup().intValue(), LinkOption.NOFOLLOW_LINKS);
    }
    // The mode last: changing the owner clears the setuid and setgid bits a 4-digit mode may ask for.
    if (ownership.modeBits() != null) {
      Files.setAttribute(dir, "unix:mode", ownership.modeBits(), LinkOption.NOFOLLOW_LINKS);
    }
  }
}
