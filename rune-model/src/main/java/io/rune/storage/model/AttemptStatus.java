package io.rune.storage.model;

import java.time.Duration;
import java.time.Instant;

/**
 * The status of a kind whose operations go through the controller's attempt cycle (a
 * volume, a snapshot): the attempts of the current operation, when the next is due, and
 * the reason and message the last one left.
 */
public interface AttemptStatus<S extends AttemptStatus<S>> extends ObjectStatus<S> {
  int attempts();

  /** When the next attempt is due; null when none is scheduled. */
  Instant nextAttemptAt();

  /**
   * The status an attempt (or a wait) leaves: {@code phase} (null keeps the one it has), the
   * attempts so far, why, and when the next is due (null: none is scheduled).
   */
  S withAttempt(Enum<?> phase, int attempts, String reason, String message, Instant nextAttemptAt);

  /**
   * Whether the retry verb may start the current operation over: provisioning or a snapshot
   * that failed (or, for a volume, stalled), or a deletion that stopped.
   */
  boolean retryable();

  /**
   * The status the retry verb leaves (only when {@link #retryable()}): attempts reset, the
   * next attempt now; provisioning goes back to Pending, a deletion stays Deleting.
   */
  S retried(Instant now);

  /** A deletion that keeps failing or has stopped: Deleting, with a reason other than the request's own. */
  default boolean deletionFailing() {
    return deleting() && reason() != null && !reason().isEmpty()
        && !reason().equals(VolumeStatus.DELETION_REQUESTED);
  }

  /**
   * Whether the operation stopped, waiting for the retry verb: it failed, and no next
   * attempt is scheduled (entering a phase resets the attempts).
   */
  default boolean stopped() {
    return attempts() > 0 && nextAttemptAt() == null;
  }

  /** How long until the next attempt is due: zero when it is due now or none was scheduled. */
  default Duration untilDue(Instant now) {
    if (nextAttemptAt() == null) {
      return Duration.ZERO;
    }
    Duration wait = Duration.between(now, nextAttemptAt());
    return wait.isNegative() ? Duration.ZERO : wait;
  }
}
