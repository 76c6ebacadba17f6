package io.rune.storage.driver;

import io.vertx.core.Future;
import java.util.Map;

/**
 * A storage backend, as STORAGE.md describes it. Every method returns a future and must be
 * idempotent: provisioning twice returns the same handle, deleting something already gone
 * succeeds. Failures are {@link DriverException}s whose {@link DriverError} tells the
 * controller whether retrying can help.
 *
 * <p>Handles are deterministic from the volume (or snapshot) uid, so a call repeated after
 * a crash finds what the first one made instead of making a second one.
 *
 * <p>Drivers are called by their {@code DriverVerticle}, never by controllers directly;
 * implementations must not block the event loop (file system work goes to a worker pool).
 * Operations a driver does not advertise fail with {@link DriverError#UNSUPPORTED}, which
 * is what the defaults below do.
 */
public interface StorageDriver {

  String name();

  DriverCapabilities capabilities();

  Future<ProvisionedVolume> provision(DriverContext ctx, ProvisionRequest request);

  Future<Void> delete(DriverContext ctx, String handle);

  /**
   * The handle of the storage that {@code request} made, or null when there is none; never
   * makes anything. Reclaim uses it when provisioning started but its result was never
   * recorded: it looks the storage up by its deterministic name and must check every field
   * that identifies it (name, region, tags for a cloud volume), so that storage which merely
   * looks similar is never taken for this volume's and deleted.
   */
  default Future<String> find(DriverContext ctx, ProvisionRequest request) {
    return DriverException.unsupported(name(), "finding storage without making it");
  }

  /** Makes the volume available on {@code node}; returns the device (or directory) path. */
  Future<String> attach(DriverContext ctx, String handle, String node);

  Future<Void> detach(DriverContext ctx, String handle, String node);

  /** Makes the volume usable at a path; returns the path the runner bind-mounts. */
  Future<String> mount(DriverContext ctx, MountRequest request);

  Future<Void> unmount(DriverContext ctx, String target);

  /** Takes a snapshot; says what it made and how ({@link MadeSnapshot#method()}). */
  default Future<MadeSnapshot> snapshot(DriverContext ctx, SnapshotRequest request) {
    return DriverException.unsupported(name(), "snapshots");
  }

  default Future<ProvisionedVolume> restore(DriverContext ctx, RestoreRequest request) {
    return DriverException.unsupported(name(), "restoring snapshots");
  }

  default Future<Void> deleteSnapshot(DriverContext ctx, String snapshotHandle) {
    return DriverException.unsupported(name(), "snapshots");
  }

  default Future<Void> expand(DriverContext ctx, String handle, long newSizeBytes) {
    return DriverException.unsupported(name(), "expanding volumes");
  }

  default Future<VolumeUsage> usage(DriverContext ctx, String handle) {
    return DriverException.unsupported(name(), "usage reports");
  }

  /**
   * Called once when the driver's verticle starts, before any other call: cleans up what a
   * crash left half done (partial copies, say). Nothing of this driver is in flight then.
   */
  default Future<Void> recover() {
    return Future.succeededFuture();
  }

  /**
   * What the driver decided when it started that its operator should know, once
   * {@link #recover} has run: the local driver's {@code enforcement} mode, say, and a
   * {@code note} when that leaves something undone. The server shows it in its start line and
   * in {@code /readyz}. Empty for most drivers.
   */
  default Map<String, String> startupDecisions() {
    return Map.of();
  }

  /** Releases what the driver holds (worker pools, clients); called when its verticle stops. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
