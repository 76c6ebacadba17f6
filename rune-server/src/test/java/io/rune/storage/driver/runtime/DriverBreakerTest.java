package io.rune.storage.driver.runtime;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rune.storage.config.RuneConfig;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What counts against the breaker of one backend ({@code driver@node}): only failures that
 * blame the backend, and calls that never answer; faults of single objects, however many,
 * leave it closed, so one broken volume never delays another.
 */
class DriverBreakerTest {
  private static final int MAX_FAILURES = 3;
  private static final Duration RESET = Duration.ofMillis(300);
  private static final Duration CALL_TIMEOUT = Duration.ofMillis(200);

  private Vertx vertx;
  private Context context;
  private SimpleMeterRegistry metrics;
  private DriverBreaker breaker;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
    metrics = new SimpleMeterRegistry();
    breaker = new DriverBreaker(vertx, "local", "node-a",
        new RuneConfig.Drivers(CALL_TIMEOUT, MAX_FAILURES, RESET), metrics);
  }

  @AfterEach
  void stop() throws Exception {
    breaker.close();
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void manyObjectFaultsLeaveTheBreakerClosedAndEveryCallReachesTheDriver() {
    AtomicInteger reached = new AtomicInteger();
    for (int i = 0; i < MAX_FAILURES * 10; i++) {
      Throwable failure = outcome(() -> {
        reached.incrementAndGet();
        return Future.failedFuture(DriverException.objectFault(DriverError.PERMANENT, "PathBlocked",
            "/srv/x/db is a file, not a directory; move it away, then run retry"));
      });
      assertThat(failure).isInstanceOf(DriverException.class);
      // Object faults that may pass on their own (retryable) do not count either.
      outcome(() -> Future.failedFuture(new DriverException(DriverError.TRANSIENT, DriverException.Blame.OBJECT,
          null, "/srv/x/db vanished while it was being created", null)));
      outcome(() -> Future.failedFuture(new DriverException(DriverError.NOT_FOUND, "no such volume")));
    }

    assertThat(reached).hasValue(MAX_FAILURES * 10);
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
    assertThat(transitions("open")).isZero();
  }

  @Test
  void backendFaultsOpenTheBreakerWhichRecoversThroughHalfOpen() {
    AtomicInteger reached = new AtomicInteger();
    Supplier<Future<String>> broken = () -> {
      reached.incrementAndGet();
      return Future.failedFuture(DriverException.transientError("the volume root is not writable", null));
    };
    for (int i = 0; i < MAX_FAILURES; i++) {
      assertThat(outcome(broken)).isInstanceOf(DriverException.class);
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);

    assertThat(outcome(broken)).as("an open breaker fails fast").isInstanceOf(OpenCircuitException.class);
    assertThat(reached).as("no call reached the driver while open").hasValue(MAX_FAILURES);

    await().atMost(Duration.ofSeconds(5)).until(() -> breaker.state() == CircuitBreakerState.HALF_OPEN);
    assertThat(outcome(() -> Future.succeededFuture("ok"))).isNull();
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
    assertThat(transitions("open")).isEqualTo(1);
    assertThat(transitions("half-open")).isEqualTo(1);
    assertThat(transitions("closed")).isEqualTo(1);
  }

  @Test
  void callsThatNeverAnswerCountAsBackendFailures() {
    for (int i = 0; i < MAX_FAILURES; i++) {
      assertThat(outcome(() -> Promise.<String>promise().future()))
          .isInstanceOf(io.vertx.circuitbreaker.TimeoutException.class);
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
  }

  @Test
  void unexpectedFailuresCountAsBackendFailures() {
    for (int i = 0; i < MAX_FAILURES; i++) {
      outcome(() -> Future.failedFuture(new IllegalStateException("driver bug")));
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.OPEN);
  }

  @Test
  void objectFaultsBetweenBackendFaultsDoNotAddUp() {
    for (int i = 0; i < MAX_FAILURES - 1; i++) {
      outcome(() -> Future.failedFuture(DriverException.transientError("disk full", null)));
    }
    for (int i = 0; i < MAX_FAILURES * 5; i++) {
      outcome(() -> Future.failedFuture(DriverException.objectFault(DriverError.INVALID_CONFIG, "HostPathRefused",
          "host directory /srv/x now leads to /etc through a symbolic link")));
    }
    assertThat(breaker.state()).isEqualTo(CircuitBreakerState.CLOSED);
  }

  /** The failure of one call through the breaker, or null when it succeeded; waits with a deadline. */
  private Throwable outcome(Supplier<Future<String>> call) {
    Promise<String> result = Promise.promise();
    // As DriverVerticle does: every call from the one event loop that owns the breaker.
    context.runOnContext(v -> breaker.execute(call).onComplete(result));
    await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2)).atMost(Duration.ofSeconds(5))
        .until(result.future()::isComplete);
    return result.future().cause();
  }

  private double transitions(String state) {
    var counter = metrics.find("rune_driver_circuit_transitions_total").tag("state", state).counter();
    return counter == null ? 0 : counter.count();
  }
}
