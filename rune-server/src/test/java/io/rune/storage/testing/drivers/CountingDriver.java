package io.rune.storage.testing.drivers;

import io.rune.storage.model.Durations;
import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.driver.VolumeUsage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The local driver, counted: each call it answers appends one line
 * {@code <op> <uid-or-handle> <node> <created|existing|->} to the file of driver setting
 * {@code callLog}. Every node of a test cluster appends to the same file, so each line is
 * one write(2) of a file opened with O_APPEND: lines of different processes never mix.
 * For {@code provision}, "created" means this call made the storage and "existing" that it
 * was there already: a volume provisioned twice shows two "created" lines, or lines on two
 * nodes. Setting {@code provisionDelay} ("3s") holds each provision that long before its
 * work, on a timer, so that a test can stop or kill a node while a provision is under way;
 * a volume's (or class's) parameter {@code provisionDelay} does so for that volume alone.
 * A restore (a provision from a snapshot) is held the same way, before it copies.
 */
final class CountingDriver implements StorageDriver {
  /** The settings of this driver, not of the local driver it counts. */
  static final Set<String> SETTINGS = Set.of("callLog", "provisionDelay");
  private final Vertx vertx;
  private final String node;
  private final StorageDriver local;
  private final Path callLog;
  private final Duration provisionDelay;
  /** Provisions of one uid on this node, one after the other, so that "created" is true. */
  private final Map<String, Future<?>> provisioning = new ConcurrentHashMap<>();

  CountingDriver(DriverEnvironment environment, StorageDriver local) {
    this.vertx = environment.vertx();
    this.node = environment.node();
    this.local = local;
    Map<String, String> settings = environment.settings();
    // Without a callLog (a server whose test does not count: every test server has this
    // driver on its class path) the calls are made and not written down.
    String log = settings.get("callLog");
    this.callLog = log == null ? null : Path.of(log);
    this.provisionDelay = Durations.parse(settings.getOrDefault("provisionDelay", "0s"));
  }

  @Override
  public String name() {
    return CountingDriverProvider.NAME;
  }

  @Override
  public DriverCapabilities capabilities() {
    return local.capabilities();
  }

  @Override
  public Future<ProvisionedVolume> provision(DriverContext ctx, ProvisionRequest request) {
    return held(request).compose(ignored -> oneAtATime(request.uid(), () -> local.find(ctx, request)
        .compose(before -> local.provision(ctx, request)
            .compose(made -> logged("provision", request.uid(), before == null ? "created" : "existing", made)))));
  }

  @Override
  public Future<String> find(DriverContext ctx, ProvisionRequest request) {
    return counted("find", request.uid(), local.find(ctx, request));
  }

  @Override
  public Future<Void> delete(DriverContext ctx, String handle) {
    return counted("delete", handle, local.delete(ctx, handle));
  }

  @Override
  public Future<String> attach(DriverContext ctx, String handle, String node) {
    return counted("attach", handle, local.attach(ctx, handle, node));
  }

  @Override
  public Future<Void> detach(DriverContext ctx, String handle, String node) {
    return counted("detach", handle, local.detach(ctx, handle, node));
  }

  @Override
  public Future<String> mount(DriverContext ctx, MountRequest request) {
    return counted("mount", request.handle(), local.mount(ctx, request));
  }

  @Override
  public Future<Void> unmount(DriverContext ctx, String target) {
    return counted("unmount", target, local.unmount(ctx, target));
  }

  @Override
  public Future<Void> expand(DriverContext ctx, String handle, long newSizeBytes) {
    return counted("expand", handle, local.expand(ctx, handle, newSizeBytes));
  }

  @Override
  public Future<VolumeUsage> usage(DriverContext ctx, String handle) {
    return counted("usage", handle, local.usage(ctx, handle));
  }

  @Override
  public Future<MadeSnapshot> snapshot(DriverContext ctx, SnapshotRequest request) {
    return local.snapshot(ctx, request).compose(made -> logged("snapshot", made.handle(), "-", made));
  }

  @Override
  public Future<ProvisionedVolume> restore(DriverContext ctx, RestoreRequest request) {
    return held(request.volume()).compose(ignored -> local.restore(ctx, request))
        .compose(made -> logged("restore", made.handle(), "-", made));
  }

  /** Waits out the provision delay of the driver, or of the volume's or class's parameters. */
  private Future<Void> held(ProvisionRequest request) {
    String asked = request.parameters().get("provisionDelay");
    Duration delay = asked == null ? provisionDelay : Durations.parse(asked);
    return delay.isZero() ? Future.succeededFuture()
        : vertx.timer(delay.toMillis(), TimeUnit.MILLISECONDS).mapEmpty();
  }

  @Override
  public Future<Void> deleteSnapshot(DriverContext ctx, String snapshotHandle) {
    return counted("deleteSnapshot", snapshotHandle, local.deleteSnapshot(ctx, snapshotHandle));
  }

  @Override
  public Future<Void> recover() {
    return local.recover();
  }

  @Override
  public Future<Void> close() {
    return local.close();
  }

  @SuppressWarnings("unchecked")
  private <T> Future<T> oneAtATime(String uid, Supplier<Future<T>> work) {
    Future<T> mine = (Future<T>) provisioning.compute(uid, (key, before) -> before == null ? work.get()
        : before.transform(ignored -> work.get()));
    mine.onComplete(done -> provisioning.remove(uid, mine));
    return mine;
  }

  /** A call other than provision, logged with its handle once it succeeded. */
  private <T> Future<T> counted(String op, String subject, Future<T> call) {
    return call.compose(result -> logged(op, subject, "-", result));
  }

  /** Appends the line, then answers {@code result}: a call is counted before its caller learns of it. */
  private <T> Future<T> logged(String op, String subject, String outcome, T result) {
    if (callLog == null) {
      return Future.succeededFuture(result);
    }
    byte[] line = (op + " " + subject + " " + node + " " + outcome + "\n").getBytes(StandardCharsets.UTF_8);
    return vertx.executeBlocking(() -> {
      Files.write(callLog, line, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      return result;
    }, false);
  }
}
