package io.rune.storage.drivers.digitalocean.fake;

import java.time.Duration;

/**
 * Something going wrong on DigitalOcean's side, queued on the fake with
 * {@link DigitalOceanFake#inject(int, RequestMatch, Fault)}.
 *
 * <p>An {@link Answer} replaces the reply to the request it is taken by; a {@link Delay} holds
 * the reply back and then lets the request go on (a queued answer may still follow it); an
 * action fault changes the action the request starts and is taken only by a request that
 * really starts one.
 */
public sealed interface Fault {

  /** Answers with this error instead of doing the request. */
  record Answer(int status, String id, String message, Duration retryAfter) implements Fault {
  }

  /** Answers only after this long. */
  record Delay(Duration delay) implements Fault {
  }

  /** Changes the action the request starts. */
  sealed interface ActionFault extends Fault {
  }

  /**
   * The action stays in-progress: for this many reads of it (GET of the action), or, when
   * {@code polls} is negative, until {@link DigitalOceanFake#releaseActions()}.
   */
  record ActionInProgress(int polls) implements ActionFault {
  }

  /** The action ends errored and changes nothing. */
  record ActionErrored() implements ActionFault {
  }

  /**
   * 429 too_many_requests with ratelimit-remaining 0, ratelimit-reset and retry-after; the
   * token is told not to come back before {@code retryAfter} has passed.
   */
  static Fault tooManyRequests(Duration retryAfter) {
    ApiError error = ApiError.TOO_MANY_REQUESTS;
    return new Answer(error.status(), error.id(), error.getMessage(), retryAfter);
  }

  static Fault serverError() {
    return answer(ApiError.SERVER_ERROR);
  }

  static Fault serviceUnavailable() {
    return answer(ApiError.SERVICE_UNAVAILABLE);
  }

  /** 409: the name is taken (as for a create racing another). */
  static Fault duplicateName() {
    return answer(ApiError.NAME_TAKEN);
  }

  /** 422 "Droplet already has a pending event." */
  static Fault pendingEvent() {
    return answer(ApiError.PENDING_EVENT);
  }

  /** 403: the account's volume/snapshot capacity is used up. */
  static Fault capacityLimit() {
    return answer(ApiError.CAPACITY_LIMIT);
  }

  static Fault delay(Duration delay) {
    return new Delay(delay);
  }

  static Fault actionInProgressForPolls(int polls) {
    if (polls < 0) {
      throw new IllegalArgumentException("polls must be 0 or more, not " + polls);
    }
    return new ActionInProgress(polls);
  }

  static Fault actionInProgressUntilReleased() {
    return new ActionInProgress(-1);
  }

  static Fault actionErrored() {
    return new ActionErrored();
  }

  private static Fault answer(ApiError error) {
    return new Answer(error.status(), error.id(), error.getMessage(), null);
  }
}
