package io.rune.storage.drivers.local;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MadeSnapshot;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * How the local driver takes, restores and deletes snapshots in its enforcement mode, and
 * which method that is ({@link MadeSnapshot#method()}):
 *
 * <ul>
 *   <li>{@code btrfs}, a volume that is a subvolume: a read-only subvolume snapshot
 *       ({@code subvolume}, {@link SubvolumeSnapshots});
 *   <li>{@code loop}, a volume with an image: a copy of the image, its file system frozen
 *       meanwhile ({@link ImageSnapshots});
 *   <li>otherwise (modes none and xfs-quota, and volumes made before their root's mode): a
 *       complete copy of the tree ({@link CompleteCopy}).
 * </ul>
 *
 * The copies clone files where the root's file system can ({@code reflink}), else copy every
 * byte ({@code copy}). Each kind of snapshot is restored in the way it was taken, into a
 * volume of the same kind. Blocking: run on the driver's workers.
 */
final class LocalSnapshots {

  /** Whether copies below the root clone files: asked at the first copy, then fixed. */
  interface Clones {
    boolean clones() throws IOException;
  }

  private final ManagedRoot root;
  private final VolumeStorage storage;
  private final Clones clones;

  LocalSnapshots(ManagedRoot root, VolumeStorage storage, Clones clones) {
    this.root = root;
    this.storage = storage;
    this.clones = clones;
  }

  /**
   * Takes a snapshot of the volume directory {@code volume} at {@code snapshot} (where its
   * directory, or its image, goes), which an earlier attempt did not finish; says how.
   */
  String take(Path volume, Path snapshot, CopyProgress progress) throws IOException {
    if (storage instanceof BtrfsSubvolumes && BtrfsSubvolumes.isSubvolume(volume)) {
      SubvolumeSnapshots.take(volume, snapshot);
      return MadeSnapshot.SUBVOLUME;
    }
    if (storage instanceof LoopImages loop && Files.exists(loop.imageOf(volume), LinkOption.NOFOLLOW_LINKS)) {
      ImageSnapshots.take(volume, loop.imageOf(volume), snapshot, clones.clones());
      return copyMethod();
    }
    CompleteCopy.copy(volume, snapshot, progress, clones.clones());
    return copyMethod();
  }

  /**
   * How the snapshot {@code handle} at {@code snapshot} was made, when an earlier request made
   * it; null when there is none. (Only the kind is known again: subvolume, or a copy, which
   * is taken to be made as copies are made here now.)
   */
  String finished(String handle, Path snapshot) throws IOException {
    if (Files.exists(ImageSnapshots.imageOf(snapshot), LinkOption.NOFOLLOW_LINKS)) {
      return copyMethod();
    }
    if (!Files.exists(snapshot, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    if (!Files.isDirectory(snapshot, LinkOption.NOFOLLOW_LINKS)) {
      throw root.notADirectory(ManagedRoot.Kind.SNAPSHOT, handle, snapshot);
    }
    return BtrfsSubvolumes.isSubvolume(snapshot) ? MadeSnapshot.SUBVOLUME : copyMethod();
  }

  /**
   * Makes the new volume {@code volume} (which does not exist) of {@code sizeBytes} from the
   * snapshot at {@code snapshot}, in the way the snapshot was taken.
   *
   * @throws DriverException NOT_FOUND when there is no such snapshot; PERMANENT when this
   *     root's mode cannot restore its kind (an image in a mode other than loop)
   */
  void restore(String snapshotHandle, Path snapshot, Path volume, long sizeBytes, CopyProgress progress)
      throws IOException {
    Path image = ImageSnapshots.imageOf(snapshot);
    if (Files.exists(image, LinkOption.NOFOLLOW_LINKS)) {
      if (!(storage instanceof LoopImages loop)) {
        throw DriverException.permanent("local snapshot \"" + snapshotHandle + "\" is the image of a volume of"
            + " enforcement mode loop, and this root's mode is " + storage.mode().wireName + "; restore it on a"
            + " node whose [storage.drivers.local] enforcement is loop");
      }
      Path volumeImage = loop.imageOf(volume);
      loop.createArea(volumeImage.getParent());
      ImageSnapshots.restore(image, volumeImage, sizeBytes, clones.clones());
      loop.ready(volume);
      removeEmptyLostAndFound(volume);
      return;
    }
    if (!Files.isDirectory(snapshot, LinkOption.NOFOLLOW_LINKS)) {
      throw DriverException.objectFault(DriverError.NOT_FOUND, "StorageMissing", "local snapshot \""
          + snapshotHandle + "\" does not exist on this node (neither " + snapshot + " nor " + image + ")");
    }
    if (storage instanceof BtrfsSubvolumes subvolumes && BtrfsSubvolumes.isSubvolume(snapshot)) {
      SubvolumeSnapshots.restore(snapshot, volume, sizeBytes, subvolumes);
      return;
    }
    CompleteCopy.copy(snapshot, volume, progress, clones.clones());
  }

  /**
   * Removes the snapshot at {@code snapshot}, of whatever kind (a subvolume also where the
   * root's mode is no longer btrfs); whether there was one.
   */
  boolean delete(Path snapshot) throws IOException {
    boolean image = Files.deleteIfExists(ImageSnapshots.imageOf(snapshot));
    if (BtrfsSubvolumes.isSubvolume(snapshot)) {
      if (storage instanceof BtrfsSubvolumes subvolumes) {
        subvolumes.deleteSubvolume(snapshot);
      } else {
        Commands.run("deleting snapshot subvolume " + snapshot, List.of("btrfs", "subvolume", "delete",
            "--commit-after", snapshot.toString()));
      }
      return true;
    }
    return TreeRemoval.remove(snapshot) || image;
  }

  /**
   * The e2fsck before growing an image makes lost+found again, which a new loop volume does not
   * have (LoopImages removes it: tools that want an empty directory refuse it); one with files
   * in it was the tenant's and stays.
   */
  private static void removeEmptyLostAndFound(Path volume) throws IOException {
    try {
      Files.deleteIfExists(volume.resolve("lost+found"));
    } catch (DirectoryNotEmptyException tenants) {
      // Theirs: kept.
    }
  }

  private String copyMethod() throws IOException {
    return clones.clones() ? MadeSnapshot.REFLINK : MadeSnapshot.COPY;
  }
}
