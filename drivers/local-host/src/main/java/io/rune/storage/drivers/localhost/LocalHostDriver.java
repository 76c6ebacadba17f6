package io.rune.storage.drivers.localhost;

import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.driver.files.DirectoryUsage;
import io.rune.storage.driver.files.PathFaults;
import io.rune.storage.model.AccessMode;
import io.rune.storage.model.ValidationException;
import io.rune.storage.security.HostPathPolicy;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local-host driver (STORAGE.md, "Security defaults"): a volume is a host directory the
 * volume names in {@code hostPath}, allowed by the {@link HostPathPolicy}; its handle is the
 * directory's real path. The policy was applied when the volume was written, but the file
 * system may have changed since (a directory swapped for a symbolic link), so every call
 * that hands the directory out checks it again. All file system work runs on a small worker
 * pool of its own.
 */
public final class LocalHostDriver implements StorageDriver {

  public static final String NAME = "local-host";
  public static final String NODE_LABEL = "rune.io/node";
  public static final String ROOT_LABEL = "rune.io/host-path-root";

  /** The reason word of a host directory a symbolic link was swapped in for. */
  static final String REFUSED = "HostPathRefused";
  /** The reason word of a host directory that does not exist (and may not be created). */
  static final String MISSING = "HostPathMissing";

  private static final String FIELD = "hostPath";
  private static final Logger LOG = LoggerFactory.getLogger(LocalHostDriver.class);

  private final DriverEnvironment environment;
  private final HostPathPolicy policy;
  private final WorkerExecutor workers;
  private final PathFaults faults;

  public LocalHostDriver(DriverEnvironment environment) {
    this.environment = environment;
    this.policy = environment.storage().hostPaths();
    this.workers = environment.vertx().createSharedWorkerExecutor("rune-driver-local-host", 4);
    // No root every call needs: each host directory is the operator's, and fails alone.
    this.faults = new PathFaults(NAME, "HostPathBlocked", null);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public DriverCapabilities capabilities() {
    return LocalHostDriverProvider.CAPABILITIES;
  }

  @Override
  public Future<ProvisionedVolume> provision(DriverContext ctx, ProvisionRequest request) {
    String hostPath = ctx == null ? null : ctx.volumeField(FIELD);
    boolean createIfMissing = ctx != null && ctx.volume() != null
        && Boolean.TRUE.equals(ctx.volume().getValue("createIfMissing"));
    return blocking("provision " + FIELD + " " + hostPath, () -> {
      checkRequest(request);
      Path real = allowed(hostPath);
      if (!Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
        create(hostPath, real, createIfMissing);
      }
      if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
        throw faults.blocked(FIELD + " of the volume: ", real);
      }
      Path entry = policy.allowlistEntryOf(real).orElseThrow(() -> notAllowed(
          describe(hostPath, real) + " is not under [storage] hostPathAllowlist"));
      return new ProvisionedVolume(real.toString(), Map.of(NODE_LABEL, environment.node(), ROOT_LABEL,
          entry.toString()));
    });
  }

  /**
   * The handle provision gave (or would give) the volume: the real path of its host directory,
   * when that is allowed and exists as a directory; null otherwise. Never creates it.
   */
  @Override
  public Future<String> find(DriverContext ctx, ProvisionRequest request) {
    String hostPath = ctx == null ? null : ctx.volumeField(FIELD);
    return blocking("look up " + FIELD + " " + hostPath, () -> {
      Path real;
      try {
        checkRequest(request);
        real = allowed(hostPath);
      } catch (DriverException refused) {
        return null;
      }
      return Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS) ? real.toString() : null;
    });
  }

  /** Creates a missing host directory, which takes both the volume's and the operator's consent. */
  private void create(String hostPath, Path real, boolean createIfMissing) throws IOException {
    boolean allowCreateMissing = environment.storage().allowCreateMissing();
    if (!createIfMissing || !allowCreateMissing) {
      String missing = describe(hostPath, real) + " does not exist on node " + environment.node();
      if (!createIfMissing && !allowCreateMissing) {
        throw missing(missing + ": create it, or set createIfMissing: true on the"
            + " volume and ask an operator to set [storage] allowCreateMissing = true in the runefile");
      }
      if (!createIfMissing) {
        throw missing(missing + ": create it, or set createIfMissing: true on the volume");
      }
      throw missing(missing + " and [storage] allowCreateMissing is false in the"
          + " runefile, so createIfMissing cannot create it: create it, or ask an operator to set"
          + " allowCreateMissing = true");
    }
    Files.createDirectories(real);
    // createDirectories follows links it meets on the way: check what it really made.
    Path made = allowed(real.toString());
    if (!made.equals(real)) {
      throw refused(describe(hostPath, real) + " changed while it was being created"
          + " (it now leads to " + made + " through a symbolic link)");
    }
    LOG.info("created host directory {} for a local-host volume (createIfMissing)", real);
  }

  /** Host directories belong to the operator: a local-host volume never removes one. */
  @Override
  public Future<Void> delete(DriverContext ctx, String handle) {
    LOG.debug("local-host volume {} deleted; its host directory is left as it is", handle);
    return Future.succeededFuture();
  }

  @Override
  public Future<String> attach(DriverContext ctx, String handle, String node) {
    return blocking("attach " + handle, () -> {
      checkNode(node, handle);
      return hostDirectory(handle).toString();
    });
  }

  @Override
  public Future<Void> detach(DriverContext ctx, String handle, String node) {
    return Future.succeededFuture();
  }

  /** The directory the runner bind-mounts; readOnly is the runner's bind option. */
  @Override
  public Future<String> mount(DriverContext ctx, MountRequest request) {
    return blocking("mount " + request.handle(), () -> {
      checkNode(request.node(), request.handle());
      return hostDirectory(request.handle()).toString();
    });
  }

  @Override
  public Future<Void> unmount(DriverContext ctx, String target) {
    return Future.succeededFuture();
  }

  @Override
  public Future<VolumeUsage> usage(DriverContext ctx, String handle) {
    return blocking("measure " + handle, () -> {
      Path dir = hostDirectory(handle);
      return DirectoryUsage.measure(dir, dir);
    });
  }

  @Override
  public Future<Void> close() {
    return workers.close();
  }

  private void checkRequest(ProvisionRequest request) {
    Optional<AccessMode> mode = AccessMode.parse(request.accessMode());
    if (request.accessMode() != null
        && (mode.isEmpty() || !LocalHostDriverProvider.CAPABILITIES.accessModes().contains(mode.get()))) {
      throw new DriverException(DriverError.ACCESS_MODE_UNSUPPORTED, "the local-host driver supports"
          + " ReadWriteOnce and ReadOnlyMany (a directory on one node), not " + request.accessMode());
    }
    String wanted = request.topology().get(NODE_LABEL);
    if (wanted != null && !wanted.equals(environment.node())) {
      throw DriverException.permanent("volume " + request.namespace() + "/" + request.name() + " is to be"
          + " placed on node " + wanted + ", but this is the local-host driver of node " + environment.node());
    }
  }

  /**
   * The directory of a handle, checked again: still allowed, still itself (no symbolic link
   * put in its place since it was provisioned), still a directory.
   */
  private Path hostDirectory(String handle) {
    Path real = allowed(handle);
    if (!real.equals(Path.of(handle).normalize())) {
      throw refused("host directory " + handle + " now leads to " + real + " through a symbolic link;"
          + " refusing to hand it out: put the directory back in place of the link, then run retry");
    }
    if (!Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
      throw DriverException.objectFault(DriverError.NOT_FOUND, MISSING, "host directory " + handle
          + " does not exist on node " + environment.node() + ": create it again, then run retry");
    }
    if (!Files.isDirectory(real, LinkOption.NOFOLLOW_LINKS)) {
      throw faults.blocked("host directory " + handle + ": ", real);
    }
    return real;
  }

  /** The real path of an allowed host path; refused (the object's fault) as the policy says. */
  private Path allowed(String hostPath) {
    try {
      return policy.check(FIELD, hostPath);
    } catch (ValidationException e) {
      throw notAllowed(e.getMessage());
    }
  }

  /** A host path the policy refuses: the same word the API answers at write time. */
  private static DriverException notAllowed(String message) {
    return DriverException.objectFault(DriverError.INVALID_CONFIG, HostPathPolicy.NOT_ALLOWED, message);
  }

  /** A host path that changed under the volume (a link swapped in): refused until someone restores it. */
  private static DriverException refused(String message) {
    return DriverException.objectFault(DriverError.INVALID_CONFIG, REFUSED, message);
  }

  private static DriverException missing(String message) {
    return DriverException.objectFault(DriverError.INVALID_CONFIG, MISSING, message);
  }

  private static String describe(String hostPath, Path real) {
    return real.toString().equals(hostPath)
        ? FIELD + " \"" + hostPath + "\"" : FIELD + " \"" + hostPath + "\" (" + real + ")";
  }

  /** A null node is taken as this one: the call came to this node's own driver address. */
  private void checkNode(String node, String handle) {
    if (node != null && !node.equals(environment.node())) {
      throw DriverException.permanent("volume " + handle + " lives on node " + environment.node() + ", not "
          + node + ": a host directory can only be used on its own node");
    }
  }

  /** File system work on the driver's pool, its failures classified there (which may block). */
  private <T> Future<T> blocking(String what, Callable<T> work) {
    return faults.onWorkers(workers, what, work);
  }
}
