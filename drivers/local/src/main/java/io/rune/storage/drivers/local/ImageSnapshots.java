package io.rune.storage.drivers.local;

import io.rune.storage.driver.DriverException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots in mode {@code loop}: a snapshot is a copy of the volume's image file, taken while
 * the volume's file system is frozen ({@code fsfreeze}), so that the copy is a consistent file
 * system; cloned where the root's file system clones files (method {@code reflink}), else a
 * sparse copy ({@code copy}). It lies at {@code <root>/.snapshots/<namespace>/<name>_<uid>.img},
 * beside where the directory of a copied tree would be, so the handle has the same form. A
 * restore copies it (the same way) to the new volume's image, grows it when the new volume is
 * larger, and mounts it. Blocking: run on the driver's workers.
 */
final class ImageSnapshots {

  private static final Logger LOG = LoggerFactory.getLogger(ImageSnapshots.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String IMAGE_SUFFIX = ".img";
  /** A copy of a large image without clones takes a while; writers wait as long (the volume is frozen). */
  private static final Duration COPY_TIMEOUT = Duration.ofHours(2);

  private ImageSnapshots() {}

  /** Where the image of the snapshot whose directory would be {@code snapshotDir} lies. */
  static Path imageOf(Path snapshotDir) {
    return snapshotDir.resolveSibling(snapshotDir.getFileName() + IMAGE_SUFFIX);
  }

  /**
   * Copies {@code image}, the image mounted on {@code volume}, to the image of the snapshot
   * {@code snapshotDir}, with the volume frozen meanwhile. The copy is written to a partial
   * ({@code .<name>_<uid>.<attempt>.partial}, which the start-up cleanup removes after a crash),
   * flushed, and renamed into place: an image under the snapshot's name is always whole.
   */
  static void take(Path volume, Path image, Path snapshotDir, boolean reflink) throws IOException {
    Path partial = ManagedRoot.partialOf(snapshotDir, HexFormat.of().toHexDigits(RANDOM.nextLong()));
    try {
      Commands.run("freezing the file system of " + volume, List.of("fsfreeze", "-f", volume.toString()));
      try {
        copy(image, partial, reflink);
      } finally {
        Commands.run("thawing the file system of " + volume, List.of("fsfreeze", "-u", volume.toString()));
      }
      durablyRename(partial, imageOf(snapshotDir));
    } catch (IOException | RuntimeException e) {
      removeAfter(e, partial);
      throw e;
    }
  }

  /**
   * Copies the snapshot image {@code snapshotImage} to {@code volumeImage}, a new volume's
   * image, grown to {@code sizeBytes} when that is larger. Written as {@code <image>.partial}
   * (which {@link LoopImages} removes after a crash) and renamed when whole; an image already
   * there (an earlier attempt got that far) is kept.
   */
  static void restore(Path snapshotImage, Path volumeImage, long sizeBytes, boolean reflink) throws IOException {
    if (Files.exists(volumeImage, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Path partial = volumeImage.resolveSibling(volumeImage.getFileName() + ".partial");
    Files.deleteIfExists(partial);
    try {
      copy(snapshotImage, partial, reflink);
      grow(partial, sizeBytes);
      durablyRename(partial, volumeImage);
    } catch (IOException | RuntimeException e) {
      removeAfter(e, partial);
      throw e;
    }
  }

  /**
   * Thaws every file system mounted below {@code root}: a server killed while a snapshot held
   * one frozen leaves it frozen, and every writer of that volume waits until it is thawed.
   * Thawing one that is not frozen fails harmlessly. Blocking.
   */
  static void thawAll(Path root) throws IOException {
    for (MountTable.Mount mount : MountTable.read().below(root)) {
      try {
        Commands.run("thawing " + mount.mountPoint(), List.of("fsfreeze", "-u", mount.mountPoint().toString()));
        LOG.warn("thawed {}, which a snapshot interrupted by the end of a server had left frozen", mount.mountPoint());
      } catch (DriverException notFrozen) {
        LOG.debug("{} was not frozen: {}", mount.mountPoint(), notFrozen.getMessage());
      }
    }
  }

  /** Removes the partial copy a failed step left, noting on {@code failure} if that fails too. */
  private static void removeAfter(Exception failure, Path partial) {
    try {
      Files.deleteIfExists(partial);
    } catch (IOException cleanup) {
      failure.addSuppressed(cleanup);
    }
  }

  private static void copy(Path from, Path to, boolean reflink) throws IOException {
    Commands.run("copying image " + from + " to " + to, reflink
        ? List.of("cp", "--reflink=always", "--", from.toString(), to.toString())
        : List.of("cp", "--reflink=never", "--sparse=always", "--", from.toString(), to.toString()),
        COPY_TIMEOUT);
  }

  /** Longer image, checked (resize2fs insists), then its ext4 grown to fill it; unmounted. */
  private static void grow(Path image, long sizeBytes) throws IOException {
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      if (file.length() >= sizeBytes) {
        return;
      }
      file.setLength(sizeBytes);
    }
    Commands.run("checking the file system of " + image + " before growing it",
        List.of("e2fsck", "-f", "-p", image.toString()), Commands.DEFAULT_TIMEOUT, Set.of(0, 1));
    Commands.run("growing the file system of " + image + " to " + sizeBytes + " bytes",
        List.of("resize2fs", image.toString()));
  }

  private static void durablyRename(Path partial, Path target) throws IOException {
    try (FileChannel written = FileChannel.open(partial, StandardOpenOption.WRITE)) {
      written.force(true);
    }
    Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    try (FileChannel parent = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
      parent.force(true);
    }
  }
}
