package io.rune.storage.controller;

import io.rune.storage.cluster.ShardOwnership;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.runtime.RemoteDriver;
import io.rune.storage.model.AttemptStatus;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.model.VolumeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * The one attempt cycle every operation of every kind goes through (in the manner of the
 * Java Operator SDK, whose engine keeps retries apart from reconcilers). It owns the attempt
 * count ({@code status.attempts}), the next attempt's time ({@code status.nextAttemptAt}),
 * the backoff with jitter, what a failure does to the status, and what the queue does next:
 * <ul>
 *   <li>the driver was not asked (breaker open): wait, no attempt spent;</li>
 *   <li>the node of a node-local driver is away ({@code NodeUnavailable}): wait for it, no
 *       attempt spent, the wait growing with the node's silence, and due at once when the
 *       node is Ready again;</li>
 *   <li>retrying cannot help: stop at once, saying so;</li>
 *   <li>attempts left: the next attempt's time, and a message saying what is retried and why;</li>
 *   <li>none left: the operation's exhausted state (a volume's Stalled, a deletion's
 *       DeleteRetriesExhausted), from which only the retry verb starts it over.</li>
 * </ul>
 * A stopped operation has attempts and no {@code nextAttemptAt}; the controller never queues
 * an object before its {@code nextAttemptAt} ({@link ResourceController}).
 */
final class AttemptCycle {
  /** What the user runs to start a stopped operation over. */
  static final String RETRY_HINT = "run retry";

  /** An operation, with the words and status it fails with. A null phase leaves the phase as it is. */
  enum Operation {
    PROVISION("provisioning the storage", VolumeStatus.Phase.Failed, "ProvisionFailedWillRetry",
        VolumeStatus.Phase.Stalled, "ProvisionRetriesExhausted"),
    RESTORE("restoring the snapshot into new storage", VolumeStatus.Phase.Failed, "ProvisionFailedWillRetry",
        VolumeStatus.Phase.Stalled, "ProvisionRetriesExhausted"),
    EXPAND("growing the storage", null, "ExpandFailedWillRetry", null, "ExpandRetriesExhausted"),
    DELETE("deleting the storage", null, "DeleteFailedWillRetry", null, "DeleteRetriesExhausted"),
    SNAPSHOT("taking the snapshot", SnapshotStatus.Phase.Failed, "SnapshotFailedWillRetry", SnapshotStatus.Phase.Failed,
        "SnapshotRetriesExhausted"),
    DELETE_SNAPSHOT("deleting the copy", null, "DeleteFailedWillRetry", null, "DeleteRetriesExhausted"),
    MOUNT("attaching and mounting the volume", null, "MountFailed", null, "MountFailed"),
    DETACH("unmounting and detaching the volume", null, "DetachFailedWillRetry", null, "DetachFailed");

    final String doing;
    final Enum<?> failedPhase;
    final String willRetryReason;
    final Enum<?> exhaustedPhase;
    final String exhaustedReason;

    Operation(String doing, Enum<?> failedPhase, String willRetryReason, Enum<?> exhaustedPhase,
        String exhaustedReason) {
      this.doing = doing;
      this.failedPhase = failedPhase;
      this.willRetryReason = willRetryReason;
      this.exhaustedPhase = exhaustedPhase;
      this.exhaustedReason = exhaustedReason;
    }
  }

  /**
   * The status change a failure (or a wait) makes, and what the queue does next: the phase
   * (null keeps it), the attempts (null keeps them), why, and the next attempt's time (null:
   * none is scheduled).
   */
  record Decision(Enum<?> phase, Integer attempts, String reason, String message, Instant nextAttemptAt,
      Outcome outcome) {
    <S extends AttemptStatus<S>> S applyTo(S status) {
      return status.withAttempt(phase, attempts != null ? attempts : status.attempts(), reason, message,
          nextAttemptAt);
    }
  }

  private final int maxAttempts;
  private final Backoff backoff;
  /** Whether a wait for a node is over (it is back), as last seen, without a read. */
  private final Predicate<String> nodeReady;

  AttemptCycle(int maxAttempts, Backoff backoff) {
    this(maxAttempts, backoff, node -> false);
  }

  AttemptCycle(int maxAttempts, Backoff backoff, Predicate<String> nodeReady) {
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.nodeReady = nodeReady;
  }

  /**
   * How long until the object's next attempt is due: its {@code nextAttemptAt}, except that
   * a wait for a node that is back (Ready again, or started again) is over.
   */
  Duration untilDue(AttemptStatus<?> status) {
    if (RemoteDriver.NODE_UNAVAILABLE.equals(status.reason()) && nodeReady.test(nodeOf(status))) {
      return Duration.ZERO;
    }
    return status.untilDue(Instant.now());
  }

  private static String nodeOf(AttemptStatus<?> status) {
    if (status instanceof VolumeStatus volume) {
      return volume.node();
    }
    return status instanceof SnapshotStatus snapshot ? snapshot.node() : null;
  }

  int maxAttempts() {
    return maxAttempts;
  }

  Backoff backoff() {
    return backoff;
  }

  /** "attempt 2/5": for the message of an attempt being made. */
  String attemptWords(int attempt) {
    return "attempt " + attempt + "/" + maxAttempts;
  }

  /**
   * Attempt number {@code attempt} (1-based) of {@code operation} failed with {@code error}.
   *
   * @param afterFix what the user does after fixing the cause ("run retry")
   * @throws ShardOwnership.LeaseLost when the call was not made because this node's leases are
   *     not fresh: no attempt was made, nothing is recorded, the reconcile ends
   */
  Decision failed(Operation operation, int attempt, DriverException error, String afterFix) {
    if (error.getCause() instanceof ShardOwnership.LeaseLost lost) {
      throw lost;
    }
    String words = operation.doing + " failed (" + attemptWords(attempt) + "): "
        + (error.reason() != null ? error.reason() + ": " : "") + error.getMessage();
    if (error.error() == DriverError.UNAVAILABLE && RemoteDriver.NODE_UNAVAILABLE.equals(error.reason())) {
      Duration wait = nodeWait(RemoteDriver.silenceOf(error).orElse(null));
      return new Decision(operation.failedPhase, attempt - 1, RemoteDriver.NODE_UNAVAILABLE, operation.doing
          + " waits for its node (no attempt spent): " + error.getMessage() + "; next try in " + Backoff.format(wait)
          + ", or as soon as the node is Ready again", Instant.now().plus(wait), Outcome.again(wait));
    }
    if (error.error() == DriverError.UNAVAILABLE) {
      Duration wait = backoff.max();
      return new Decision(operation.failedPhase, attempt - 1, "DriverUnavailable", operation.doing
          + " waits for its driver (no attempt spent): " + error.getMessage() + "; next try in "
          + Backoff.format(wait), Instant.now().plus(wait), Outcome.again(wait));
    }
    if (!error.retryable()) {
      return new Decision(operation.failedPhase, attempt, reasonOf(error),
          words + "; retrying cannot fix this: fix the cause, then " + afterFix, null, Outcome.DONE);
    }
    if (attempt >= maxAttempts) {
      return new Decision(operation.exhaustedPhase, attempt, operation.exhaustedReason,
          words + "; retries exhausted: fix the cause, then " + afterFix, null, Outcome.DONE);
    }
    Duration wait = backoff.after(attempt);
    // An object fault the driver named (HostPathBlocked) says so; anything else: what is retried.
    String reason = error.reason() != null && !error.blamesBackend() ? error.reason() : operation.willRetryReason;
    return new Decision(operation.failedPhase, attempt, reason, words + "; next try in " + Backoff.format(wait),
        Instant.now().plus(wait), Outcome.again(wait));
  }

  /**
   * The wait for a node silent for {@code silence} (since its last heartbeat, or since it
   * stopped answering this node's calls, whichever is longer): as long again, between the
   * initial and the maximal backoff, shortened by up to a fifth at random as every backoff.
   * Each try finds the node silent twice as long as the one before, so the waits double
   * without a count kept in the status (where attempts must not grow); a node never heard
   * from waits the maximum.
   */
  Duration nodeWait(Duration silence) {
    if (silence == null) {
      return backoff.max();
    }
    long wait = Math.min(Math.max(silence.toMillis(), backoff.initial().toMillis()), backoff.max().toMillis());
    long jitter = (long) (wait * 0.2 * ThreadLocalRandom.current().nextDouble());
    return Duration.ofMillis(Math.max(1, wait - jitter));
  }

  /** A wait that spends no attempt (the class or driver is missing, and may come back). */
  Decision waitFor(String reason, String message) {
    Duration wait = backoff.max();
    return new Decision(null, null, reason, message + "; next look in " + Backoff.format(wait),
        Instant.now().plus(wait), Outcome.again(wait));
  }

  /** The driver's own word for the cause when it gave one, else one from the error's type. */
  static String reasonOf(DriverException error) {
    if (error.reason() != null) {
      return error.reason();
    }
    return switch (error.error()) {
      case INVALID_CONFIG -> "InvalidParameters";
      case AUTH -> "AuthFailed";
      case ACCESS_MODE_UNSUPPORTED -> "UnsupportedAccessMode";
      case UNSUPPORTED -> "Unsupported";
      case NOT_FOUND -> "NotFound";
      default -> "PermanentFailure";
    };
  }
}
