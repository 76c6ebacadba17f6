package io.rune.storage.testing.drivers;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.StorageDriver;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Provisioning that fails as the class's parameters say: {@code failWith} (a DriverError
 * name, default TRANSIENT) for the first {@code failFirst} calls per volume ("always" for
 * every call). Every provision call is recorded with its time, so tests can see how often
 * and when the controller called. Storage is a set of handles in memory. A snapshot copies
 * nothing, but with {@code copySeconds} it takes that long and reports its progress (1 GiB
 * in all) ten times a second, as a slow copy would. With {@code failDelete} (a DriverError
 * name) every delete fails so; delete calls are recorded too.
 */
public final class FaultyDriver implements StorageDriver {
  static final long COPY_BYTES = 1L << 30;
  private final Vertx vertx;

  FaultyDriver(Vertx vertx) {
    this.vertx = vertx;
  }

  private static final Map<String, List<Instant>> CALLS = new ConcurrentHashMap<>();
  private static final Map<String, Boolean> STORAGE = new ConcurrentHashMap<>();
  private static final Map<String, List<Instant>> DELETE_CALLS = new ConcurrentHashMap<>();

  /** The times delete was called for this handle. */
  public static List<Instant> deleteCalls(String handle) {
    return List.copyOf(DELETE_CALLS.getOrDefault(handle, List.of()));
  }

  /** The times provision was called for the volume with this uid. */
  public static List<Instant> provisionCalls(String uid) {
    return List.copyOf(CALLS.getOrDefault(uid, List.of()));
  }

  public static boolean holds(String handle) {
    return STORAGE.containsKey(handle);
  }

  @Override
  public String name() {
    return FaultyDriverProvider.NAME;
  }

  @Override
  public DriverCapabilities capabilities() {
    return new FaultyDriverProvider().capabilities();
  }

  @Override
  public Future<ProvisionedVolume> provision(DriverContext ctx, ProvisionRequest request) {
    List<Instant> calls = CALLS.computeIfAbsent(request.uid(), uid -> new CopyOnWriteArrayList<>());
    calls.add(Instant.now());
    String failFirst = ctx.parameters().getOrDefault("failFirst", "0");
    boolean fail = failFirst.equals("always") || calls.size() <= Integer.parseInt(failFirst);
    if (fail) {
      DriverError error = DriverError.valueOf(ctx.parameters().getOrDefault("failWith", "TRANSIENT"));
      return Future.failedFuture(new DriverException(error, "the test backend refused (call " + calls.size() + ")"));
    }
    String handle = "faulty:" + request.uid();
    STORAGE.put(handle, true);
    return Future.succeededFuture(new ProvisionedVolume(handle, Map.of()));
  }

  @Override
  public Future<String> snapshot(DriverContext ctx, io.rune.storage.driver.SnapshotRequest request) {
    String handle = "faulty-snapshot:" + request.snapshotUid();
    long steps = Long.parseLong(ctx.parameters().getOrDefault("copySeconds", "0")) * 10;
    Promise<String> copied = Promise.promise();
    long[] step = {0};
    Runnable copy = new Runnable() {
      @Override
      public void run() {
        ctx.progress().report(COPY_BYTES * step[0] / Math.max(1, steps), COPY_BYTES);
        if (step[0]++ >= steps) {
          STORAGE.put(handle, true);
          copied.complete(handle);
        } else {
          vertx.setTimer(100, id -> this.run());
        }
      }
    };
    copy.run();
    return copied.future();
  }

  @Override
  public Future<ProvisionedVolume> restore(DriverContext ctx, io.rune.storage.driver.RestoreRequest request) {
    if (!STORAGE.containsKey(request.snapshotHandle())) {
      return Future.failedFuture(new DriverException(DriverError.NOT_FOUND, "no snapshot " + request.snapshotHandle()));
    }
    return provision(ctx, request.volume());
  }

  @Override
  public Future<Void> deleteSnapshot(DriverContext ctx, String snapshotHandle) {
    STORAGE.remove(snapshotHandle);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> delete(DriverContext ctx, String handle) {
    List<Instant> calls = DELETE_CALLS.computeIfAbsent(handle, h -> new CopyOnWriteArrayList<>());
    calls.add(Instant.now());
    // failDelete: a DriverError name; every delete fails with it (blamed as its type's default).
    String failDelete = ctx.parameters().get("failDelete");
    if (failDelete != null) {
      return Future.failedFuture(new DriverException(DriverError.valueOf(failDelete),
          "the test backend refused to delete " + handle + " (call " + calls.size() + ")"));
    }
    STORAGE.remove(handle);
    return Future.succeededFuture();
  }

  @Override
  public Future<String> attach(DriverContext ctx, String handle, String node) {
    return Future.succeededFuture("/dev/faulty");
  }

  @Override
  public Future<Void> detach(DriverContext ctx, String handle, String node) {
    return Future.succeededFuture();
  }

  @Override
  public Future<String> mount(DriverContext ctx, MountRequest request) {
    return Future.succeededFuture(request.target());
  }

  @Override
  public Future<Void> unmount(DriverContext ctx, String target) {
    return Future.succeededFuture();
  }
}
