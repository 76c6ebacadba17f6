package io.rune.storage.drivers.local;

import io.rune.storage.driver.files.DirectoryUsage;
import io.rune.storage.driver.DriverEnvironment;
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
import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.drivers.local.ManagedRoot.Kind;
import io.rune.storage.model.AccessMode;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local driver (STORAGE.md): a volume is a directory {@code <root>/<namespace>/<name>_<uid>}
 * under {@code [storage] localVolumeRoot} of this node, which the runner bind-mounts; a
 * snapshot is a complete copy of it under {@code <root>/.snapshots}, cloned where the root's
 * file system can. All file system work
 * runs on a small worker pool of its own, so a slow disk delays volumes, not the event loop.
 */
public final class LocalDriver implements StorageDriver {

  public static final String NAME = "local";
  public static final String NODE_LABEL = "rune.io/node";

  private static final Logger LOG = LoggerFactory.getLogger(LocalDriver.class);

  private final DriverEnvironment environment;
  private final ManagedRoot root;
  private final Vertx vertx;
  private final WorkerExecutor workers;
  /** Measures partial copies for progress reports, on a thread the copies cannot all take. */
  private final WorkerExecutor progressWalker;
  /**
   * Copies under way, by target handle. A caller that gave up waiting retries while the first
   * cp still runs; the retry must join it, not delete its partial from under it.
   */
  private final Map<String, Future<?>> copies = new ConcurrentHashMap<>();
  /**
   * Whether copies clone files ({@link ReflinkProbe}); found once, by {@link #recover} (which
   * runs before any other call) when the root exists then, else by the first copy (the probe
   * does not make the root), and fixed from then on. Null until found.
   */
  private Boolean reflink;

  public LocalDriver(DriverEnvironment environment) {
    this.environment = environment;
    this.root = new ManagedRoot(environment.storage().localVolumeRoot());
    this.vertx = environment.vertx();
    this.workers = vertx.createSharedWorkerExecutor("rune-driver-local", 4);
    this.progressWalker = vertx.createSharedWorkerExecutor("rune-driver-local-progress", 1);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public DriverCapabilities capabilities() {
    return LocalDriverProvider.CAPABILITIES;
  }

  @Override
  public Future<ProvisionedVolume> provision(DriverContext ctx, ProvisionRequest request) {
    return blocking("provision volume " + request.namespace() + "/" + request.name(), () -> {
      String handle = acceptedHandle(request);
      Path dir = root.prepare(handle, Kind.VOLUME);
      try {
        Files.createDirectory(dir);
        // Set after creation: the mode given to createDirectory is cut by the umask.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (FileAlreadyExistsException e) {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
          throw root.notADirectory(Kind.VOLUME, handle, dir);
        }
      }
      return placed(handle);
    });
  }

  /**
   * The handle of the volume {@code request} made, when its directory exists below this root
   * and is a directory; null otherwise. A request this driver would refuse made nothing.
   */
  @Override
  public Future<String> find(DriverContext ctx, ProvisionRequest request) {
    return blocking("look up volume " + request.namespace() + "/" + request.name(), () -> {
      String handle;
      try {
        handle = acceptedHandle(request);
      } catch (DriverException refused) {
        return null;
      }
      Path dir = root.locate(handle, Kind.VOLUME);
      return dir != null && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) ? handle : null;
    });
  }

  /**
   * A directory has no size of its own to change (enforcing one is the volume root's quota,
   * which this driver does not set yet), so growing succeeds once the volume is found to
   * exist; while it is in use too.
   */
  @Override
  public Future<Void> expand(DriverContext ctx, String handle, long newSizeBytes) {
    if (newSizeBytes <= 0) {
      return Future.failedFuture(DriverException.invalidConfig("cannot expand local volume " + handle + " to "
          + newSizeBytes + " bytes: a size must be positive"));
    }
    return blocking("expand volume " + handle, () -> {
      root.existing(handle, Kind.VOLUME);
      LOG.info("local volume {} may now hold {} bytes", handle, newSizeBytes);
      return null;
    });
  }

  @Override
  public Future<Void> delete(DriverContext ctx, String handle) {
    return blocking("delete volume " + handle, () -> {
      Path dir = root.locate(handle, Kind.VOLUME);
      if (dir == null || !ManagedRoot.isHandle(handle, Kind.VOLUME)
          || !Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
        // Already gone (or never a volume of this driver): deleting it succeeds.
        LOG.debug("local volume {} does not exist; nothing to delete", handle);
        return null;
      }
      if (environment.storage().preserveOnDelete()) {
        LOG.info("keeping the directory of local volume {} although its reclaim policy is delete:"
            + " [storage] preserveOnDelete is true", handle);
        return null;
      }
      TreeRemoval.remove(dir);
      LOG.info("removed local volume {} ({})", handle, dir);
      return null;
    });
  }

  @Override
  public Future<String> attach(DriverContext ctx, String handle, String node) {
    return blocking("attach volume " + handle, () -> {
      checkNode(node, handle);
      return root.existing(handle, Kind.VOLUME).toString();
    });
  }

  @Override
  public Future<Void> detach(DriverContext ctx, String handle, String node) {
    return Future.succeededFuture();
  }

  /** The directory the runner bind-mounts; readOnly is the runner's bind option. */
  @Override
  public Future<String> mount(DriverContext ctx, MountRequest request) {
    return blocking("mount volume " + request.handle(), () -> {
      checkNode(request.node(), request.handle());
      return root.existing(request.handle(), Kind.VOLUME).toString();
    });
  }

  @Override
  public Future<Void> unmount(DriverContext ctx, String target) {
    return Future.succeededFuture();
  }

  @Override
  public Future<MadeSnapshot> snapshot(DriverContext ctx, SnapshotRequest request) {
    String handle;
    try {
      handle = ManagedRoot.snapshotHandle(request.namespace(), request.snapshotName(), request.snapshotUid());
    } catch (DriverException e) {
      return Future.failedFuture(e);
    }
    return once(handle, () -> blocking("snapshot volume " + request.volumeHandle(), () -> {
      if (!isFinished(Kind.SNAPSHOT, handle)) {
        Path source = root.existing(request.volumeHandle(), Kind.VOLUME);
        Path target = root.prepare(handle, Kind.SNAPSHOT);
        CompleteCopy.copy(source, target, progressOf(ctx), clones());
        LOG.info("snapshot {} of local volume {} is complete ({})", handle, request.volumeHandle(), copyMethod());
      }
      return new MadeSnapshot(handle, copyMethod());
    }));
  }

  @Override
  public Future<ProvisionedVolume> restore(DriverContext ctx, RestoreRequest request) {
    ProvisionRequest volume = request.volume();
    String handle;
    try {
      handle = acceptedHandle(volume);
    } catch (DriverException e) {
      return Future.failedFuture(e);
    }
    return once(handle, () -> blocking("restore snapshot " + request.snapshotHandle(), () -> {
      if (!isFinished(Kind.VOLUME, handle)) {
        Path source = root.existing(request.snapshotHandle(), Kind.SNAPSHOT);
        Path target = root.prepare(handle, Kind.VOLUME);
        CompleteCopy.copy(source, target, progressOf(ctx), clones());
        LOG.info("restored snapshot {} into local volume {}", request.snapshotHandle(), handle);
      }
      return placed(handle);
    }));
  }

  @Override
  public Future<Void> deleteSnapshot(DriverContext ctx, String snapshotHandle) {
    return blocking("delete snapshot " + snapshotHandle, () -> {
      Path dir = root.locate(snapshotHandle, Kind.SNAPSHOT);
      if (dir != null && ManagedRoot.isHandle(snapshotHandle, Kind.SNAPSHOT) && TreeRemoval.remove(dir)) {
        LOG.info("removed local snapshot {} ({})", snapshotHandle, dir);
      }
      return null;
    });
  }

  @Override
  public Future<VolumeUsage> usage(DriverContext ctx, String handle) {
    return blocking("measure volume " + handle,
        () -> DirectoryUsage.measure(root.existing(handle, Kind.VOLUME), root.path()));
  }

  /**
   * Stops the copies a crash left running (see {@link CopyProcesses}), then removes the
   * partial copies it left mid-snapshot or mid-restore: nothing can finish them, and each only
   * takes space. One that cannot be removed is logged and left for the next copy to the same
   * target, which tries again (and writes to a partial of its own meanwhile); the driver
   * answers meanwhile. Then finds out once whether copies can clone files here.
   */
  @Override
  public Future<Void> recover() {
    Future<Void> stopped = CopyProcesses.stopStrays(vertx, workers, root.path())
        .recover(e -> {
          LOG.warn("cannot look for copies left running below {}: {}", root.path(), e.toString());
          return Future.succeededFuture();
        });
    return stopped.compose(v -> blocking("remove partial copies below " + root.path(), () -> {
      for (Path partial : root.partials()) {
        try {
          TreeRemoval.remove(partial);
          LOG.info("removed {}, the partial copy of a snapshot or restore that a crash interrupted", partial);
        } catch (IOException e) {
          LOG.warn("cannot remove {}, the partial copy of a snapshot or restore that a crash interrupted: {}",
              partial, e.toString());
        }
      }
      return null;
    })).compose(v -> blocking("find out whether " + root.path() + " clones files", () -> {
      if (Files.isDirectory(root.path())) {
        clones();
      }
      return null;
    }));
  }

  @Override
  public Future<Void> close() {
    return Future.join(workers.close(), progressWalker.close()).mapEmpty();
  }

  /** The handle of a volume to provision or restore, once its request is one this driver takes. */
  private String acceptedHandle(ProvisionRequest request) {
    if (request.accessMode() != null && !request.accessMode().equals(AccessMode.ReadWriteOnce.name())) {
      throw new DriverException(DriverError.ACCESS_MODE_UNSUPPORTED, "the local driver supports only"
          + " ReadWriteOnce (a directory on one node), not " + request.accessMode());
    }
    String handle = ManagedRoot.volumeHandle(request.namespace(), request.name(), request.uid());
    String wanted = request.topology().get(NODE_LABEL);
    if (wanted != null && !wanted.equals(environment.node())) {
      throw DriverException.permanent("volume " + handle + " is to be placed on node " + wanted
          + ", but this is the local driver of node " + environment.node());
    }
    return handle;
  }

  /** Whether copies clone files, probed the first time it is asked. Blocking then; on workers. */
  private synchronized boolean clones() {
    if (reflink == null) {
      reflink = ReflinkProbe.clones(root.path());
      LOG.info("local volume root {}: snapshots and restores {}", root.path(), reflink
          ? "clone files (reflink)" : "copy every byte (its file system does not clone files)");
    }
    return reflink;
  }

  /** How this driver's copies are made: what a snapshot reports as its method. */
  private String copyMethod() {
    return clones() ? MadeSnapshot.REFLINK : MadeSnapshot.COPY;
  }

  private CopyProgress progressOf(DriverContext ctx) {
    return new CopyProgress(ctx.progress(), vertx, progressWalker);
  }

  private ProvisionedVolume placed(String handle) {
    return new ProvisionedVolume(handle, Map.of(NODE_LABEL, environment.node()));
  }

  /** Whether the copy that makes {@code handle} was completed before (a repeated request). */
  private boolean isFinished(Kind kind, String handle) throws IOException {
    Path target = root.locate(handle, kind);
    if (target == null || !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      throw root.notADirectory(kind, handle, target);
    }
    return true;
  }

  /**
   * A null node is taken as this one: the call came to this node's own driver address, so
   * the caller already chose it.
   */
  private void checkNode(String node, String handle) {
    if (node != null && !node.equals(environment.node())) {
      throw DriverException.permanent("volume " + handle + " lives on node " + environment.node() + ", not "
          + node + ": a local volume can only be used on the node that holds its directory");
    }
  }

  @SuppressWarnings("unchecked")
  private <T> Future<T> once(String key, Supplier<Future<T>> work) {
    Promise<T> promise = Promise.promise();
    Future<?> running = copies.putIfAbsent(key, promise.future());
    if (running != null) {
      return (Future<T>) running;
    }
    work.get().onComplete(result -> {
      copies.remove(key, promise.future());
      promise.handle(result);
    });
    return promise.future();
  }

  /** File system work on the driver's pool, its failures classified there (which may block). */
  private <T> Future<T> blocking(String what, Callable<T> work) {
    return root.faults().onWorkers(workers, what, work);
  }

}
