package io.rune.storage.driver.runtime;

import io.rune.storage.driver.DriverException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rune.storage.config.RuneConfig;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The circuit breaker of one driver (on one node, for node-local drivers): a backend that
 * keeps failing is left alone for a while instead of hammered, then tried again through
 * half-open. Only failures that say the backend is in trouble count (transient errors and
 * timeouts); a refusal such as "invalid parameters" or "not found" is the caller's problem
 * and must not cut everybody else off.
 *
 * <p>State changes are logged and exported as {@code rune_driver_circuit_state} (0 closed,
 * 1 half-open, 2 open) and {@code rune_driver_circuit_transitions_total}.
 */
final class DriverBreaker {
  private static final Logger log = LoggerFactory.getLogger(DriverBreaker.class);

  private final CircuitBreaker breaker;

  DriverBreaker(Vertx vertx, String driver, String scope, RuneConfig.Drivers settings, MeterRegistry metrics) {
    String name = "driver:" + driver + "@" + scope;
    breaker = CircuitBreaker.create(name, vertx, new CircuitBreakerOptions()
            .setMaxFailures(settings.breakerMaxFailures())
            .setTimeout(settings.callTimeout().toMillis())
            .setResetTimeout(settings.breakerResetTimeout().toMillis())
            .setNotificationAddress(null))
        .failurePolicy(DriverBreaker::countsAsFailure);
    Gauge.builder("rune_driver_circuit_state", breaker, DriverBreaker::stateValue)
        .description("Circuit breaker of a driver: 0 closed, 1 half-open, 2 open")
        .tags("driver", driver, "scope", scope)
        .register(metrics);
    Counter opened = transitions(metrics, driver, scope, "open");
    Counter halfOpened = transitions(metrics, driver, scope, "half-open");
    Counter closed = transitions(metrics, driver, scope, "closed");
    breaker.openHandler(v -> {
      opened.increment();
      log.warn("Circuit breaker {} opened after repeated failures: calls fail fast for {} s", name,
          settings.breakerResetTimeout().toSeconds());
    });
    breaker.halfOpenHandler(v -> {
      halfOpened.increment();
      log.info("Circuit breaker {} is half-open: the next call tries the driver again", name);
    });
    breaker.closeHandler(v -> {
      closed.increment();
      log.info("Circuit breaker {} closed: the driver answers again", name);
    });
  }

  <T> Future<T> execute(Supplier<Future<T>> call) {
    return breaker.execute(call);
  }

  CircuitBreakerState state() {
    return breaker.state();
  }

  void close() {
    breaker.close();
  }

  private static boolean countsAsFailure(Future<?> outcome) {
    if (outcome.succeeded()) {
      return false;
    }
    return !(outcome.cause() instanceof DriverException e) || e.blamesBackend();
  }

  private static double stateValue(CircuitBreaker breaker) {
    return switch (breaker.state()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      case OPEN -> 2;
    };
  }

  private static Counter transitions(MeterRegistry metrics, String driver, String scope, String state) {
    return Counter.builder("rune_driver_circuit_transitions_total")
        .description("Circuit breaker state changes of a driver")
        .tags("driver", driver, "scope", scope, "state", state)
        .register(metrics);
  }
}
