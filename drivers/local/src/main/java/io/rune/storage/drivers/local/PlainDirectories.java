package io.rune.storage.drivers.local;

import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.driver.files.DirectoryUsage;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Mode {@code none}: a volume is a plain directory and nothing keeps it to its size. The
 * other modes keep the volumes made before they were chosen working this way.
 */
final class PlainDirectories implements VolumeStorage {

  private final Path root;

  PlainDirectories(Path root) {
    this.root = root;
  }

  @Override
  public Enforcement mode() {
    return Enforcement.NONE;
  }

  @Override
  public void make(Path dir, long sizeBytes) throws IOException {
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      // Made by an earlier attempt: the caller checked that it is a directory.
      return;
    }
    openToAll(dir);
  }

  /** rwxr-xr-x, set after creation: the mode given to createDirectory is cut by the umask. */
  static void openToAll(Path dir) throws IOException {
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Override
  public boolean exists(Path dir) {
    return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS);
  }

  /** A directory has no size of its own to change. */
  @Override
  public void grow(Path dir, long sizeBytes) {}

  @Override
  public void remove(Path dir) throws IOException {
    TreeRemoval.remove(dir);
  }

  /** The bytes of its files, and the size of the file system that holds it. */
  @Override
  public VolumeUsage usage(Path dir) throws IOException {
    VolumeUsage measured = DirectoryUsage.measure(dir, root);
    return new VolumeUsage(measured.usedBytes(), measured.capacityBytes(), Enforcement.NONE.wireName);
  }

  @Override
  public void recover() {}
}
