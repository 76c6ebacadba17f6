package io.rune.storage.controller;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * What a failed attempt does to a status, the same for every kind a controller retries:
 * the driver was not asked (breaker open): wait, the attempt does not count; retrying
 * cannot help: Failed at once; attempts left: Failed with the next attempt's time; none
 * left: the kind's exhausted phase (a volume's Stalled).
 */
record AttemptFailures(int maxAttempts, Backoff backoff, String failedPhase, String willRetryReason,
    String exhaustedPhase, String exhaustedReason, String afterFix) {

  /** The status change and what the queue should do next. */
  record Decision(Consumer<JsonObject> change, Outcome outcome) {}

  Decision decide(int attempt, DriverException error) {
    String prefix = "attempt " + attempt + "/" + maxAttempts + ": " + error.getMessage();
    if (error.error() == DriverError.UNAVAILABLE) {
      Duration wait = backoff.max();
      return new Decision(s -> s.put("phase", failedPhase).put("attempts", attempt - 1)
          .put("reason", "DriverUnavailable")
          .put("message", error.getMessage() + "; next try in " + Backoff.format(wait))
          .put("nextAttemptAt", Instant.now().plus(wait).toString()), Outcome.again(wait));
    }
    if (!error.retryable()) {
      return new Decision(s -> {
        s.put("phase", failedPhase).put("reason", error.reason() != null ? error.reason() : permanentReason(error.error()))
            .put("message", prefix + "; retrying cannot fix this: fix the cause, then " + afterFix);
        s.remove("nextAttemptAt");
      }, Outcome.DONE);
    }
    if (attempt >= maxAttempts) {
      return new Decision(s -> {
        s.put("phase", exhaustedPhase).put("reason", exhaustedReason)
            .put("message", prefix + "; retries exhausted: fix the cause, then " + afterFix);
        s.remove("nextAttemptAt");
      }, Outcome.DONE);
    }
    Duration wait = backoff.after(attempt);
    return new Decision(s -> s.put("phase", failedPhase).put("reason", willRetryReason)
        .put("message", prefix + "; next retry in " + Backoff.format(wait))
        .put("nextAttemptAt", Instant.now().plus(wait).toString()), Outcome.again(wait));
  }

  private static String permanentReason(DriverError error) {
    return switch (error) {
      case INVALID_CONFIG -> "InvalidParameters";
      case AUTH -> "AuthFailed";
      case ACCESS_MODE_UNSUPPORTED -> "UnsupportedAccessMode";
      case UNSUPPORTED -> "Unsupported";
      case NOT_FOUND -> "NotFound";
      default -> "PermanentFailure";
    };
  }
}
