package io.rune.storage.drivers.digitalocean;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What DigitalOcean said about one token's rate limit, and the gate every request with that
 * token passes. Each response's {@code ratelimit-remaining} and {@code ratelimit-reset}
 * feed it; a 429 closes the gate until its {@code retry-after} (or the reset); when no
 * request is left in the window, the gate stays closed until the reset. Requests wait at
 * the gate instead of being sent to be refused, so attempts are not spent blindly and no
 * request goes out before the time the API gave.
 */
final class RateLimiter {
  /**
   * Requests of one token in flight at once. A request waits here, not in the HTTP client's
   * connection queue: one that passed the gate is sent at once, so a 429 that closes the gate
   * stops every request that had not yet gone.
   */
  static final int MAX_IN_FLIGHT = 8;

  private final Vertx vertx;
  private final Clock clock;
  private Instant closedUntil = Instant.EPOCH;
  private int inFlight;
  private final Deque<Promise<Void>> waiting = new ArrayDeque<>();

  RateLimiter(Vertx vertx, Clock clock) {
    this.vertx = vertx;
    this.clock = clock;
  }

  /**
   * Completes when a request may be sent: a slot is free and the gate is open. The caller
   * sends at once and calls {@link #release()} when the answer is in.
   */
  Future<Void> acquire() {
    Promise<Void> slot = Promise.promise();
    synchronized (this) {
      if (inFlight < MAX_IN_FLIGHT) {
        inFlight++;
        slot.complete();
      } else {
        waiting.add(slot);
      }
    }
    return slot.future().compose(v -> gate());
  }

  /** Gives the slot to the next waiting request. */
  void release() {
    Promise<Void> next;
    synchronized (this) {
      next = waiting.poll();
      if (next == null) {
        inFlight--;
        return;
      }
    }
    next.complete();
  }

  /** Completes at once when the gate is open, else when it opens (checked again then: a 429 may have moved it). */
  private Future<Void> gate() {
    Duration wait;
    synchronized (this) {
      wait = Duration.between(clock.instant(), closedUntil);
    }
    if (wait.isNegative() || wait.isZero()) {
      return Future.succeededFuture();
    }
    Promise<Void> open = Promise.promise();
    // +1 ms: the reset is a whole second and "before" means strictly before.
    vertx.setTimer(wait.toMillis() + 1, id -> open.complete());
    return open.future().compose(v -> gate());
  }

  /** When the gate opens, or a time in the past when it is open. */
  synchronized Instant closedUntil() {
    return closedUntil;
  }

  /**
   * Takes the headers of a response.
   *
   * @param remaining ratelimit-remaining, or null when absent
   * @param resetEpochSeconds ratelimit-reset, or null when absent
   */
  synchronized void observe(Long remaining, Long resetEpochSeconds) {
    if (remaining != null && remaining <= 0 && resetEpochSeconds != null) {
      closeUntil(Instant.ofEpochSecond(resetEpochSeconds));
    }
  }

  /**
   * A 429: closed until {@code retry-after} seconds from now when given, else until the
   * reset, else for a minute (the burst window).
   */
  synchronized Instant refused(Long retryAfterSeconds, Long resetEpochSeconds) {
    Instant until;
    if (retryAfterSeconds != null) {
      until = clock.instant().plusSeconds(Math.max(1, retryAfterSeconds));
    } else if (resetEpochSeconds != null) {
      until = Instant.ofEpochSecond(resetEpochSeconds);
    } else {
      until = clock.instant().plusSeconds(60);
    }
    closeUntil(until);
    return closedUntil;
  }

  private void closeUntil(Instant until) {
    if (until.isAfter(closedUntil)) {
      closedUntil = until;
    }
  }
}
