package io.rune.storage.driver.conformance;

import io.rune.storage.driver.DriverException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Calls a driver from the test thread and waits for its future with a deadline, turning
 * anything but the expected outcome into an AssertionError that names the call.
 */
final class DriverCalls {
  private final String driver;
  private final Duration timeout;

  DriverCalls(String driver, Duration timeout) {
    this.driver = driver;
    this.timeout = timeout;
  }

  /** The call's result; an AssertionError saying how it failed otherwise. */
  <T> T succeeds(String what, Supplier<Future<T>> call) {
    try {
      return await(what, start(what, call));
    } catch (ExecutionException failed) {
      throw new AssertionError(
          "driver '" + driver + "': " + what + " failed with " + describe(failed.getCause()), failed.getCause());
    }
  }

  /** Empty when the call succeeded, its failure otherwise; a timeout is an AssertionError. */
  Optional<Throwable> outcome(String what, Supplier<? extends Future<?>> call) {
    Future<?> future = start(what, call);
    try {
      await(what, future);
      return Optional.empty();
    } catch (ExecutionException failed) {
      return Optional.of(failed.getCause());
    }
  }

  /** A failure as a reader wants it: the DriverError kind and the driver's message. */
  static String describe(Throwable failure) {
    if (failure instanceof DriverException driverException) {
      return driverException.error() + ": " + driverException.getMessage();
    }
    return "an untyped " + failure.getClass().getName() + " (" + failure.getMessage()
        + ") where a DriverException was due";
  }

  private <F extends Future<?>> F start(String what, Supplier<? extends F> call) {
    if (Context.isOnEventLoopThread()) {
      // Waiting here would block the loop the driver's own future may need to complete.
      throw new IllegalStateException("DriverConformance waits for driver futures; call it from a test"
          + " thread, not an event loop");
    }
    F future;
    try {
      future = call.get();
    } catch (RuntimeException thrown) {
      throw new AssertionError("driver '" + driver + "': " + what + " threw " + thrown
          + " instead of returning a failed future; callers compose futures and would miss it", thrown);
    }
    if (future == null) {
      throw new AssertionError("driver '" + driver + "': " + what + " returned null instead of a future");
    }
    return future;
  }

  private <T> T await(String what, Future<T> future) throws ExecutionException {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException late) {
      throw new AssertionError("driver '" + driver + "': " + what + " did not complete within " + timeout
          + "; a driver call must succeed or fail in bounded time");
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for " + what, interrupted);
    }
  }
}
