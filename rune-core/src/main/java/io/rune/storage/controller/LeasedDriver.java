package io.rune.storage.controller;

import io.rune.storage.cluster.ShardOwnership;
import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.driver.VolumeUsage;
import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * The driver as a controller calls it: a call is made only while this node's leases are
 * fresh. A node that was paused, or cut off from the database, past its renew deadline may
 * have lost its shards to another node that is making the same call now; so the call fails
 * at once with {@link ShardOwnership.LeaseLost}, the reconcile ends and nothing is recorded.
 */
final class LeasedDriver implements StorageDriver {
  private final StorageDriver driver;
  private final ShardOwnership ownership;

  LeasedDriver(StorageDriver driver, ShardOwnership ownership) {
    this.driver = driver;
    this.ownership = ownership;
  }

  private <T> Future<T> whileFresh(Supplier<Future<T>> call) {
    if (!ownership.fresh()) {
      return Future.failedFuture(new ShardOwnership.LeaseLost("this node's shard leases are not fresh (not renewed"
          + " within the renew deadline): no driver call is made until they are"));
    }
    return call.get();
  }

  @Override
  public String name() {
    return driver.name();
  }

  @Override
  public DriverCapabilities capabilities() {
    return driver.capabilities();
  }

  @Override
  public Future<ProvisionedVolume> provision(DriverContext ctx, ProvisionRequest request) {
    return whileFresh(() -> driver.provision(ctx, request));
  }

  @Override
  public Future<Void> delete(DriverContext ctx, String handle) {
    return whileFresh(() -> driver.delete(ctx, handle));
  }

  @Override
  public Future<String> find(DriverContext ctx, ProvisionRequest request) {
    return whileFresh(() -> driver.find(ctx, request));
  }

  @Override
  public Future<String> attach(DriverContext ctx, String handle, String node) {
    return whileFresh(() -> driver.attach(ctx, handle, node));
  }

  @Override
  public Future<Void> detach(DriverContext ctx, String handle, String node) {
    return whileFresh(() -> driver.detach(ctx, handle, node));
  }

  @Override
  public Future<String> mount(DriverContext ctx, MountRequest request) {
    return whileFresh(() -> driver.mount(ctx, request));
  }

  @Override
  public Future<Void> unmount(DriverContext ctx, String target) {
    return whileFresh(() -> driver.unmount(ctx, target));
  }

  @Override
  public Future<MadeSnapshot> snapshot(DriverContext ctx, SnapshotRequest request) {
    return whileFresh(() -> driver.snapshot(ctx, request));
  }

  @Override
  public Future<ProvisionedVolume> restore(DriverContext ctx, RestoreRequest request) {
    return whileFresh(() -> driver.restore(ctx, request));
  }

  @Override
  public Future<Void> deleteSnapshot(DriverContext ctx, String snapshotHandle) {
    return whileFresh(() -> driver.deleteSnapshot(ctx, snapshotHandle));
  }

  @Override
  public Future<Void> expand(DriverContext ctx, String handle, long newSizeBytes) {
    return whileFresh(() -> driver.expand(ctx, handle, newSizeBytes));
  }

  @Override
  public Future<VolumeUsage> usage(DriverContext ctx, String handle) {
    return whileFresh(() -> driver.usage(ctx, handle));
  }

  @Override
  public Future<Void> recover() {
    return driver.recover();
  }

  @Override
  public Future<Void> close() {
    return driver.close();
  }
}
