package io.rune.storage.driver.conformance;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.SnapshotRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/** Reference drivers with one thing broken each, which the suite must reject. */
final class BrokenDrivers {
  private BrokenDrivers() {}

  /** Forgets what it provisioned: each provision of the same request makes a new volume. */
  static final class NewHandleEveryProvision extends DirectoryDriver {
    private final AtomicInteger provisions = new AtomicInteger();

    NewHandleEveryProvision(Vertx vertx, Path root) {
      super(vertx, root, EVERY_CAPABILITY);
    }

    @Override
    protected String volumeHandle(ProvisionRequest request) {
      return super.volumeHandle(request) + "-" + provisions.incrementAndGet();
    }
  }

  /** Advertises snapshots, but its backend times out on every one. */
  static final class SnapshotAlwaysFails extends DirectoryDriver {
    SnapshotAlwaysFails(Vertx vertx, Path root) {
      super(vertx, root, EVERY_CAPABILITY);
    }

    @Override
    public Future<MadeSnapshot> snapshot(DriverContext ctx, SnapshotRequest request) {
      return Future.failedFuture(new DriverException(DriverError.TRANSIENT, "snapshot backend timed out"));
    }
  }

  /** Takes snapshots, and does not say how (as a node of an older build answers). */
  static final class SaysNotHowItSnapshots extends DirectoryDriver {
    SaysNotHowItSnapshots(Vertx vertx, Path root) {
      super(vertx, root, EVERY_CAPABILITY);
    }

    @Override
    public Future<MadeSnapshot> snapshot(DriverContext ctx, SnapshotRequest request) {
      return super.snapshot(ctx, request).map(made -> new MadeSnapshot(made.handle(), null));
    }
  }

  /** Says it deleted a volume and leaves its directory where it was. */
  static final class LeaksOnDelete extends DirectoryDriver {
    LeaksOnDelete(Vertx vertx, Path root) {
      super(vertx, root, EVERY_CAPABILITY);
    }

    @Override
    public Future<Void> delete(DriverContext ctx, String handle) {
      return Future.succeededFuture();
    }
  }

  /** Does not advertise expand, yet expands when asked (the reference can: it is built with expand). */
  static final class ExpandsWithoutAdvertising extends DirectoryDriver {
    private static final DriverCapabilities ADVERTISED = new DriverCapabilities(
        EVERY_CAPABILITY.accessModes(), true, false, false, true, EVERY_CAPABILITY.topologyKeys(), false);

    ExpandsWithoutAdvertising(Vertx vertx, Path root) {
      super(vertx, root, EVERY_CAPABILITY);
    }

    @Override
    public DriverCapabilities capabilities() {
      return ADVERTISED;
    }
  }

  /** Looks a volume up by provisioning it, as reclaim once did: finding makes what it looks for. */
  static final class FindProvisions extends DirectoryDriver {
    FindProvisions(Vertx vertx, Path root) {
      super(vertx, root, EVERY_CAPABILITY);
    }

    @Override
    public Future<String> find(DriverContext ctx, ProvisionRequest request) {
      return provision(ctx, request).map(ProvisionedVolume::handle);
    }
  }
}
