package io.rune.storage.drivers.local;

import io.rune.storage.driver.VolumeUsage;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Mode {@code xfs-quota}: each volume directory is an XFS project (its id from the volume's
 * uid) with a hard block limit of the volume's size, so a write past it fails with EDQUOT
 * inside the volume. Needs the volume root on XFS mounted with project quotas (prjquota).
 * Not tested against a kernel with XFS quota support: the development machines lack it.
 */
final class XfsProjectQuotas implements VolumeStorage {

  private final Path mountPoint;
  private final PlainDirectories plain;

  /** @param mountPoint where the XFS file system holding the volume root is mounted */
  XfsProjectQuotas(ManagedRoot root, Path mountPoint) {
    this.mountPoint = mountPoint;
    this.plain = new PlainDirectories(root.path());
  }

  @Override
  public Enforcement mode() {
    return Enforcement.XFS_QUOTA;
  }

  /**
   * The project id of the volume at {@code dir}: the first 31 bits of its uid, never 0 (the
   * project of everything else).
   */
  static long projectId(Path dir) {
    String leaf = dir.getFileName().toString();
    String uid = leaf.substring(leaf.lastIndexOf('_') + 1);
    long id = Long.parseLong(uid.substring(0, 8), 16) & 0x7fffffffL;
    return id == 0 ? 1 : id;
  }

  static List<String> quotaCommand(Path mountPoint, String command) {
    return List.of("xfs_quota", "-x", "-c", command, mountPoint.toString());
  }

  /** A partial directory made a project and limited, then renamed into place. */
  @Override
  public void make(Path dir, long sizeBytes) throws IOException {
    long id = projectId(dir);
    PartialStorage.make(dir, Files::createDirectory,
        partial -> {
          Commands.run("making " + partial + " XFS project " + id,
              quotaCommand(mountPoint, "project -s -p " + partial + " " + id));
          limit(dir, sizeBytes);
        }, TreeRemoval::remove);
  }

  @Override
  public boolean exists(Path dir) {
    return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public void grow(Path dir, long sizeBytes) throws IOException {
    limit(dir, sizeBytes);
  }

  /** The files, then the project's limit (a limit without files costs nothing, but is cleared). */
  @Override
  public void remove(Path dir) throws IOException {
    plain.remove(dir);
    limit(dir, 0);
  }

  /** statfs of a project directory reports the project's limit and use (XFS does so for PROJINHERIT). */
  @Override
  public VolumeUsage usage(Path dir) throws IOException {
    FileStore store = Files.getFileStore(dir);
    return new VolumeUsage(store.getTotalSpace() - store.getUnallocatedSpace(), store.getTotalSpace(),
        Enforcement.XFS_QUOTA.wireName);
  }

  /** Half-made project directories are partials, which the driver removes. */
  @Override
  public void recover() {}

  private void limit(Path dir, long sizeBytes) throws IOException {
    long id = projectId(dir);
    Commands.run("limiting XFS project " + id + " to " + sizeBytes + " bytes",
        quotaCommand(mountPoint, "limit -p bhard=" + sizeBytes + " " + id));
  }
}
