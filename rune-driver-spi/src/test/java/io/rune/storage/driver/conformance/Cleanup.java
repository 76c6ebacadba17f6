package io.rune.storage.driver.conformance;

import io.vertx.core.Future;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * What a check made, undone newest first when the check ends, passed or failed, so that one
 * check's volumes do not outlive it. Best effort: every step is tried; when the check failed,
 * the steps that failed too are attached to its error as suppressed, never replacing it.
 */
final class Cleanup {
  private record Step(String what, Supplier<? extends Future<?>> call) {}

  private final DriverCalls calls;
  private final Deque<Step> steps = new ArrayDeque<>();

  Cleanup(DriverCalls calls) {
    this.calls = calls;
  }

  void add(String what, Supplier<? extends Future<?>> call) {
    steps.push(new Step(what, call));
  }

  void run(Throwable checkFailure) {
    while (!steps.isEmpty()) {
      Step step = steps.pop();
      try {
        calls.outcome("cleanup " + step.what(), step.call()).ifPresent(failure -> {
          throw new AssertionError("cleanup " + step.what() + " failed with " + DriverCalls.describe(failure),
              failure);
        });
      } catch (AssertionError | RuntimeException failed) {
        if (checkFailure != null) {
          checkFailure.addSuppressed(failed);
        }
      }
    }
  }
}
