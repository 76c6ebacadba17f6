package io.rune.storage.drivers.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Snapshots in mode {@code btrfs}: a snapshot of a volume's subvolume is a read-only subvolume
 * snapshot, O(1) whatever the volume holds (it shares every extent until either side writes);
 * a restore is a writable snapshot of that snapshot with the new volume's own qgroup limit.
 * Blocking: run on the driver's workers.
 */
final class SubvolumeSnapshots {

  private SubvolumeSnapshots() {}

  /**
   * A read-only snapshot of the subvolume {@code volume} at {@code snapshot}, which does not
   * exist. It is made at its own name, with no partial to rename: btrfs makes a snapshot in one
   * transaction, committed before the call returns, so the name never stands for part of the
   * data, and a crash leaves the snapshot whole or not at all (a read-only partial could not be
   * removed as a tree by the start-up cleanup either). The source may be written meanwhile: the
   * snapshot is the volume at one instant, as after a power cut.
   */
  static void take(Path volume, Path snapshot) throws IOException {
    Commands.run("taking a read-only snapshot of subvolume " + volume, List.of("btrfs", "subvolume", "snapshot",
        "-r", volume.toString(), snapshot.toString()));
  }

  /**
   * A writable snapshot of {@code snapshot} as the new volume {@code volume}, limited to
   * {@code sizeBytes}: made as a partial subvolume, limited, then renamed into place
   * ({@link PartialStorage}), so a crash leaves only the partial, which
   * {@link BtrfsSubvolumes#recover} deletes. Its root directory gets a new volume's mode.
   */
  static void restore(Path snapshot, Path volume, long sizeBytes, BtrfsSubvolumes subvolumes) throws IOException {
    PartialStorage.make(volume,
        partial -> Commands.run("restoring snapshot " + snapshot + " as subvolume " + partial,
            List.of("btrfs", "subvolume", "snapshot", snapshot.toString(), partial.toString())),
        partial -> BtrfsSubvolumes.limit(partial, sizeBytes),
        subvolumes::deleteSubvolume);
  }
}
