package io.rune.storage.driver.conformance;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.model.AccessMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The suite's reference driver, correct by construction so that every check passes on it:
 * a volume is a directory {@code volumes/vol-<uid>} under a root, its size a record beside
 * it (expanding only rewrites the record), a snapshot a recursive copy
 * {@code snapshots/snap-<uid>}, a mount a symbolic link at the target. The broken drivers
 * of the suite's own tests subclass it and break one thing each. All file work runs on the
 * worker pool.
 */
public class DirectoryDriver implements StorageDriver {
  public static final String NAME = "directory";
  public static final String NODE_KEY = "rune.io/node";

  public static final DriverCapabilities EVERY_CAPABILITY = new DriverCapabilities(
      Set.of(AccessMode.values()), true, true, true, true, List.of(NODE_KEY), false);
  public static final DriverCapabilities NO_SNAPSHOTS_NOR_EXPAND = new DriverCapabilities(
      Set.of(AccessMode.ReadWriteOnce), false, false, false, true, List.of(NODE_KEY), false);

  // Handles come back from callers: only these shapes may become paths under the root.
  private static final Pattern HANDLE = Pattern.compile("(vol|snap)-[A-Za-z0-9-]+");

  private final Vertx vertx;
  private final Path volumes;
  private final Path snapshots;
  private final DriverCapabilities capabilities;

  public DirectoryDriver(Vertx vertx, Path root, DriverCapabilities capabilities) {
    this.vertx = vertx;
    this.volumes = root.resolve("volumes");
    this.snapshots = root.resolve("snapshots");
    this.capabilities = capabilities;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public DriverCapabilities capabilities() {
    return capabilities;
  }

  /** Where a volume's data lives; what a target's storageExists looks at. */
  public Path volumeDirectory(String handle) {
    return volumes.resolve(checked(handle));
  }

  /** The handle of the volume of a request: derived from the uid, so provision is idempotent. */
  protected String volumeHandle(ProvisionRequest request) {
    return "vol-" + request.uid();
  }

  @Override
  public Future<ProvisionedVolume> provision(DriverContext ctx, ProvisionRequest request) {
    if (AccessMode.parse(request.accessMode()).filter(capabilities.accessModes()::contains).isEmpty()) {
      return Future.failedFuture(new DriverException(DriverError.ACCESS_MODE_UNSUPPORTED,
          "driver '" + NAME + "' does not support access mode " + request.accessMode()));
    }
    String handle = volumeHandle(request);
    return blocking(() -> {
      Path dir = volumeDirectory(handle);
      if (!Files.isDirectory(dir)) {
        Files.createDirectories(dir);
        writeSize(handle, request.sizeBytes());
      }
      return new ProvisionedVolume(handle, Map.of(NODE_KEY, ctx.node()));
    });
  }

  @Override
  public Future<String> find(DriverContext ctx, ProvisionRequest request) {
    String handle = volumeHandle(request);
    return blocking(() -> Files.isDirectory(volumeDirectory(handle)) ? handle : null);
  }

  @Override
  public Future<Void> delete(DriverContext ctx, String handle) {
    return blocking(() -> {
      deleteTree(volumeDirectory(handle));
      Files.deleteIfExists(sizeRecord(handle));
      return null;
    });
  }

  @Override
  public Future<String> attach(DriverContext ctx, String handle, String node) {
    return blocking(() -> existingVolume(handle).toString());
  }

  @Override
  public Future<Void> detach(DriverContext ctx, String handle, String node) {
    return Future.succeededFuture(); // nothing is held between attach and detach
  }

  /** A symbolic link at the target; readOnly is not enforced, which a link cannot do. */
  @Override
  public Future<String> mount(DriverContext ctx, MountRequest request) {
    return blocking(() -> {
      Path dir = existingVolume(request.handle());
      Path target = Path.of(request.target());
      if (Files.isSymbolicLink(target) && Files.readSymbolicLink(target).equals(dir)) {
        return request.target();
      }
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        throw DriverException.permanent("mount target " + target + " exists and is not a mount of "
            + request.handle());
      }
      Files.createDirectories(target.getParent());
      Files.createSymbolicLink(target, dir);
      return request.target();
    });
  }

  @Override
  public Future<Void> unmount(DriverContext ctx, String target) {
    return blocking(() -> {
      Path link = Path.of(target);
      if (Files.exists(link, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(link)) {
        throw DriverException.permanent(target + " is not a mount of driver '" + NAME + "'");
      }
      Files.deleteIfExists(link);
      return null;
    });
  }

  @Override
  public Future<MadeSnapshot> snapshot(DriverContext ctx, SnapshotRequest request) {
    if (!capabilities.snapshots()) {
      return DriverException.unsupported(NAME, "snapshots");
    }
    String handle = "snap-" + request.snapshotUid();
    return blocking(() -> {
      copyOnce(existingVolume(request.volumeHandle()), snapshots.resolve(checked(handle)));
      return new MadeSnapshot(handle, MadeSnapshot.COPY);
    });
  }

  @Override
  public Future<ProvisionedVolume> restore(DriverContext ctx, RestoreRequest request) {
    if (!capabilities.snapshots()) {
      return DriverException.unsupported(NAME, "restoring snapshots");
    }
    String handle = volumeHandle(request.volume());
    return blocking(() -> {
      Path snapshot = snapshots.resolve(checked(request.snapshotHandle()));
      if (!Files.isDirectory(snapshot)) {
        throw new DriverException(DriverError.NOT_FOUND, "snapshot " + request.snapshotHandle() + " does not exist");
      }
      if (copyOnce(snapshot, volumeDirectory(handle))) {
        writeSize(handle, request.volume().sizeBytes());
      }
      return new ProvisionedVolume(handle, Map.of(NODE_KEY, ctx.node()));
    });
  }

  @Override
  public Future<Void> deleteSnapshot(DriverContext ctx, String snapshotHandle) {
    if (!capabilities.snapshots()) {
      return DriverException.unsupported(NAME, "snapshots");
    }
    return blocking(() -> {
      deleteTree(snapshots.resolve(checked(snapshotHandle)));
      return null;
    });
  }

  @Override
  public Future<Void> expand(DriverContext ctx, String handle, long newSizeBytes) {
    if (!capabilities.expand()) {
      return DriverException.unsupported(NAME, "expanding volumes");
    }
    return blocking(() -> {
      existingVolume(handle);
      long size = Long.parseLong(Files.readString(sizeRecord(handle), StandardCharsets.UTF_8).trim());
      if (newSizeBytes < size) {
        throw DriverException.invalidConfig("volume " + handle + " is " + size + " bytes; it cannot shrink to "
            + newSizeBytes);
      }
      writeSize(handle, newSizeBytes);
      return null;
    });
  }

  private <T> Future<T> blocking(Callable<T> work) {
    return vertx.executeBlocking(work, false).recover(failure -> Future.failedFuture(DriverException.of(failure)));
  }

  private Path existingVolume(String handle) {
    Path dir = volumeDirectory(handle);
    if (!Files.isDirectory(dir)) {
      throw new DriverException(DriverError.NOT_FOUND, "volume " + handle + " does not exist");
    }
    return dir;
  }

  private Path sizeRecord(String handle) {
    return volumes.resolve(checked(handle) + ".size");
  }

  private void writeSize(String handle, long sizeBytes) throws IOException {
    Files.writeString(sizeRecord(handle), Long.toString(sizeBytes), StandardCharsets.UTF_8);
  }

  private static String checked(String handle) {
    if (handle == null || !HANDLE.matcher(handle).matches()) {
      throw DriverException.invalidConfig("'" + handle + "' is not a handle of driver '" + NAME + "'");
    }
    return handle;
  }

  /**
   * Copies a tree to {@code to} unless it is there: into a temporary name first, renamed when
   * complete, so a crash never leaves a half copy under the final name. Whether it copied.
   */
  private static boolean copyOnce(Path from, Path to) throws IOException {
    if (Files.isDirectory(to)) {
      return false;
    }
    Files.createDirectories(to.getParent());
    Path temporary = to.resolveSibling(".tmp-" + to.getFileName() + "-" + UUID.randomUUID());
    try (Stream<Path> tree = Files.walk(from)) {
      for (Path source : (Iterable<Path>) tree::iterator) {
        Files.copy(source, temporary.resolve(from.relativize(source).toString()), StandardCopyOption.COPY_ATTRIBUTES,
            LinkOption.NOFOLLOW_LINKS);
      }
    }
    Files.move(temporary, to, StandardCopyOption.ATOMIC_MOVE);
    return true;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(root)) {
      for (Path path : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
        Files.delete(path);
      }
    }
  }
}
