package io.rune.storage.drivers.digitalocean.fake;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DigitalOcean's rate limits, per token: so many requests an hour (5000) and a burst of so
 * many a minute (250), both over a sliding window. Every reply carries ratelimit-limit,
 * ratelimit-remaining and ratelimit-reset (epoch seconds at which the oldest counted request
 * leaves the hour). A refused request is not counted.
 *
 * <p>A token answered 429 is told a time before which not to come back (ratelimit-reset, and
 * retry-after where given). A request from it before that time is an early retry, listed by
 * {@link #earlyRetries()}, unless it arrived within the in-flight grace (200 ms unless set) of
 * the 429: a request a client had sent before the 429 reached it is no retry, and on loopback
 * a client reads an answer well within that.
 */
final class RateLimits {
  static final int DEFAULT_PER_HOUR = 5000;
  static final int DEFAULT_PER_MINUTE = 250;
  private static final Duration HOUR = Duration.ofHours(1);
  private static final Duration MINUTE = Duration.ofMinutes(1);
  private Duration inFlight = Duration.ofMillis(200);

  /** The headers for the reply, and the 429 to answer instead when the request is over a limit. */
  record Verdict(Map<String, String> headers, Optional<ApiError> refusal) {
  }

  private record Warning(Instant at, Instant notBefore) {
  }

  private final Map<String, Deque<Instant>> counted = new HashMap<>();
  private final Map<String, Warning> warnings = new HashMap<>();
  private final List<String> earlyRetries = new ArrayList<>();
  private int perHour = DEFAULT_PER_HOUR;
  private int perMinute = DEFAULT_PER_MINUTE;

  synchronized void setInFlightGrace(Duration grace) {
    inFlight = grace;
  }

  synchronized void setLimits(int perHour, int perMinute) {
    if (perHour < 1 || perMinute < 1) {
      throw new IllegalArgumentException("rate limits must be 1 or more, not " + perHour + "/h " + perMinute + "/min");
    }
    this.perHour = perHour;
    this.perMinute = perMinute;
  }

  /** Notes an early retry when the token was told to wait past {@code now}; the request is described by {@code what}. */
  synchronized void noteArrival(String token, Instant now, String what) {
    Warning warning = warnings.get(key(token));
    if (warning == null) {
      return;
    }
    if (now.isBefore(warning.at().plus(inFlight))) {
      return; // sent before the 429 could have been read
    }
    if (now.isBefore(warning.notBefore())) {
      earlyRetries.add(what + " at " + now + " from token " + token + ", " + Duration.between(now, warning.notBefore()).toMillis()
          + " ms before " + warning.notBefore() + " it was told to wait for by the 429 at " + warning.at());
    } else {
      warnings.remove(key(token));
    }
  }

  /** Counts the request against its token's limits, or refuses it with 429 when it is over one. */
  synchronized Verdict take(String token, Instant now) {
    Deque<Instant> window = counted.computeIfAbsent(key(token), k -> new ArrayDeque<>());
    while (!window.isEmpty() && !window.peekFirst().plus(HOUR).isAfter(now)) {
      window.removeFirst();
    }
    if (window.size() >= perHour) {
      Instant reset = window.peekFirst().plus(HOUR);
      warn(token, now, reset);
      return new Verdict(headers(0, reset), Optional.of(ApiError.TOO_MANY_REQUESTS));
    }
    Optional<Instant> oldestThisMinute = oldestWithin(window, now, MINUTE);
    if (oldestThisMinute.isPresent() && countWithin(window, now, MINUTE) >= perMinute) {
      Duration retryAfter = wholeSeconds(Duration.between(now, oldestThisMinute.get().plus(MINUTE)));
      return new Verdict(refuse(token, now, retryAfter, perHour - window.size()), Optional.of(ApiError.TOO_MANY_REQUESTS));
    }
    window.addLast(now);
    return new Verdict(headers(perHour - window.size(), window.peekFirst().plus(HOUR)), Optional.empty());
  }

  /** The headers of a 429 told to wait {@code retryAfter}, for an injected fault: remaining 0. */
  synchronized Map<String, String> refuse(String token, Instant now, Duration retryAfter) {
    return refuse(token, now, retryAfter, 0);
  }

  private Map<String, String> refuse(String token, Instant now, Duration retryAfter, int remaining) {
    Duration wait = wholeSeconds(retryAfter);
    Instant notBefore = now.plus(wait);
    warn(token, now, notBefore);
    Map<String, String> headers = new LinkedHashMap<>(headers(remaining, notBefore));
    headers.put("retry-after", Long.toString(wait.toSeconds()));
    return headers;
  }

  /** The time before which the token was last told not to come back, or null. */
  synchronized Instant notBefore(String token) {
    Warning warning = warnings.get(key(token));
    return warning == null ? null : warning.notBefore();
  }

  private void warn(String token, Instant now, Instant notBefore) {
    warnings.merge(key(token), new Warning(now, notBefore),
        (old, fresh) -> old.notBefore().isAfter(fresh.notBefore()) ? old : fresh);
  }

  private Map<String, String> headers(int remaining, Instant reset) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("ratelimit-limit", Integer.toString(perHour));
    headers.put("ratelimit-remaining", Integer.toString(Math.max(remaining, 0)));
    headers.put("ratelimit-reset", Long.toString(epochSecondsRoundedUp(reset)));
    return headers;
  }

  private static Optional<Instant> oldestWithin(Deque<Instant> window, Instant now, Duration span) {
    return window.stream().filter(at -> at.plus(span).isAfter(now)).findFirst();
  }

  private static int countWithin(Deque<Instant> window, Instant now, Duration span) {
    int count = 0;
    for (Iterator<Instant> newestFirst = window.descendingIterator(); newestFirst.hasNext(); ) {
      if (!newestFirst.next().plus(span).isAfter(now)) {
        break;
      }
      count++;
    }
    return count;
  }

  private static Duration wholeSeconds(Duration duration) {
    long seconds = (duration.toMillis() + 999) / 1000;
    return Duration.ofSeconds(Math.max(seconds, 1));
  }

  private static long epochSecondsRoundedUp(Instant instant) {
    return (instant.toEpochMilli() + 999) / 1000;
  }

  private static String key(String token) {
    return token == null ? "" : token;
  }

  synchronized List<String> earlyRetries() {
    return List.copyOf(earlyRetries);
  }

  synchronized void reset() {
    counted.clear();
    warnings.clear();
    earlyRetries.clear();
    inFlight = Duration.ofMillis(200);
    perHour = DEFAULT_PER_HOUR;
    perMinute = DEFAULT_PER_MINUTE;
  }
}
