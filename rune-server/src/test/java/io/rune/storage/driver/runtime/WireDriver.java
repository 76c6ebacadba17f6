package io.rune.storage.driver.runtime;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.model.AccessMode;
import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A driver (and its provider) that writes down each call and answers what the test set for its
 * operation: the far end of the wire, to see what a request decodes to. Its snapshots report
 * progress once.
 */
final class WireDriver implements StorageDriver, DriverProvider {
  static final String NAME = "wire";

  /** One call it got: the method's arguments after the context. */
  record Call(String op, DriverContext ctx, List<Object> args) {}

  final Queue<Call> calls = new ConcurrentLinkedQueue<>();
  final Map<String, Future<?>> answers = new ConcurrentHashMap<>();

  @SuppressWarnings("unchecked")
  private <T> Future<T> answer(String op, DriverContext ctx, Object... args) {
    calls.add(new Call(op, ctx, List.of(args)));
    Future<?> answer = answers.get(op);
    return answer == null ? Future.failedFuture(new AssertionError("the test set no answer for " + op))
        : (Future<T>) answer;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public DriverCapabilities capabilities() {
    return new DriverCapabilities(Set.of(AccessMode.ReadWriteOnce), true, true, true, true, List.of(), false);
  }

  @Override
  public boolean nodeLocal() {
    return true;
  }

  @Override
  public StorageDriver create(DriverEnvironment environment) {
    return this;
  }

  @Override
  public Future<ProvisionedVolume> provision(DriverContext ctx, ProvisionRequest request) {
    return answer("provision", ctx, request);
  }

  @Override
  public Future<String> find(DriverContext ctx, ProvisionRequest request) {
    return answer("find", ctx, request);
  }

  @Override
  public Future<Void> delete(DriverContext ctx, String handle) {
    return answer("delete", ctx, handle);
  }

  @Override
  public Future<String> attach(DriverContext ctx, String handle, String node) {
    return answer("attach", ctx, handle, node);
  }

  @Override
  public Future<Void> detach(DriverContext ctx, String handle, String node) {
    return answer("detach", ctx, handle, node);
  }

  @Override
  public Future<String> mount(DriverContext ctx, MountRequest request) {
    return answer("mount", ctx, request);
  }

  @Override
  public Future<Void> unmount(DriverContext ctx, String target) {
    return answer("unmount", ctx, target);
  }

  @Override
  public Future<MadeSnapshot> snapshot(DriverContext ctx, SnapshotRequest request) {
    ctx.progress().report(5, 10);
    return answer("snapshot", ctx, request);
  }

  @Override
  public Future<ProvisionedVolume> restore(DriverContext ctx, RestoreRequest request) {
    return answer("restore", ctx, request);
  }

  @Override
  public Future<Void> deleteSnapshot(DriverContext ctx, String snapshotHandle) {
    return answer("deleteSnapshot", ctx, snapshotHandle);
  }

  @Override
  public Future<Void> expand(DriverContext ctx, String handle, long newSizeBytes) {
    return answer("expand", ctx, handle, newSizeBytes);
  }

  @Override
  public Future<VolumeUsage> usage(DriverContext ctx, String handle) {
    return answer("usage", ctx, handle);
  }
}
