package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.cluster.ShardOwnership;
import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.model.ObjectKey;
import io.rune.storage.store.Fence;
import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A controller's driver call is made only while the node's leases are fresh; otherwise it fails with LeaseLost. */
class LeasedDriverTest {

  @Test
  void noCallReachesTheDriverWhileTheLeasesAreStale() {
    AtomicInteger calls = new AtomicInteger();
    AtomicBoolean fresh = new AtomicBoolean(true);
    StorageDriver leased = new LeasedDriver(counting(calls), ownership(fresh));

    assertThat(leased.delete(null, "h").succeeded()).isTrue();
    assertThat(calls).hasValue(1);

    fresh.set(false);
    Future<Void> refused = leased.delete(null, "h");
    assertThat(refused.cause()).isInstanceOf(ShardOwnership.LeaseLost.class)
        .hasMessageContaining("not fresh");
    assertThat(leased.unmount(null, "/t").failed()).isTrue();
    assertThat(calls).as("no call while stale").hasValue(1);

    fresh.set(true);
    assertThat(leased.unmount(null, "/t").succeeded()).isTrue();
    assertThat(calls).hasValue(2);
  }

  private static ShardOwnership ownership(AtomicBoolean fresh) {
    return new ShardOwnership() {
      @Override
      public boolean owns(ObjectKey key) {
        return fresh.get();
      }

      @Override
      public Fence fenceFor(ObjectKey key) {
        return new Fence(0, "n", 1);
      }

      @Override
      public boolean fresh() {
        return fresh.get();
      }
    };
  }

  private static StorageDriver counting(AtomicInteger calls) {
    return new StorageDriver() {
      @Override
      public String name() {
        return "counting";
      }

      @Override
      public DriverCapabilities capabilities() {
        return null;
      }

      @Override
      public Future<ProvisionedVolume> provision(DriverContext ctx, ProvisionRequest request) {
        calls.incrementAndGet();
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> delete(DriverContext ctx, String handle) {
        calls.incrementAndGet();
        return Future.succeededFuture();
      }

      @Override
      public Future<String> attach(DriverContext ctx, String handle, String node) {
        calls.incrementAndGet();
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> detach(DriverContext ctx, String handle, String node) {
        calls.incrementAndGet();
        return Future.succeededFuture();
      }

      @Override
      public Future<String> mount(DriverContext ctx, MountRequest request) {
        calls.incrementAndGet();
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> unmount(DriverContext ctx, String target) {
        calls.incrementAndGet();
        return Future.succeededFuture();
      }
    };
  }
}
