package io.rune.storage.drivers.local;

import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.DriverSettingsException;
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
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local driver (STORAGE.md): a volume is a directory {@code <root>/<namespace>/<name>_<uid>}
 * under {@code [storage] localVolumeRoot} of this node, which the runner bind-mounts; what
 * holds its files, and keeps it to its size, is the {@link VolumeStorage} of the enforcement
 * mode decided at start-up (a btrfs subvolume, an XFS project, a loop-mounted image, or a plain
 * directory). A snapshot lies under {@code <root>/.snapshots}, made as the mode can
 * ({@link LocalSnapshots}: a read-only subvolume snapshot, a copy of the image, a copy of the
 * tree, cloned where the root's file system clones files). All file system work runs on a
 * small worker pool of its own, so a slow disk delays volumes, not the event loop.
 */
public final class LocalDriver implements StorageDriver {

  public static final String NAME = "local";
  public static final String NODE_LABEL = "rune.io/node";

  private static final Logger LOG = LoggerFactory.getLogger(LocalDriver.class);

  private final DriverEnvironment environment;
  private final ManagedRoot root;
  private final Vertx vertx;
  private final WorkerExecutor workers;
  /** Samples copies for progress reports, on a thread the copies cannot all take. */
  private final WorkerExecutor progressWalker;
  /**
   * Copies and provisions under way, by target handle. A caller that gave up waiting retries
   * while the first cp (or mkfs) still runs; the retry must join it, not work from under it.
   */
  private final Map<String, Future<?>> copies = new ConcurrentHashMap<>();
  private final LocalSettings settings;
  /** What holds the volumes, in the enforcement mode decided at the first call (recover, at start). */
  private VolumeStorage storage;
  private EnforcementChoice choice;
  /** How snapshots are made in that mode; made with it. */
  private LocalSnapshots snapshots;
  /**
   * Whether copies clone files ({@link ReflinkProbe}); found once, by {@link #recover} when the
   * root exists then, else by the first copy (the probe does not make the root). Null until found.
   */
  private Boolean reflink;

  /** @throws DriverSettingsException when its runefile section is wrong */
  public LocalDriver(DriverEnvironment environment) {
    this.environment = environment;
    this.settings = LocalSettings.from(environment.settings());
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
    String handle;
    try {
      handle = acceptedHandle(request);
    } catch (DriverException e) {
      return Future.failedFuture(e);
    }
    return once(handle, () -> blocking("provision volume " + request.namespace() + "/" + request.name(), () -> {
      VolumeStorage storage = storage();
      Path dir = root.prepare(handle, Kind.VOLUME);
      if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
        throw root.notADirectory(Kind.VOLUME, handle, dir);
      }
      if (storage.exists(dir)) {
        // Made by an earlier attempt (or before a restart): used as it is.
        storage.ready(dir);
      } else {
        storage.make(dir, request.sizeBytes());
        // The volume's storage is made: from here on, dir is its root directory.
        LOG.info("made local volume {} ({}, {} bytes, enforcement {})", handle, dir, request.sizeBytes(),
            storage.mode().wireName);
      }
      // Applied on a repeated request too, so an attempt cut off before this line converges.
      VolumeOwnershipApplier.apply(dir, request.ownership());
      return placed(handle);
    }));
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
      return dir != null && storage().exists(dir) ? handle : null;
    });
  }

  /**
   * Raises the volume's limit in its enforcement mode, online, while it is in use too; a
   * plain directory has no size of its own, so growing it succeeds once it is found.
   */
  @Override
  public Future<Void> expand(DriverContext ctx, String handle, long newSizeBytes) {
    if (newSizeBytes <= 0) {
      return Future.failedFuture(DriverException.invalidConfig("cannot expand local volume " + handle + " to "
          + newSizeBytes + " bytes: a size must be positive"));
    }
    return blocking("expand volume " + handle, () -> {
      storage().grow(existing(handle), newSizeBytes);
      LOG.info("local volume {} may now hold {} bytes", handle, newSizeBytes);
      return null;
    });
  }

  @Override
  public Future<Void> delete(DriverContext ctx, String handle) {
    return blocking("delete volume " + handle, () -> {
      VolumeStorage storage = storage();
      Path dir = root.locate(handle, Kind.VOLUME);
      if (dir == null || !ManagedRoot.isHandle(handle, Kind.VOLUME)
          || !(Files.exists(dir, LinkOption.NOFOLLOW_LINKS) || storage.exists(dir))) {
        // Already gone (or never a volume of this driver): deleting it succeeds.
        LOG.debug("local volume {} does not exist; nothing to delete", handle);
        return null;
      }
      if (environment.storage().preserveOnDelete()) {
        LOG.info("keeping the directory of local volume {} although its reclaim policy is delete:"
            + " [storage] preserveOnDelete is true", handle);
        return null;
      }
      storage.remove(dir);
      LOG.info("removed local volume {} ({})", handle, dir);
      return null;
    });
  }

  @Override
  public Future<String> attach(DriverContext ctx, String handle, String node) {
    return blocking("attach volume " + handle, () -> {
      checkNode(node, handle);
      return existing(handle).toString();
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
      return existing(request.handle()).toString();
    });
  }

  @Override
  public Future<Void> unmount(DriverContext ctx, String target) {
    return Future.succeededFuture();
  }

  /** A snapshot as the enforcement mode makes one ({@link LocalSnapshots}); a repeated request finds it. */
  @Override
  public Future<MadeSnapshot> snapshot(DriverContext ctx, SnapshotRequest request) {
    String handle;
    try {
      handle = ManagedRoot.snapshotHandle(request.namespace(), request.snapshotName(), request.snapshotUid());
    } catch (DriverException e) {
      return Future.failedFuture(e);
    }
    return once(handle, () -> blocking("snapshot volume " + request.volumeHandle(), () -> {
      Path target = root.prepare(handle, Kind.SNAPSHOT);
      String method = snapshots().finished(handle, target);
      if (method == null) {
        method = snapshots().take(existing(request.volumeHandle()), target, progressOf(ctx));
        LOG.info("snapshot {} of local volume {} is complete ({})", handle, request.volumeHandle(), method);
      }
      return new MadeSnapshot(handle, method);
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
        Path source = root.locate(request.snapshotHandle(), Kind.SNAPSHOT);
        if (source == null || !ManagedRoot.isHandle(request.snapshotHandle(), Kind.SNAPSHOT)) {
          root.existing(request.snapshotHandle(), Kind.SNAPSHOT); // says why there is none
        }
        Path target = root.prepare(handle, Kind.VOLUME);
        snapshots().restore(request.snapshotHandle(), source, target, volume.sizeBytes(), progressOf(ctx));
        LOG.info("restored snapshot {} into local volume {}", request.snapshotHandle(), handle);
      }
      VolumeOwnershipApplier.apply(root.existing(handle, Kind.VOLUME), volume.ownership());
      return placed(handle);
    }));
  }

  @Override
  public Future<Void> deleteSnapshot(DriverContext ctx, String snapshotHandle) {
    return blocking("delete snapshot " + snapshotHandle, () -> {
      Path dir = root.locate(snapshotHandle, Kind.SNAPSHOT);
      if (dir != null && ManagedRoot.isHandle(snapshotHandle, Kind.SNAPSHOT) && snapshots().delete(dir)) {
        LOG.info("removed local snapshot {} ({})", snapshotHandle, dir);
      }
      return null;
    });
  }

  @Override
  public Future<VolumeUsage> usage(DriverContext ctx, String handle) {
    return blocking("measure volume " + handle, () -> storage().usage(existing(handle)));
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
    // Not classified as a volume's fault: a mode this node cannot do stops the server.
    Future<Void> decided = workers.<Void>executeBlocking(() -> {
      storage();
      return null;
    }, false);
    Future<Void> remade = decided.compose(v -> blocking("recover the " + storage.mode().wireName
        + " volumes below " + root.path(), () -> {
      if (storage instanceof LoopImages) {
        ImageSnapshots.thawAll(root.path());
      }
      storage.recover();
      return null;
    }));
    Future<Void> stopped = remade.compose(v -> CopyProcesses.stopStrays(vertx, workers, root.path())
        .recover(e -> {
          LOG.warn("cannot look for copies left running below {}: {}", root.path(), e.toString());
          return Future.succeededFuture();
        }));
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

  /** The enforcement mode decided at start-up, or null before. */
  public synchronized String enforcement() {
    return choice == null ? null : choice.mode().wireName;
  }

  /** The enforcement mode, and why sizes go unenforced when they do. */
  @Override
  public synchronized Map<String, String> startupDecisions() {
    if (choice == null) {
      return Map.of();
    }
    Map<String, String> decisions = new LinkedHashMap<>();
    decisions.put("enforcement", choice.mode().wireName);
    if (!choice.note().isEmpty()) {
      decisions.put("note", choice.note());
    }
    return decisions;
  }

  /**
   * Decides the enforcement mode on first use (recover, before the driver answers) and
   * prepares it. Blocking.
   *
   * @throws DriverSettingsException when the mode the runefile names cannot work on this node
   */
  private synchronized VolumeStorage storage() throws IOException {
    if (storage == null) {
      EnforcementChoice chosen = EnforcementChoice.decide(settings.enforcement(), root.path(),
          EnforcementChoice.Node.real());
      VolumeStorage made = switch (chosen.mode()) {
        case BTRFS -> new BtrfsSubvolumes(root);
        case XFS_QUOTA -> new XfsProjectQuotas(root, chosen.mount().mountPoint());
        case LOOP -> new LoopImages(root);
        case NONE -> new PlainDirectories(root.path());
      };
      if (chosen.mode() == Enforcement.BTRFS) {
        BtrfsSubvolumes.enableQuotas(chosen.mount().mountPoint());
      }
      if (chosen.note().isEmpty()) {
        LOG.info("local volumes below {} keep their size with {} (on {} at {})", root.path(), chosen.mode().wireName,
            chosen.mount().type(), chosen.mount().mountPoint());
      } else {
        LOG.warn("local volumes below {}: {}", root.path(), chosen.note());
      }
      choice = chosen;
      storage = made;
    }
    return storage;
  }

  /** How snapshots are made in the enforcement mode. Blocking the first time. */
  private synchronized LocalSnapshots snapshots() throws IOException {
    if (snapshots == null) {
      snapshots = new LocalSnapshots(root, storage(), this::clones);
    }
    return snapshots;
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

  /** The directory of an existing volume, mounted where its mode mounts it. Blocking. */
  private Path existing(String handle) throws IOException {
    VolumeStorage storage = storage();
    Path dir = root.locate(handle, Kind.VOLUME);
    if (dir != null && ManagedRoot.isHandle(handle, Kind.VOLUME) && storage.exists(dir)) {
      storage.ready(dir);
    }
    return root.existing(handle, Kind.VOLUME);
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
