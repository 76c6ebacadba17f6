package io.rune.storage.drivers.local;

import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.drivers.local.ManagedRoot.Kind;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mode {@code loop}: each volume is a sparse image file exactly its size long, ext4 inside,
 * at {@code <root>/.images/<namespace>/<name>_<uid>.img}, loop-mounted on the volume's
 * directory; a write past the file system's end fails with ENOSPC inside the volume. The
 * directory stays the path the runner bind-mounts. A plain directory without an image (made
 * before this mode) keeps working as one.
 */
final class LoopImages implements VolumeStorage {

  static final String IMAGES = ".images";
  private static final String IMAGE_SUFFIX = ".img";
  private static final String PARTIAL_SUFFIX = ".partial";
  private static final Logger LOG = LoggerFactory.getLogger(LoopImages.class);

  private final ManagedRoot root;
  private final PlainDirectories plain;
  /** Guards looking at the mount table and mounting, so that no directory is mounted twice. */
  private final Object mounting = new Object();

  LoopImages(ManagedRoot root) {
    this.root = root;
    this.plain = new PlainDirectories(root.path());
  }

  @Override
  public Enforcement mode() {
    return Enforcement.LOOP;
  }

  /** The image of the volume directory {@code dir} ({@code <root>/<namespace>/<leaf>}). */
  Path imageOf(Path dir) {
    return root.path().resolve(IMAGES).resolve(dir.getParent().getFileName().toString())
        .resolve(dir.getFileName() + IMAGE_SUFFIX);
  }

  static List<String> mkfsCommand(Path image) {
    // -m 0: no blocks reserved for root, the whole size is the tenant's; -T default: the
    // inode ratio of larger file systems, so a small volume loses less of its size to inodes.
    return List.of("mkfs.ext4", "-q", "-F", "-m", "0", "-T", "default", image.toString());
  }

  /** Image (written as a .partial, renamed when whole), then directory, then mount. */
  @Override
  public void make(Path dir, long sizeBytes) throws IOException {
    Path image = imageOf(dir);
    if (!Files.exists(image, LinkOption.NOFOLLOW_LINKS)) {
      Path partial = image.resolveSibling(image.getFileName() + PARTIAL_SUFFIX);
      createArea(image.getParent());
      Files.deleteIfExists(partial);
      try (RandomAccessFile file = new RandomAccessFile(partial.toFile(), "rw")) {
        file.setLength(sizeBytes);
      }
      Commands.run("making the file system of " + partial, mkfsCommand(partial));
      try (FileChannel written = FileChannel.open(partial, StandardOpenOption.WRITE)) {
        written.force(true);
      }
      Files.move(partial, image, StandardCopyOption.ATOMIC_MOVE);
    }
    ready(dir);
    // ext4's lost+found would be the first entry of every new volume, which tools that want
    // an empty directory (initdb) refuse; e2fsck makes it again should it ever need it.
    Files.deleteIfExists(dir.resolve("lost+found"));
    PlainDirectories.openToAll(dir);
  }

  @Override
  public boolean exists(Path dir) {
    return Files.exists(imageOf(dir), LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS);
  }

  /** Makes the directory where it is missing and mounts the image on it where it is not mounted. */
  @Override
  public void ready(Path dir) throws IOException {
    Path image = imageOf(dir);
    if (!Files.exists(image, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    synchronized (mounting) {
      if (MountTable.read().at(dir).isPresent()) {
        return;
      }
      try {
        Files.createDirectory(dir);
      } catch (java.nio.file.FileAlreadyExistsException e) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          throw root.notADirectory(Kind.VOLUME, dir.getParent().getFileName() + "/" + dir.getFileName(), dir);
        }
      }
      Commands.run("mounting " + image + " on " + dir, List.of("mount", "-o", "loop", image.toString(),
          dir.toString()));
    }
  }

  /** Longer image, then the loop device told its new size, then ext4 grown while mounted. */
  @Override
  public void grow(Path dir, long sizeBytes) throws IOException {
    Path image = imageOf(dir);
    if (!Files.exists(image, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    ready(dir);
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      if (file.length() < sizeBytes) {
        file.setLength(sizeBytes);
      }
    }
    // Both steps again after a crash between them: each does nothing when there is nothing to do.
    for (String device : devicesOf(image)) {
      Commands.run("telling " + device + " the new size of " + image, List.of("losetup", "-c", device));
      try {
        Commands.run("growing the file system of " + image, List.of("resize2fs", device));
      } catch (DriverException online) {
        if (!online.getMessage().contains("Permission denied")) {
          throw online;
        }
        growOffline(dir, image, device, online);
      }
    }
  }

  /**
   * Growing a mounted ext4 needs CAP_SYS_RESOURCE, which a server in a container may lack:
   * then the image is grown unmounted, if nothing but this driver's own mount uses it (a
   * file system mounted twice would be ruined), and mounted again.
   */
  private void growOffline(Path dir, Path image, String device, DriverException online) throws IOException {
    synchronized (mounting) {
      MountTable mounts = MountTable.read();
      if (mounts.countOf(device) != 1 || mounts.at(dir).filter(m -> m.source().equals(device)).isEmpty()) {
        throw DriverException.objectFault(io.rune.storage.driver.DriverError.TRANSIENT, "InUse", "cannot grow "
            + image + " while it is mounted: resize2fs needs CAP_SYS_RESOURCE for that, which this server lacks ("
            + online.getMessage() + "), and the volume is in use, so it cannot be grown unmounted either; give"
            + " runed CAP_SYS_RESOURCE, or stop the volume's users, then retry");
      }
      LOG.info("growing {} unmounted: this server lacks CAP_SYS_RESOURCE, which growing it mounted needs", image);
      Commands.run("unmounting " + dir + " to grow it", List.of("umount", dir.toString()));
      try {
        Commands.run("checking the file system of " + image + " before growing it",
            List.of("e2fsck", "-f", "-p", image.toString()), Commands.DEFAULT_TIMEOUT, Set.of(0, 1));
        Commands.run("growing the file system of " + image, List.of("resize2fs", image.toString()));
      } finally {
        ready(dir);
      }
    }
  }

  /** Unmount (every layer), detach, remove the image, then the empty directory: never files first. */
  @Override
  public void remove(Path dir) throws IOException {
    Path image = imageOf(dir);
    synchronized (mounting) {
      while (MountTable.read().at(dir).isPresent()) {
        Commands.run("unmounting " + dir, List.of("umount", dir.toString()));
      }
    }
    if (Files.exists(image, LinkOption.NOFOLLOW_LINKS)) {
      for (String device : devicesOf(image)) {
        Commands.run("detaching " + device, List.of("losetup", "-d", device));
      }
      Files.deleteIfExists(image);
    }
    Files.deleteIfExists(image.resolveSibling(image.getFileName() + PARTIAL_SUFFIX));
    // Unmounted now: what is left in the directory was written while it was not mounted.
    plain.remove(dir);
  }

  /** What the mounted file system says: used = total - free; capacity = its total. */
  @Override
  public VolumeUsage usage(Path dir) throws IOException {
    if (!Files.exists(imageOf(dir), LinkOption.NOFOLLOW_LINKS)) {
      return plain.usage(dir);
    }
    ready(dir);
    FileStore store = Files.getFileStore(dir);
    return new VolumeUsage(store.getTotalSpace() - store.getUnallocatedSpace(), store.getTotalSpace(),
        Enforcement.LOOP.wireName);
  }

  /** Removes half-written images, then mounts every image whose directory is not mounted. */
  @Override
  public void recover() throws IOException {
    for (Path image : images()) {
      String name = image.getFileName().toString();
      if (name.endsWith(PARTIAL_SUFFIX)) {
        Files.deleteIfExists(image);
        LOG.info("removed {}, an image whose making a crash interrupted", image);
        continue;
      }
      String handle = image.getParent().getFileName() + "/" + name.substring(0, name.length() - IMAGE_SUFFIX.length());
      if (!ManagedRoot.isHandle(handle, Kind.VOLUME)) {
        LOG.warn("leaving {} alone: it is not named like an image of a local volume", image);
        continue;
      }
      try {
        // Its namespace directory too, should the crash have come before it was made.
        Path dir = root.prepare(handle, Kind.VOLUME);
        ready(dir);
      } catch (DriverException e) {
        LOG.warn("cannot mount {}; calls to its volume will try again: {}", image, e.getMessage());
      }
    }
  }

  /** Every file in {@code <root>/.images/<namespace>/}. */
  private List<Path> images() throws IOException {
    List<Path> found = new ArrayList<>();
    Path area = root.path().resolve(IMAGES);
    if (!Files.isDirectory(area, LinkOption.NOFOLLOW_LINKS)) {
      return found;
    }
    try (Stream<Path> namespaces = Files.list(area)) {
      for (Path namespace : namespaces.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
        try (Stream<Path> files = Files.list(namespace)) {
          files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).forEach(found::add);
        } catch (NoSuchFileException gone) {
          // Its last volume was deleted meanwhile.
        }
      }
    }
    return found;
  }

  /** The loop devices {@code image} is attached to ({@code losetup -j}). */
  private static List<String> devicesOf(Path image) throws IOException {
    String out = Commands.run("finding the loop devices of " + image,
        List.of("losetup", "-n", "-O", "NAME", "-j", image.toString()));
    return out.lines().map(String::strip).filter(line -> !line.isEmpty()).toList();
  }

  /** Makes {@code <root>/.images/<namespace>}, refusing a symbolic link anywhere on the way. */
  void createArea(Path namespaceDir) throws IOException {
    Files.createDirectories(namespaceDir);
    for (Path p = namespaceDir; !p.equals(root.path()); p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        throw root.faults().blocked(p);
      }
    }
  }
}
