package io.rune.storage.driver;

import static io.rune.storage.driver.DriverMessages.OP;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.UUID;

/**
 * A driver reached over the event bus: what controllers hold instead of the driver itself.
 * Errors come back typed; a driver nobody answers for (its node is down, it is not
 * deployed) is {@link DriverError#UNAVAILABLE}, and no answer in time is
 * {@link DriverError#TRANSIENT}.
 */
public final class RemoteDriver implements StorageDriver {
  private final Vertx vertx;
  private final DriverProvider provider;
  private final String address;
  private final DeliveryOptions delivery;

  /**
   * @param node the node whose instance to call (ignored for cluster-wide drivers)
   * @param callTimeout how long to wait for an answer; a little above the driver's own limit
   */
  public RemoteDriver(Vertx vertx, DriverProvider provider, String node, Duration callTimeout) {
    this.vertx = vertx;
    this.provider = provider;
    this.address = DriverCatalog.address(provider.name(), provider.nodeLocal(), node);
    this.delivery = new DeliveryOptions().setSendTimeout(callTimeout.toMillis());
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
    return call("provision", ctx, DriverMessages.provisionRequest(request))
        .map(result -> DriverMessages.provisioned((JsonObject) result));
  }

  @Override
  public Future<Void> delete(DriverContext ctx, String handle) {
    return call("delete", ctx, new JsonObject().put("handle", handle)).mapEmpty();
  }

  @Override
  public Future<String> find(DriverContext ctx, ProvisionRequest request) {
    return call("find", ctx, DriverMessages.provisionRequest(request)).map(result -> (String) result);
  }

  @Override
  public Future<String> attach(DriverContext ctx, String handle, String node) {
    return call("attach", ctx, new JsonObject().put("handle", handle).put("node", node)).map(String.class::cast);
  }

  @Override
  public Future<Void> detach(DriverContext ctx, String handle, String node) {
    return call("detach", ctx, new JsonObject().put("handle", handle).put("node", node)).mapEmpty();
  }

  @Override
  public Future<String> mount(DriverContext ctx, MountRequest request) {
    return call("mount", ctx, DriverMessages.mountRequest(request)).map(String.class::cast);
  }

  @Override
  public Future<Void> unmount(DriverContext ctx, String target) {
    return call("unmount", ctx, new JsonObject().put("target", target)).mapEmpty();
  }

  @Override
  public Future<String> snapshot(DriverContext ctx, SnapshotRequest request) {
    return call("snapshot", ctx, DriverMessages.snapshotRequest(request)).map(String.class::cast);
  }

  @Override
  public Future<ProvisionedVolume> restore(DriverContext ctx, RestoreRequest request) {
    return call("restore", ctx, DriverMessages.restoreRequest(request))
        .map(result -> DriverMessages.provisioned((JsonObject) result));
  }

  @Override
  public Future<Void> deleteSnapshot(DriverContext ctx, String snapshotHandle) {
    return call("deleteSnapshot", ctx, new JsonObject().put("handle", snapshotHandle)).mapEmpty();
  }

  @Override
  public Future<Void> expand(DriverContext ctx, String handle, long newSizeBytes) {
    return call("expand", ctx, new JsonObject().put("handle", handle).put("sizeBytes", newSizeBytes)).mapEmpty();
  }

  @Override
  public Future<VolumeUsage> usage(DriverContext ctx, String handle) {
    return call("usage", ctx, new JsonObject().put("handle", handle))
        .map(result -> DriverMessages.usage((JsonObject) result));
  }

  private Future<Object> call(String op, DriverContext ctx, JsonObject args) {
    if (ctx.progress() == Progress.NONE) {
      return send(op, ctx.toJson(null), args);
    }
    // A consumer of this call's own, for the driver's progress reports (from any node).
    String progressAddress = "rune.driver.progress." + UUID.randomUUID();
    MessageConsumer<JsonObject> reports = vertx.eventBus().consumer(progressAddress, report -> ctx.progress()
        .report(report.body().getLong("bytesDone", 0L), report.body().getLong("bytesTotal", 0L)));
    return reports.completion()
        .compose(v -> send(op, ctx.toJson(progressAddress), args))
        .eventually(reports::unregister);
  }

  private Future<Object> send(String op, JsonObject ctx, JsonObject args) {
    JsonObject body = new JsonObject().put(OP, op).put("ctx", ctx).put("args", args);
    return vertx.eventBus().<JsonObject>request(address, body, delivery)
        .map(reply -> reply.body().getValue("result"))
        .recover(err -> Future.failedFuture(translate(op, err)));
  }

  private DriverException translate(String op, Throwable err) {
    if (!(err instanceof ReplyException reply)) {
      return DriverException.of(err);
    }
    return switch (reply.failureType()) {
      case NO_HANDLERS -> new DriverException(DriverError.UNAVAILABLE, "no driver '" + name()
          + "' answers on " + address + " (is its node up?)");
      case TIMEOUT -> new DriverException(DriverError.TRANSIENT, "driver '" + name() + "' did not answer "
          + op + " within " + delivery.getSendTimeout() / 1000 + " s");
      default -> decode(reply.getMessage());
    };
  }

  private static DriverException decode(String message) {
    try {
      return DriverException.fromJson(new JsonObject(message));
    } catch (RuntimeException notJson) {
      return new DriverException(DriverError.TRANSIENT, message);
    }
  }
}
