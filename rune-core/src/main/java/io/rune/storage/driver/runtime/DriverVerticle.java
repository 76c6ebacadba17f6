package io.rune.storage.driver.runtime;

import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.Progress;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.StorageDriver;
import static io.rune.storage.driver.runtime.DriverMessages.OP;

import io.rune.storage.config.ConfigException;
import io.rune.storage.config.RuneConfig;
import io.rune.storage.driver.DriverSettingsException;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.circuitbreaker.TimeoutException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one driver and answers its calls on the event bus ({@code rune.driver.<name>[.<node>]}),
 * each call through the driver's {@link DriverBreaker}. Controllers reach it only through
 * {@link RemoteDriver}, so a driver can run on another node just as well as on this one.
 *
 * <p>A failed call is answered with {@code message.fail(500, <DriverException JSON>)}, so the
 * caller gets the error type back, not just a message.
 */
public final class DriverVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(DriverVerticle.class);

  private final DriverProvider provider;
  private final RuneConfig config;
  private final MeterRegistry metrics;
  private StorageDriver driver;
  /** Breakers by scope: the node (or cluster), plus whatever the provider adds (a cloud account and region). */
  private final Map<String, DriverBreaker> breakers = new HashMap<>();
  private String baseScope;
  private MessageConsumer<JsonObject> consumer;

  public DriverVerticle(DriverProvider provider, RuneConfig config, MeterRegistry metrics) {
    this.provider = provider;
    this.config = config;
    this.metrics = metrics;
  }

  public String address() {
    return DriverCatalog.address(provider.name(), provider.nodeLocal(), config.node());
  }

  @Override
  public Future<?> start() {
    try {
      driver = provider.create(config.driverEnvironment(vertx, provider.name()));
    } catch (DriverSettingsException e) {
      return Future.failedFuture(new ConfigException(e.getMessage(), e));
    }
    baseScope = provider.nodeLocal() ? config.node() : "cluster";
    breaker(baseScope);
    // Recovery first: no call may meet the leftovers of a crash.
    return driver.recover().compose(v -> {
      consumer = vertx.eventBus().consumer(address(), this::handle);
      return consumer.completion();
    }).onSuccess(v -> log.info("Driver {} answers on {}", provider.name(), address()));
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered.eventually(() -> {
      breakers.values().forEach(DriverBreaker::close);
      return driver.close();
    });
  }

  private void handle(Message<JsonObject> message) {
    JsonObject body = message.body();
    String op = body.getString(OP, "");
    Future<Object> result;
    try {
      JsonObject ctxJson = body.getJsonObject("ctx", new JsonObject());
      DriverContext ctx = DriverContext.fromJson(ctxJson, progressTo(ctxJson.getString("progressAddress")));
      JsonObject args = body.getJsonObject("args", new JsonObject());
      String extra = provider.breakerScope(ctx);
      result = breaker(extra.isEmpty() ? baseScope : baseScope + "/" + extra).execute(() -> call(op, ctx, args));
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onSuccess(value -> message.reply(new JsonObject().put("result", value)))
        .onFailure(err -> {
          DriverException failure = asDriverException(err);
          if (!failure.retryable()) {
            log.debug("Driver {} {} failed: {}", provider.name(), op, failure.getMessage());
          }
          message.fail(500, failure.toJson().encode());
        });
  }

  /** The breaker of {@code scope}, made on first use (handlers run on this verticle's event loop). */
  private DriverBreaker breaker(String scope) {
    return breakers.computeIfAbsent(scope, s -> new DriverBreaker(vertx, provider.name(), s, config.drivers(), metrics));
  }

  /** Progress reports of a call, sent (from whatever thread the driver reports on) to the caller. */
  private Progress progressTo(String address) {
    if (address == null) {
      return Progress.NONE;
    }
    return (done, total) -> vertx.eventBus().send(address, new JsonObject().put("bytesDone", done)
        .put("bytesTotal", total));
  }

  private Future<Object> call(String op, DriverContext ctx, JsonObject args) {
    return switch (op) {
      case "provision" -> driver.provision(ctx, DriverMessages.provisionRequest(args)).map(DriverMessages::provisioned);
      case "find" -> driver.find(ctx, DriverMessages.provisionRequest(args)).map(s -> s);
      case "delete" -> driver.delete(ctx, args.getString("handle")).map(v -> null);
      case "attach" -> driver.attach(ctx, args.getString("handle"), args.getString("node")).map(s -> s);
      case "detach" -> driver.detach(ctx, args.getString("handle"), args.getString("node")).map(v -> null);
      case "mount" -> driver.mount(ctx, DriverMessages.mountRequest(args)).map(s -> s);
      case "unmount" -> driver.unmount(ctx, args.getString("target")).map(v -> null);
      case "snapshot" -> driver.snapshot(ctx, DriverMessages.snapshotRequest(args)).map(s -> s);
      case "restore" -> driver.restore(ctx, DriverMessages.restoreRequest(args)).map(DriverMessages::provisioned);
      case "deleteSnapshot" -> driver.deleteSnapshot(ctx, args.getString("handle")).map(v -> null);
      case "expand" -> driver.expand(ctx, args.getString("handle"), args.getLong("sizeBytes", 0L)).map(v -> null);
      case "usage" -> driver.usage(ctx, args.getString("handle")).map(DriverMessages::usage);
      default -> Future.failedFuture(new DriverException(DriverError.UNSUPPORTED,
          "driver '" + provider.name() + "' has no operation '" + op + "'"));
    };
  }

  private DriverException asDriverException(Throwable err) {
    if (err instanceof OpenCircuitException) {
      return new DriverException(DriverError.UNAVAILABLE, "driver '" + provider.name() + "' is failing"
          + " repeatedly, so its circuit breaker is open; calls resume after "
          + config.drivers().breakerResetTimeout().toSeconds() + " s");
    }
    if (err instanceof TimeoutException) {
      return new DriverException(DriverError.TRANSIENT, "driver '" + provider.name()
          + "' did not finish within " + config.drivers().callTimeout().toSeconds() + " s");
    }
    if (!(err instanceof DriverException)) {
      // The caller only gets the message: keep the rest where an operator can find it.
      log.warn("Driver {} failed with an unexpected error", provider.name(), err);
    }
    return DriverException.of(err);
  }
}
