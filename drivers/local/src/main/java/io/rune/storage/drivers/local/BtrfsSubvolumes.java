package io.rune.storage.drivers.local;

import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.VolumeUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mode {@code btrfs}: each volume is a subvolume with a qgroup limit of its size on its
 * referenced bytes, so the kernel refuses a write past it (EDQUOT) inside the volume only.
 * A plain directory found at a volume's path (made before this mode) keeps working as one.
 */
final class BtrfsSubvolumes implements VolumeStorage {

  private static final Logger LOG = LoggerFactory.getLogger(BtrfsSubvolumes.class);
  /** The inode number of every subvolume's root directory, and of no other directory on btrfs. */
  private static final long SUBVOLUME_ROOT_INODE = 256;

  private final ManagedRoot root;
  private final PlainDirectories plain;

  BtrfsSubvolumes(ManagedRoot root) {
    this.root = root;
    this.plain = new PlainDirectories(root.path());
  }

  @Override
  public Enforcement mode() {
    return Enforcement.BTRFS;
  }

  /**
   * Turns quotas on for the file system of {@code existing} (the volume root, or its nearest
   * existing parent) unless they are on: without them no limit holds. Blocking.
   */
  static void enableQuotas(Path existing) throws IOException {
    try {
      Commands.run("reading the qgroups of " + existing, List.of("btrfs", "qgroup", "show", existing.toString()));
    } catch (DriverException notEnabled) {
      Commands.run("enabling quotas on the btrfs file system of " + existing,
          List.of("btrfs", "quota", "enable", existing.toString()));
      LOG.info("enabled btrfs quotas on the file system of {}, for the local driver's volume size limits", existing);
    }
  }

  /** Made as a partial subvolume, limited, then renamed into place: a crash leaves only the partial. */
  @Override
  public void make(Path dir, long sizeBytes) throws IOException {
    PartialStorage.make(dir,
        partial -> Commands.run("making subvolume " + partial, List.of("btrfs", "subvolume", "create",
            partial.toString())),
        partial -> limit(partial, sizeBytes), this::deleteSubvolume);
  }

  @Override
  public boolean exists(Path dir) {
    return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public void grow(Path dir, long sizeBytes) throws IOException {
    if (isSubvolume(dir)) {
      limit(dir, sizeBytes);
    }
  }

  @Override
  public void remove(Path dir) throws IOException {
    if (isSubvolume(dir)) {
      deleteSubvolume(dir);
    } else {
      plain.remove(dir);
    }
  }

  /** The qgroup's referenced bytes and limit, after a sync so that the figures are current. */
  @Override
  public VolumeUsage usage(Path dir) throws IOException {
    if (!isSubvolume(dir)) {
      return plain.usage(dir);
    }
    String table = Commands.run("reading the qgroup of " + dir,
        List.of("btrfs", "qgroup", "show", "--raw", "--sync", "-rf", dir.toString()));
    long[] figures = qgroupFigures(table, dir);
    long capacity = figures[1] >= 0 ? figures[1] : Files.getFileStore(dir).getTotalSpace();
    return new VolumeUsage(figures[0], capacity, Enforcement.BTRFS.wireName);
  }

  /** Deletes the subvolumes a crash left half made (the plain partials are the driver's). */
  @Override
  public void recover() throws IOException {
    for (Path partial : root.partials()) {
      if (isSubvolume(partial)) {
        deleteSubvolume(partial);
        LOG.info("deleted subvolume {}, which a crash left half made", partial);
      }
    }
  }

  /**
   * Referenced bytes and max referenced (-1 for none) from {@code btrfs qgroup show --raw -rf}:
   * a header, a rule, then {@code 0/<id> <referenced> <exclusive> <max referenced> [path]}.
   */
  static long[] qgroupFigures(String table, Path dir) {
    for (String line : table.split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 4 && fields[0].matches("0/[0-9]+")) {
        long max = fields[3].equals("none") ? -1 : Long.parseLong(fields[3]);
        return new long[] {Long.parseLong(fields[1]), max};
      }
    }
    throw DriverException.transientError("btrfs qgroup show gave no qgroup for " + dir + ": " + table.strip(), null);
  }

  static List<String> limitCommand(Path dir, long sizeBytes) {
    return List.of("btrfs", "qgroup", "limit", Long.toString(sizeBytes), dir.toString());
  }

  static void limit(Path dir, long sizeBytes) throws IOException {
    Commands.run("limiting subvolume " + dir + " to " + sizeBytes + " bytes", limitCommand(dir, sizeBytes));
  }

  static boolean isSubvolume(Path dir) throws IOException {
    return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
        && ((Number) Files.getAttribute(dir, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue()
            == SUBVOLUME_ROOT_INODE;
  }

  /**
   * Deletes the subvolume and then its qgroup (this btrfs-progs has no --delete-qgroup). The
   * kernel may keep the qgroup until its cleaner has dropped the subvolume's data; such a
   * qgroup holds no data and limits nothing, so failing to destroy it is only logged.
   */
  void deleteSubvolume(Path dir) throws IOException {
    String id = Commands.run("reading the id of subvolume " + dir,
        List.of("btrfs", "inspect-internal", "rootid", dir.toString())).strip();
    Commands.run("deleting subvolume " + dir, List.of("btrfs", "subvolume", "delete", "--commit-after",
        dir.toString()));
    try {
      Commands.run("destroying qgroup 0/" + id, List.of("btrfs", "qgroup", "destroy", "0/" + id,
          root.path().toString()));
    } catch (DriverException e) {
      LOG.debug("qgroup 0/{} of deleted subvolume {} stays until the kernel drops it: {}", id, dir, e.getMessage());
    }
  }
}
