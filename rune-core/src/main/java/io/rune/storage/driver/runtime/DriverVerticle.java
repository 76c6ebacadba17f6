package io.rune.storage.driver.runtime;

import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.Progress;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.StorageDriver;
import static io.rune.storage.driver.runtime.DriverMessages.PROGRESS_REPORT;
import static io.rune.storage.driver.runtime.DriverProtocol.ARGS;
import static io.rune.storage.driver.runtime.DriverProtocol.CTX;
import static io.rune.storage.driver.runtime.DriverProtocol.OP;
import static io.rune.storage.driver.runtime.DriverProtocol.RESULT;

import io.rune.storage.config.ConfigException;
import io.rune.storage.config.RuneConfig;
import io.rune.storage.driver.DriverSettingsException;
import io.rune.storage.driver.runtime.DriverMessages.ProgressReport;
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
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one driver and answers its calls on the event bus ({@code rune.driver.<name>[.<node>]}),
 * each call through the driver's {@link DriverBreaker}; what a call's {@code op} names is
 * looked up in {@link DriverProtocol}. Controllers reach it only through
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
    // Recovery first: no call may meet the leftovers of a crash. A setting the node cannot
    // honour (a mode its file system lacks) is found there and stops the server like a typo.
    return driver.recover().recover(e -> Future.failedFuture(e instanceof DriverSettingsException
        ? new ConfigException(e.getMessage(), e) : e)).compose(v -> {
      consumer = vertx.eventBus().consumer(address(), this::handle);
      return consumer.completion();
    }).onSuccess(v -> log.info("Driver {} answers on {}{}", provider.name(), address(),
        driver.startupDecisions().isEmpty() ? "" : " " + driver.startupDecisions()));
  }

  /** What the driver decided at start-up ({@link StorageDriver#startupDecisions}); empty before it started. */
  public Map<String, String> startupDecisions() {
    return driver == null ? Map.of() : driver.startupDecisions();
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
    String op = message.body().getString(OP, "");
    Optional<DriverOperation<?, ?>> operation = DriverProtocol.named(op);
    Future<Object> result = operation.isPresent() ? answer(operation.get(), message.body())
        : Future.failedFuture(unknown(op));
    result.onSuccess(value -> message.reply(new JsonObject().put(RESULT, value)))
        .onFailure(err -> {
          DriverException failure = asDriverException(err);
          if (!failure.retryable()) {
            log.debug("Driver {} {} failed: {}", provider.name(), op, failure.getMessage());
          }
          message.fail(500, failure.toJson().encode());
        });
  }

  /** Runs a call through the breaker of its scope. */
  private Future<Object> answer(DriverOperation<?, ?> operation, JsonObject body) {
    try {
      JsonObject ctxJson = body.getJsonObject(CTX, new JsonObject());
      DriverContext ctx = DriverContext.fromJson(ctxJson, progressTo(ctxJson.getString("progressAddress")));
      JsonObject args = body.getJsonObject(ARGS, new JsonObject());
      String extra = provider.breakerScope(ctx);
      return breaker(extra.isEmpty() ? baseScope : baseScope + "/" + extra)
          .execute(() -> operation.answer(driver, ctx, args));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** An operation this build does not have: a caller of a newer build, most likely. */
  private DriverException unknown(String op) {
    return new DriverException(DriverError.UNSUPPORTED, "driver '" + provider.name() + "' has no operation '" + op
        + "'; this node knows " + String.join(", ", DriverProtocol.names())
        + " (is the caller's build newer than this node's?)");
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
    return (done, total) -> vertx.eventBus().send(address, PROGRESS_REPORT.write(new ProgressReport(done, total)));
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
