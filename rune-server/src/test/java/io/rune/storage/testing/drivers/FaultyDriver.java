package io.rune.storage.testing.drivers;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.driver.StorageDriver;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A driver that fails on command ({@link FaultPlan} reads the commands from the call's
 * parameters and from what the test switched at run time) and counts every call that reaches
 * it, with its time: per operation and per object, under the volume's (or snapshot's) uid
 * and under the handle the call is about, so tests can see how often and when the controller
 * called. Calls an open breaker failed fast never reach it and are not counted.
 *
 * <p>Storage is a map of handles to sizes in memory. A snapshot copies nothing, but with
 * {@code copySeconds} it takes that long and reports its progress (1 GiB in all) ten times a
 * second, as a slow copy would.
 */
public final class FaultyDriver implements StorageDriver {
  static final long COPY_BYTES = 1L << 30;

  /** The operations, named as the failure parameters name them ({@code failDelete}). */
  public enum Op {
    PROVISION("Provision"), FIND("Find"), DELETE("Delete"), ATTACH("Attach"), DETACH("Detach"),
    MOUNT("Mount"), UNMOUNT("Unmount"), SNAPSHOT("Snapshot"), RESTORE("Restore"),
    DELETE_SNAPSHOT("DeleteSnapshot"), EXPAND("Expand");

    private final String word;

    Op(String word) {
      this.word = word;
    }

    public String word() {
      return word;
    }
  }

  private static final Map<String, List<Instant>> CALLS = new ConcurrentHashMap<>();
  private static final Map<String, Long> STORAGE = new ConcurrentHashMap<>();

  private final Vertx vertx;
  private final DriverProvider provider;

  /** A driver named as {@code provider} and as capable; calls and storage are shared by all. */
  FaultyDriver(Vertx vertx, DriverProvider provider) {
    this.vertx = vertx;
    this.provider = provider;
  }

  /** The times {@code op} was called about the object with this uid or handle. */
  public static List<Instant> calls(Op op, String uidOrHandle) {
    return List.copyOf(CALLS.getOrDefault(op + "/" + uidOrHandle, List.of()));
  }

  /** The times provision was called for the volume with this uid. */
  public static List<Instant> provisionCalls(String uid) {
    return calls(Op.PROVISION, uid);
  }

  /** The handle the driver gives the volume with this uid. */
  public static String handleOf(String uid) {
    return "faulty:" + uid;
  }

  public static boolean holds(String handle) {
    return STORAGE.containsKey(handle);
  }

  /** The size of the storage behind {@code handle} in bytes, or null when there is none. */
  public static Long sizeOf(String handle) {
    return STORAGE.get(handle);
  }

  /** Every call from now on to {@code backend} fails as a backend that is down would, until switched back. */
  public static void backendDown(String backend, boolean down) {
    FaultPlan.set(backend, "failAll", down ? "BACKEND" : "none");
  }

  @Override
  public String name() {
    return provider.name();
  }

  @Override
  public DriverCapabilities capabilities() {
    return provider.capabilities();
  }

  @Override
  public Future<ProvisionedVolume> provision(DriverContext ctx, ProvisionRequest request) {
    return call(Op.PROVISION, ctx, request.uid(), () -> {
      // provisionMillis: a slow backend, so a test can act while the call is in flight.
      long millis = Long.parseLong(ctx.parameters().getOrDefault("provisionMillis", "0"));
      if (millis <= 0) {
        return make(request);
      }
      Promise<ProvisionedVolume> made = Promise.promise();
      vertx.setTimer(millis, id -> make(request).onComplete(made));
      return made.future();
    });
  }

  @Override
  public Future<String> find(DriverContext ctx, ProvisionRequest request) {
    return call(Op.FIND, ctx, request.uid(), () -> {
      String handle = handleOf(request.uid());
      return Future.succeededFuture(STORAGE.containsKey(handle) ? handle : null);
    });
  }

  @Override
  public Future<Void> delete(DriverContext ctx, String handle) {
    return call(Op.DELETE, ctx, handle, () -> forget(handle));
  }

  @Override
  public Future<Void> expand(DriverContext ctx, String handle, long newSizeBytes) {
    return call(Op.EXPAND, ctx, handle, () -> {
      if (STORAGE.computeIfPresent(handle, (h, size) -> Math.max(size, newSizeBytes)) == null) {
        return Future.failedFuture(DriverException.objectFault(DriverError.NOT_FOUND, null,
            "the test backend holds no volume " + handle));
      }
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<MadeSnapshot> snapshot(DriverContext ctx, SnapshotRequest request) {
    return call(Op.SNAPSHOT, ctx, request.snapshotUid(), () -> copy(ctx, "faulty-snapshot:" + request.snapshotUid())
        .map(handle -> new MadeSnapshot(handle, MadeSnapshot.COPY)));
  }

  @Override
  public Future<ProvisionedVolume> restore(DriverContext ctx, RestoreRequest request) {
    return call(Op.RESTORE, ctx, request.volume().uid(), () -> {
      if (!STORAGE.containsKey(request.snapshotHandle())) {
        return Future.failedFuture(new DriverException(DriverError.NOT_FOUND, "no snapshot "
            + request.snapshotHandle()));
      }
      // Through provision, as before restores had their own commands: failFirst applies to them too.
      return provision(ctx, request.volume());
    });
  }

  @Override
  public Future<Void> deleteSnapshot(DriverContext ctx, String snapshotHandle) {
    return call(Op.DELETE_SNAPSHOT, ctx, snapshotHandle, () -> forget(snapshotHandle));
  }

  @Override
  public Future<String> attach(DriverContext ctx, String handle, String node) {
    return call(Op.ATTACH, ctx, handle, () -> Future.succeededFuture("/dev/faulty"));
  }

  @Override
  public Future<Void> detach(DriverContext ctx, String handle, String node) {
    return call(Op.DETACH, ctx, handle, Future::succeededFuture);
  }

  @Override
  public Future<String> mount(DriverContext ctx, MountRequest request) {
    return call(Op.MOUNT, ctx, request.handle(), () -> Future.succeededFuture(request.target()));
  }

  @Override
  public Future<Void> unmount(DriverContext ctx, String target) {
    return call(Op.UNMOUNT, ctx, target, Future::succeededFuture);
  }

  /**
   * Counts the call (under {@code key} and under the uid of the context's volume, when there
   * is one and it is another key), then fails it as commanded or does {@code work}.
   */
  private static <T> Future<T> call(Op op, DriverContext ctx, String key, Supplier<Future<T>> work) {
    Instant now = Instant.now();
    List<Instant> calls = CALLS.computeIfAbsent(op + "/" + key, k -> new CopyOnWriteArrayList<>());
    int call;
    synchronized (calls) {
      calls.add(now);
      call = calls.size();
    }
    String uid = ctx.volume() == null ? null : ctx.volume().getString("uid");
    if (uid != null && !uid.equals(key)) {
      CALLS.computeIfAbsent(op + "/" + uid, k -> new CopyOnWriteArrayList<>()).add(now);
    }
    DriverException failure = FaultPlan.failure(op, ctx.parameters(), call);
    return failure != null ? Future.failedFuture(failure) : work.get();
  }

  private static Future<ProvisionedVolume> make(ProvisionRequest request) {
    String handle = handleOf(request.uid());
    STORAGE.merge(handle, request.sizeBytes(), Math::max);
    return Future.succeededFuture(new ProvisionedVolume(handle, Map.of()));
  }

  /** Deleting what is already gone succeeds, as the driver contract asks. */
  private static Future<Void> forget(String handle) {
    STORAGE.remove(handle);
    return Future.succeededFuture();
  }

  private Future<String> copy(DriverContext ctx, String handle) {
    long steps = Long.parseLong(ctx.parameters().getOrDefault("copySeconds", "0")) * 10;
    Promise<String> copied = Promise.promise();
    long[] step = {0};
    Runnable copy = new Runnable() {
      @Override
      public void run() {
        ctx.progress().report(COPY_BYTES * step[0] / Math.max(1, steps), COPY_BYTES);
        if (step[0]++ >= steps) {
          STORAGE.put(handle, 0L);
          copied.complete(handle);
        } else {
          vertx.setTimer(100, id -> this.run());
        }
      }
    };
    copy.run();
    return copied.future();
  }
}
