package io.rune.storage.driver.runtime;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.Progress;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.driver.runtime.DriverMessages.NewSize;
import io.rune.storage.driver.runtime.DriverMessages.ProgressReport;
import io.rune.storage.driver.runtime.DriverMessages.VolumeOnNode;

import io.rune.storage.cluster.NodeInfo;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * A driver reached over the event bus: what controllers hold instead of the driver itself.
 * Each method sends its operation of {@link DriverProtocol} to the driver's verticle.
 * Errors come back typed; a driver nobody answers for (it is not deployed) is
 * {@link DriverError#UNAVAILABLE}, and no answer in time is {@link DriverError#TRANSIENT}.
 * A node-local driver whose node is NotReady, or does not answer, is UNAVAILABLE with the
 * reason {@value #NODE_UNAVAILABLE}: its storage is on that node and no other may touch it,
 * so the work waits for the node (the call is not even sent to a node known to be NotReady).
 */
public final class RemoteDriver implements StorageDriver {
  /** The reason of a node-local call whose node is away. */
  public static final String NODE_UNAVAILABLE = "NodeUnavailable";
  /** How often the node of a pending node-local call is looked at. */
  private static final Duration WATCH_PENDING = Duration.ofSeconds(2);

  private final Vertx vertx;
  private final DriverProvider provider;
  private final String node;
  private final String address;
  private final DeliveryOptions delivery;
  private final NodeLiveness liveness;

  /** What the caller knows of the nodes of the cluster. */
  @FunctionalInterface
  public interface NodeLiveness {
    /** Knows nothing: every call is sent, as on one node. */
    NodeLiveness UNKNOWN = node -> Future.succeededFuture(null);

    /**
     * The node as last listed, its heartbeat age up to now; null when there is no word on it
     * (this node itself, or a node no heartbeat ever listed): the call is sent as it is.
     */
    Future<NodeInfo> of(String node);

    /**
     * How long the node has been away: since its last heartbeat, or since it stopped
     * answering (a node cut off from the bus may still write heartbeats), whichever is longer.
     */
    default Duration silence(NodeInfo node) {
      return node.heartbeatAge();
    }

    /** The node answered a call: it is not away, whatever it did before. */
    default void answered(String node) {}
  }

  /**
   * @param node the node whose instance to call (ignored for cluster-wide drivers)
   * @param callTimeout how long to wait for an answer; a little above the driver's own limit
   */
  public RemoteDriver(Vertx vertx, DriverProvider provider, String node, Duration callTimeout) {
    this(vertx, provider, node, callTimeout, NodeLiveness.UNKNOWN);
  }

  /** @param liveness what decides that a node-local driver's node is away */
  public RemoteDriver(Vertx vertx, DriverProvider provider, String node, Duration callTimeout,
      NodeLiveness liveness) {
    this.vertx = vertx;
    this.provider = provider;
    this.node = node;
    this.address = DriverCatalog.address(provider.name(), provider.nodeLocal(), node);
    this.delivery = new DeliveryOptions().setSendTimeout(callTimeout.toMillis());
    this.liveness = liveness;
  }

  /**
   * How long the node of a {@value #NODE_UNAVAILABLE} failure has been silent, when its
   * heartbeat was ever seen: the backoff grows with it.
   */
  public static Optional<Duration> silenceOf(DriverException error) {
    return error.getCause() instanceof NodeAway away ? Optional.ofNullable(away.silence) : Optional.empty();
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
    return call(DriverProtocol.PROVISION, ctx, request);
  }

  @Override
  public Future<Void> delete(DriverContext ctx, String handle) {
    return call(DriverProtocol.DELETE, ctx, handle);
  }

  @Override
  public Future<String> find(DriverContext ctx, ProvisionRequest request) {
    return call(DriverProtocol.FIND, ctx, request);
  }

  @Override
  public Future<String> attach(DriverContext ctx, String handle, String node) {
    return call(DriverProtocol.ATTACH, ctx, new VolumeOnNode(handle, node));
  }

  @Override
  public Future<Void> detach(DriverContext ctx, String handle, String node) {
    return call(DriverProtocol.DETACH, ctx, new VolumeOnNode(handle, node));
  }

  @Override
  public Future<String> mount(DriverContext ctx, MountRequest request) {
    return call(DriverProtocol.MOUNT, ctx, request);
  }

  @Override
  public Future<Void> unmount(DriverContext ctx, String target) {
    return call(DriverProtocol.UNMOUNT, ctx, target);
  }

  @Override
  public Future<MadeSnapshot> snapshot(DriverContext ctx, SnapshotRequest request) {
    return call(DriverProtocol.SNAPSHOT, ctx, request);
  }

  @Override
  public Future<ProvisionedVolume> restore(DriverContext ctx, RestoreRequest request) {
    return call(DriverProtocol.RESTORE, ctx, request);
  }

  @Override
  public Future<Void> deleteSnapshot(DriverContext ctx, String snapshotHandle) {
    return call(DriverProtocol.DELETE_SNAPSHOT, ctx, snapshotHandle);
  }

  @Override
  public Future<Void> expand(DriverContext ctx, String handle, long newSizeBytes) {
    return call(DriverProtocol.EXPAND, ctx, new NewSize(handle, newSizeBytes));
  }

  @Override
  public Future<VolumeUsage> usage(DriverContext ctx, String handle) {
    return call(DriverProtocol.USAGE, ctx, handle);
  }

  /**
   * Sends any operation to this driver's address; the caller's progress listener, if any, gets
   * the reports on an address of this call's own.
   */
  private <Q, R> Future<R> call(DriverOperation<Q, R> operation, DriverContext ctx, Q request) {
    JsonObject args = operation.request().write(request);
    if (ctx.progress() == Progress.NONE) {
      return send(operation.name(), ctx.toJson(null), args).map(operation.result()::read);
    }
    // A consumer of this call's own, for the driver's progress reports (from any node).
    String progressAddress = DriverProtocol.PROGRESS_ADDRESSES + UUID.randomUUID();
    MessageConsumer<JsonObject> reports = vertx.eventBus().consumer(progressAddress, message -> {
      ProgressReport report = DriverMessages.PROGRESS_REPORT.read(message.body());
      ctx.progress().report(report.bytesDone(), report.bytesTotal());
    });
    return reports.completion()
        .compose(v -> send(operation.name(), ctx.toJson(progressAddress), args))
        .eventually(reports::unregister)
        .map(operation.result()::read);
  }

  private Future<Object> send(String op, JsonObject ctx, JsonObject args) {
    Future<NodeInfo> known = provider.nodeLocal() ? liveness.of(node) : Future.succeededFuture(null);
    return known.compose(info -> {
      if (info != null && !info.ready()) {
        return Future.failedFuture(away(info, "has not been heard from for " + info.heartbeatAge().toSeconds() + " s"));
      }
      JsonObject body = new JsonObject().put(DriverProtocol.OP, op).put(DriverProtocol.CTX, ctx)
          .put(DriverProtocol.ARGS, args);
      Future<Object> answer = vertx.eventBus().<JsonObject>request(address, body, delivery)
          .map(reply -> {
            if (provider.nodeLocal()) {
              liveness.answered(node);
            }
            return reply.body().getValue(DriverProtocol.RESULT);
          })
          .recover(err -> translate(op, err));
      return provider.nodeLocal() ? untilNodeGoesAway(info, answer) : answer;
    });
  }

  /**
   * The answer, or NodeUnavailable as soon as the node turns NotReady while it is awaited, or
   * is seen started again since the call was sent (a node killed and restarted within its
   * lease never turns NotReady): a request sent to a node that then dies is never failed by
   * the event bus, and would otherwise hold the work for the whole call timeout (minutes).
   *
   * @param sentTo the node as known when the call was sent; null when there was no word on it
   */
  private Future<Object> untilNodeGoesAway(NodeInfo sentTo, Future<Object> answer) {
    Promise<Object> result = Promise.promise();
    long watch = vertx.setPeriodic(WATCH_PENDING.toMillis(), id -> liveness.of(node).onSuccess(info -> {
      if (info != null && !info.ready()) {
        result.tryFail(away(info, "stopped answering while a call was under way (no heartbeat for "
            + info.heartbeatAge().toSeconds() + " s)"));
      } else if (info != null && sentTo != null && info.startedAt().isAfter(sentTo.startedAt())) {
        // Back already, it was not silent: the work waits no longer than for a node Ready again.
        result.tryFail(new DriverException(DriverError.UNAVAILABLE, DriverException.Blame.BACKEND, NODE_UNAVAILABLE,
            "node " + node + " started again (at " + info.startedAt() + ") while a call was under way;"
                + " the call ended with the node it was sent to", new NodeAway(Duration.ZERO)));
      }
    }));
    answer.onComplete(done -> {
      if (done.succeeded()) {
        result.tryComplete(done.result());
      } else {
        result.tryFail(done.cause());
      }
    });
    // The looks end with the result, also when it is NodeUnavailable and the request still waits out its timeout.
    return result.future().onComplete(done -> vertx.cancelTimer(watch));
  }

  private Future<Object> translate(String op, Throwable err) {
    if (!(err instanceof ReplyException reply)) {
      return Future.failedFuture(DriverException.of(err));
    }
    return switch (reply.failureType()) {
      case NO_HANDLERS -> !provider.nodeLocal() ? Future.failedFuture(notDeployed())
          : liveness.of(node).compose(info -> Future.failedFuture(info == null ? notDeployed()
              : away(info, "does not answer on the event bus (its last heartbeat was "
                  + info.heartbeatAge().toSeconds() + " s ago)")));
      // A node that just died may still be subscribed in the cluster: no answer, and NotReady soon.
      case TIMEOUT -> !provider.nodeLocal() ? Future.failedFuture(timedOut(op))
          : liveness.of(node).compose(info -> Future.failedFuture(info != null && !info.ready()
              ? away(info, "did not answer " + op + " and has not been heard from for "
                  + info.heartbeatAge().toSeconds() + " s") : timedOut(op)));
      default -> Future.failedFuture(decode(reply.getMessage()));
    };
  }

  private DriverException notDeployed() {
    return new DriverException(DriverError.UNAVAILABLE, "no driver '" + name() + "' answers on " + address
        + " (is its node up?)");
  }

  private DriverException timedOut(String op) {
    return new DriverException(DriverError.TRANSIENT, "driver '" + name() + "' did not answer " + op + " within "
        + delivery.getSendTimeout() / 1000 + " s");
  }

  /** The node of this node-local driver is away: the work waits for it, as no other node has its storage. */
  private DriverException away(NodeInfo info, String what) {
    return new DriverException(DriverError.UNAVAILABLE, DriverException.Blame.BACKEND, NODE_UNAVAILABLE,
        "node " + node + " " + what, new NodeAway(liveness.silence(info)));
  }

  /** Carries how long the node has been silent to the attempt cycle, which grows its backoff with it. */
  private static final class NodeAway extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient Duration silence;

    NodeAway(Duration silence) {
      super("node away for " + silence, null, false, false);
      this.silence = silence;
    }
  }

  private static DriverException decode(String message) {
    try {
      return DriverException.fromJson(new JsonObject(message));
    } catch (RuntimeException notJson) {
      return new DriverException(DriverError.TRANSIENT, message);
    }
  }
}
