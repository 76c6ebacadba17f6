package io.rune.storage.driver.conformance;

import static java.nio.charset.StandardCharsets.UTF_8;

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
import io.vertx.core.Future;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The driver contract of STORAGE.md as checks a driver's test can run: each check calls the
 * driver from the calling (test) thread, waits for every future with a deadline, cleans up
 * what it provisioned (best effort, also when it fails) and throws an AssertionError that
 * says what the driver did wrong. Never call a check from an event loop.
 */
public final class DriverConformance {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  private static final String PROBE_FILE = "rune-conformance-probe";

  private final ConformanceTarget target;
  private final StorageDriver driver;
  private final DriverCalls calls;

  public DriverConformance(ConformanceTarget target) {
    this(target, DEFAULT_TIMEOUT);
  }

  /** @param timeout how long each driver call may take before the check fails */
  public DriverConformance(ConformanceTarget target, Duration timeout) {
    this.target = Objects.requireNonNull(target, "target");
    this.driver = Objects.requireNonNull(target.driver(), "target.driver()");
    this.calls = new DriverCalls(target.driverName(), timeout);
  }

  /**
   * Name and capabilities: the name is the provider's and a DNS label (it is part of event
   * bus addresses); at least one access mode; onlineExpand only with expand; topology keys
   * prefixed label keys (volumes' topology labels are checked as labels), each once.
   */
  public void checkCapabilitiesWellFormed() {
    List<String> problems = CapabilityRules.problems(driver, target.driverName());
    if (!problems.isEmpty()) {
      throw new AssertionError("driver '" + target.driverName() + "' has ill-formed capabilities: "
          + String.join("; ", problems));
    }
  }

  /**
   * provision → attach → mount → write and read a probe → unmount → detach → (snapshots)
   * snapshot → restore into a new volume, which holds the probe → delete the snapshot twice
   * → (expand) expand → delete both volumes, whose storage must then be gone.
   */
  public void checkLifecycle() {
    withCleanup(cleanup -> {
      DriverCapabilities caps = driver.capabilities();
      Volume volume = provision(cleanup, "conformance-lifecycle");
      byte[] probe = ("rune conformance probe of volume " + volume.request().uid() + "\n").getBytes(UTF_8);
      Mount mount = attachAndMount(cleanup, volume);
      writeProbe(mount, probe);
      checkProbe(mount, probe, "read back from the mounted volume");
      unmountAndDetach(mount);
      Volume restored = caps.snapshots() ? snapshotAndRestore(cleanup, volume, probe) : null;
      if (caps.expand()) {
        long newSize = volume.request().sizeBytes() * 2;
        calls.succeeds("expand of volume '" + volume.handle() + "' to " + newSize + " bytes (it advertises expand)",
            () -> driver.expand(volume.ctx(), volume.handle(), newSize));
      }
      deleteAndCheckStorage(caps, volume);
      if (restored != null) {
        deleteAndCheckStorage(caps, restored);
      }
    });
  }

  /**
   * Every call may be repeated: provision twice gives the same handle, snapshot twice the
   * same snapshot; detach of a never-attached volume, unmount and detach twice, delete twice,
   * delete of an unknown handle and deleteSnapshot of an unknown handle all succeed.
   */
  public void checkIdempotency() {
    withCleanup(cleanup -> {
      Volume volume = provision(cleanup, "conformance-idempotency");
      String secondProvision = "second provision of the same request (uid " + volume.request().uid() + ")";
      String again = handleOf(secondProvision, calls.succeeds(secondProvision,
          () -> driver.provision(volume.ctx(), volume.request())));
      cleanup.add("delete of volume '" + again + "'", () -> driver.delete(volume.ctx(), again));
      if (!again.equals(volume.handle())) {
        throw new AssertionError("driver '" + target.driverName() + "' is not idempotent: provisioning the same"
            + " request (uid " + volume.request().uid() + ") twice gave handle '" + volume.handle() + "', then '"
            + again + "'; a retried provision must find the first one's volume, not make another");
      }
      calls.succeeds("detach of volume '" + volume.handle() + "' (never attached)",
          () -> driver.detach(volume.ctx(), volume.handle(), target.node()));
      Mount mount = attachAndMount(cleanup, volume);
      unmountAndDetach(mount);
      calls.succeeds("second unmount of '" + mount.target() + "'", () -> driver.unmount(volume.ctx(), mount.target()));
      calls.succeeds("second detach of volume '" + volume.handle() + "'",
          () -> driver.detach(volume.ctx(), volume.handle(), target.node()));
      if (driver.capabilities().snapshots()) {
        checkSnapshotIdempotency(cleanup, volume);
      }
      calls.succeeds("delete of volume '" + volume.handle() + "'", () -> driver.delete(volume.ctx(), volume.handle()));
      calls.succeeds("second delete of volume '" + volume.handle() + "' (deleting something already gone succeeds)",
          () -> driver.delete(volume.ctx(), volume.handle()));
      String freshUid = uid();
      String unknown = unknownHandle(volume.handle(), volume.request().uid(), freshUid);
      DriverContext unknownCtx = target.contextFor(target.newVolume(freshUid, "conformance-never-provisioned"));
      calls.succeeds("delete of '" + unknown + "', a handle never provisioned (deleting something already gone"
          + " succeeds)", () -> driver.delete(unknownCtx, unknown));
    });
  }

  /**
   * find looks storage up and never makes it: after provision it gives the provisioned
   * handle; for a volume never provisioned it gives null and the storage that volume would get
   * still does not exist; after delete (a driver that removes storage) it gives null again.
   */
  public void checkFind() {
    withCleanup(cleanup -> {
      Volume volume = provision(cleanup, "conformance-find");
      String what = "find of volume uid " + volume.request().uid() + " after its provision";
      String found = calls.succeeds(what, () -> driver.find(volume.ctx(), volume.request()));
      if (!volume.handle().equals(found)) {
        throw new AssertionError("driver '" + target.driverName() + "': " + what + " gave '" + found
            + "' instead of the handle provision gave, '" + volume.handle() + "'");
      }
      ProvisionRequest never = target.unprovisionedVolume(uid(), "conformance-never-provisioned");
      DriverContext neverCtx = target.contextFor(never);
      String neverWhat = "find of volume uid " + never.uid() + ", never provisioned";
      String none = calls.succeeds(neverWhat, () -> driver.find(neverCtx, never));
      if (none != null) {
        cleanup.add("delete of volume '" + none + "'", () -> driver.delete(neverCtx, none));
        throw new AssertionError("driver '" + target.driverName() + "': " + neverWhat + " gave '" + none
            + "' instead of null; reclaim would take storage that is not this volume's for it");
      }
      String wouldBe = unknownHandle(volume.handle(), volume.request().uid(), never.uid());
      if (target.storageExists(wouldBe)) {
        cleanup.add("delete of volume '" + wouldBe + "'", () -> driver.delete(neverCtx, wouldBe));
        throw new AssertionError("driver '" + target.driverName() + "': " + neverWhat + " made storage ('"
            + wouldBe + "' exists after it); find must never make anything");
      }
      if (driver.capabilities().delete()) {
        calls.succeeds("delete of volume '" + volume.handle() + "'", () -> driver.delete(volume.ctx(), volume.handle()));
        String afterDelete = "find of volume uid " + volume.request().uid() + " after its delete";
        String gone = calls.succeeds(afterDelete, () -> driver.find(volume.ctx(), volume.request()));
        if (gone != null) {
          throw new AssertionError("driver '" + target.driverName() + "': " + afterDelete + " gave '" + gone
              + "' instead of null");
        }
      }
    });
  }

  /**
   * Each operation whose capability the driver does not advertise (snapshot and restore
   * without snapshots, expand without expand) fails with UNSUPPORTED: not another error,
   * which a controller might retry, and not success.
   *
   * @return the operations checked; empty when the driver advertises all of them
   */
  public List<String> checkUnsupportedOperations() {
    DriverCapabilities caps = driver.capabilities();
    List<String> checked = new ArrayList<>();
    if (caps.snapshots() && caps.expand()) {
      return checked;
    }
    List<String> problems = new ArrayList<>();
    withCleanup(cleanup -> {
      Volume volume = provision(cleanup, "conformance-unsupported");
      if (!caps.snapshots()) {
        checked.add("snapshot");
        expectUnsupported(problems, "snapshot of volume '" + volume.handle() + "'", "snapshots",
            () -> driver.snapshot(volume.ctx(), snapshotRequest(volume)));
        checked.add("restore");
        ProvisionRequest restoreRequest = target.newVolume(uid(), "conformance-unsupported-restore");
        DriverContext restoreCtx = target.contextFor(restoreRequest);
        String noSnapshot = "conformance-no-snapshot-" + restoreRequest.uid();
        expectUnsupported(problems, "restore of snapshot '" + noSnapshot + "'", "snapshots",
            () -> driver.restore(restoreCtx, new RestoreRequest(noSnapshot, restoreRequest)));
      }
      if (!caps.expand()) {
        checked.add("expand");
        expectUnsupported(problems, "expand of volume '" + volume.handle() + "'", "expand",
            () -> driver.expand(volume.ctx(), volume.handle(), volume.request().sizeBytes() * 2));
      }
      if (!problems.isEmpty()) {
        throw new AssertionError("driver '" + target.driverName() + "' does not answer UNSUPPORTED for what it does"
            + " not advertise: " + String.join("; ", problems));
      }
    });
    return checked;
  }

  private void checkSnapshotIdempotency(Cleanup cleanup, Volume volume) {
    SnapshotRequest request = snapshotRequest(volume);
    String first = snapshot(cleanup, volume, request);
    String second = calls.succeeds("second snapshot of the same request (uid " + request.snapshotUid() + ")",
        () -> driver.snapshot(volume.ctx(), request)).handle();
    cleanup.add("deleteSnapshot of '" + second + "'", () -> driver.deleteSnapshot(volume.ctx(), second));
    if (!second.equals(first)) {
      throw new AssertionError("driver '" + target.driverName() + "' is not idempotent: snapshotting with the same"
          + " snapshot uid twice gave '" + first + "', then '" + second + "'");
    }
    String unknown = unknownHandle(first, request.snapshotUid(), uid());
    calls.succeeds("deleteSnapshot of '" + unknown + "', a snapshot handle never made (deleting something already"
        + " gone succeeds)", () -> driver.deleteSnapshot(volume.ctx(), unknown));
  }

  private Volume snapshotAndRestore(Cleanup cleanup, Volume source, byte[] probe) {
    String snapshot = snapshot(cleanup, source, snapshotRequest(source));
    ProvisionRequest request = target.newVolume(uid(), "conformance-restored");
    DriverContext ctx = target.contextFor(request);
    String restore = "restore of snapshot '" + snapshot + "' into a new volume (uid " + request.uid() + ")";
    String handle = handleOf(restore, calls.succeeds(restore, () -> driver.restore(ctx, new RestoreRequest(snapshot,
        request))));
    cleanup.add("delete of restored volume '" + handle + "'", () -> driver.delete(ctx, handle));
    if (handle.equals(source.handle())) {
      throw new AssertionError("driver '" + target.driverName() + "': restore of snapshot '" + snapshot
          + "' returned the source volume's handle '" + handle + "' instead of a new volume");
    }
    Volume restored = new Volume(ctx, request, handle);
    Mount mount = attachAndMount(cleanup, restored);
    checkProbe(mount, probe, "read from the volume restored from snapshot '" + snapshot
        + "' (the probe was written before the snapshot)");
    unmountAndDetach(mount);
    calls.succeeds("deleteSnapshot of '" + snapshot + "'", () -> driver.deleteSnapshot(source.ctx(), snapshot));
    calls.succeeds("second deleteSnapshot of '" + snapshot + "' (deleting something already gone succeeds)",
        () -> driver.deleteSnapshot(source.ctx(), snapshot));
    return restored;
  }

  private String snapshot(Cleanup cleanup, Volume volume, SnapshotRequest request) {
    MadeSnapshot made = calls.succeeds("snapshot of volume '" + volume.handle() + "' (it advertises snapshots)",
        () -> driver.snapshot(volume.ctx(), request));
    String handle = made == null ? null : made.handle();
    if (handle == null || handle.isBlank()) {
      throw new AssertionError("driver '" + target.driverName() + "': snapshot of volume '" + volume.handle()
          + "' returned no snapshot handle");
    }
    cleanup.add("deleteSnapshot of '" + handle + "'", () -> driver.deleteSnapshot(volume.ctx(), handle));
    if (made.method() == null || made.method().isBlank()) {
      throw new AssertionError("driver '" + target.driverName() + "': snapshot of volume '" + volume.handle()
          + "' does not say how it was made (MadeSnapshot.method: subvolume, reflink, copy, or its backend's"
          + " own word)");
    }
    return handle;
  }

  private SnapshotRequest snapshotRequest(Volume volume) {
    return new SnapshotRequest(volume.handle(), uid(), "conformance-snapshot", volume.request().namespace());
  }

  private Volume provision(Cleanup cleanup, String name) {
    ProvisionRequest request = target.newVolume(uid(), name);
    DriverContext ctx = target.contextFor(request);
    String what = "provision of volume uid " + request.uid();
    ProvisionedVolume provisioned = calls.succeeds(what, () -> driver.provision(ctx, request));
    String handle = handleOf(what, provisioned);
    cleanup.add("delete of volume '" + handle + "'", () -> driver.delete(ctx, handle));
    List<String> badKeys = CapabilityRules.topologyKeyProblems(provisioned.topology().keySet());
    if (!badKeys.isEmpty()) {
      throw new AssertionError("driver '" + target.driverName() + "': provision of volume uid " + request.uid()
          + " reported an ill-formed topology: " + String.join("; ", badKeys));
    }
    return new Volume(ctx, request, handle);
  }

  private String handleOf(String what, ProvisionedVolume volume) {
    if (volume == null || volume.handle() == null || volume.handle().isBlank()) {
      throw new AssertionError("driver '" + target.driverName() + "': " + what + " returned no handle");
    }
    return volume.handle();
  }

  private Mount attachAndMount(Cleanup cleanup, Volume volume) {
    String device = calls.succeeds("attach of volume '" + volume.handle() + "' on node " + target.node(),
        () -> driver.attach(volume.ctx(), volume.handle(), target.node()));
    cleanup.add("detach of volume '" + volume.handle() + "'",
        () -> driver.detach(volume.ctx(), volume.handle(), target.node()));
    if (device == null || device.isBlank()) {
      throw new AssertionError("driver '" + target.driverName() + "': attach of volume '" + volume.handle()
          + "' returned no device path");
    }
    MountRequest request = new MountRequest(volume.handle(), target.node(), device, target.mountTarget(), false,
        target.fsType());
    String path = calls.succeeds("mount of volume '" + volume.handle() + "' at '" + request.target() + "'",
        () -> driver.mount(volume.ctx(), request));
    cleanup.add("unmount of '" + request.target() + "'", () -> driver.unmount(volume.ctx(), request.target()));
    if (path == null || path.isBlank()) {
      throw new AssertionError("driver '" + target.driverName() + "': mount of volume '" + volume.handle()
          + "' returned no path");
    }
    return new Mount(volume, request.target(), path);
  }

  private void unmountAndDetach(Mount mount) {
    Volume volume = mount.volume();
    calls.succeeds("unmount of '" + mount.target() + "'", () -> driver.unmount(volume.ctx(), mount.target()));
    calls.succeeds("detach of volume '" + volume.handle() + "'",
        () -> driver.detach(volume.ctx(), volume.handle(), target.node()));
  }

  private void writeProbe(Mount mount, byte[] probe) {
    try {
      target.writeProbe(mount.path(), PROBE_FILE, probe);
    } catch (IOException e) {
      throw new AssertionError("driver '" + target.driverName() + "': could not write a probe file into volume '"
          + mount.volume().handle() + "' mounted at '" + mount.path() + "': " + e, e);
    }
  }

  private void checkProbe(Mount mount, byte[] expected, String where) {
    byte[] actual;
    try {
      actual = target.readProbe(mount.path(), PROBE_FILE);
    } catch (IOException e) {
      throw new AssertionError("driver '" + target.driverName() + "': the probe file could not be " + where
          + " at '" + mount.path() + "': " + e, e);
    }
    if (!Arrays.equals(expected, actual)) {
      throw new AssertionError("driver '" + target.driverName() + "': the probe file " + where + " at '"
          + mount.path() + "' is not what was written (" + (actual == null ? "null" : actual.length + " bytes")
          + " read, " + expected.length + " written)");
    }
  }

  private void deleteAndCheckStorage(DriverCapabilities caps, Volume volume) {
    // Storage missing before the delete would make "gone after it" prove nothing.
    if ((caps.delete() || target.probesRetainedStorage()) && !target.storageExists(volume.handle())) {
      throw new AssertionError("driver '" + target.driverName() + "': storageExists says volume '" + volume.handle()
          + "' has no storage before its delete (did provision or restore make nothing, or is the target's"
          + " probe wrong?)");
    }
    calls.succeeds("delete of volume '" + volume.handle() + "'", () -> driver.delete(volume.ctx(), volume.handle()));
    boolean exists = target.storageExists(volume.handle());
    if (caps.delete() && exists) {
      throw new AssertionError("driver '" + target.driverName() + "' leaks on delete: delete of volume '"
          + volume.handle() + "' succeeded but its storage still exists");
    }
    if (!caps.delete() && target.probesRetainedStorage() && !exists) {
      throw new AssertionError("driver '" + target.driverName() + "' does not advertise delete, so its storage is"
          + " kept by design, yet delete of volume '" + volume.handle() + "' removed it");
    }
  }

  private void expectUnsupported(List<String> problems, String what, String capability,
      Supplier<? extends Future<?>> call) {
    Optional<Throwable> failure;
    try {
      failure = calls.outcome(what, call);
    } catch (AssertionError thrownOrLate) {
      problems.add(thrownOrLate.getMessage());
      return;
    }
    if (failure.isEmpty()) {
      problems.add(what + " succeeded though it does not advertise " + capability);
    } else if (!(failure.get() instanceof DriverException e) || e.error() != DriverError.UNSUPPORTED) {
      problems.add(what + " failed with " + DriverCalls.describe(failure.get()) + " instead of UNSUPPORTED");
    }
  }

  private String unknownHandle(String knownHandle, String knownUid, String freshUid) {
    String unknown = target.unknownHandle(knownHandle, knownUid, freshUid);
    if (unknown.equals(knownHandle)) {
      throw new AssertionError("ConformanceTarget.unknownHandle gave back the known handle '" + knownHandle + "'");
    }
    return unknown;
  }

  private void withCleanup(Consumer<Cleanup> check) {
    Cleanup cleanup = new Cleanup(calls);
    Throwable failure = null;
    try {
      check.accept(cleanup);
    } catch (RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      cleanup.run(failure);
    }
  }

  private static String uid() {
    return UUID.randomUUID().toString();
  }

  private record Volume(DriverContext ctx, ProvisionRequest request, String handle) {}

  private record Mount(Volume volume, String target, String path) {}
}
