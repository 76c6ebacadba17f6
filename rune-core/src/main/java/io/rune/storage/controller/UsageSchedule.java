package io.rune.storage.controller;

import io.rune.storage.model.ObjectKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * When each volume's usage is measured next: every volume at most once per {@code interval},
 * and the measurements of all volumes at least {@code spacing} apart (a fixed budget of calls
 * per second). With more volumes than one interval's budget covers, each waits its turn, in
 * the order they came due: the period stretches instead of the rate growing, so the idle cost
 * does not grow with the number of volumes. Used from one event-loop context only.
 */
final class UsageSchedule {
  private static final Comparator<Due> ORDER = Comparator.comparing(Due::at)
      .thenComparing(d -> d.key().namespace()).thenComparing(d -> d.key().name());

  private final Duration interval;
  private final Duration spacing;
  private final Duration maxBackoff;
  /** When each waiting volume is due; a volume being measured has no entry here but is in {@link #known}. */
  private final Map<ObjectKey, Instant> due = new HashMap<>();
  private final TreeSet<Due> order = new TreeSet<>(ORDER);
  private final Set<ObjectKey> known = new HashSet<>();
  private Instant lastTaken;

  private record Due(Instant at, ObjectKey key) {}

  /**
   * @param callsPerSecond the budget: measurements per second at most
   * @param maxBackoff the longest wait after failed measurements
   */
  UsageSchedule(Duration interval, int callsPerSecond, Duration maxBackoff) {
    this.interval = interval;
    this.spacing = Duration.ofNanos(1_000_000_000L / callsPerSecond);
    this.maxBackoff = maxBackoff;
  }

  /** Measures {@code key} from now on (due at once), unless it is already scheduled. */
  boolean add(ObjectKey key, Instant now) {
    if (!known.add(key)) {
      return false;
    }
    put(key, now);
    return true;
  }

  /** Stops measuring {@code key}; a measurement in flight is not scheduled again. */
  void remove(ObjectKey key) {
    known.remove(key);
    Instant at = due.remove(key);
    if (at != null) {
      order.remove(new Due(at, key));
    }
  }

  Set<ObjectKey> keys() {
    return Set.copyOf(known);
  }

  /** The volume to measure now, if one is due and the budget allows a call; it waits for {@link #measured}. */
  Optional<ObjectKey> take(Instant now) {
    if (order.isEmpty() || order.first().at().isAfter(now)
        || lastTaken != null && lastTaken.plus(spacing).isAfter(now)) {
      return Optional.empty();
    }
    Due first = order.pollFirst();
    due.remove(first.key());
    lastTaken = now;
    return Optional.of(first.key());
  }

  /** How long until {@link #take} may give a volume; empty when none is waiting. */
  Optional<Duration> untilNext(Instant now) {
    if (order.isEmpty()) {
      return Optional.empty();
    }
    Instant next = order.first().at();
    if (lastTaken != null && lastTaken.plus(spacing).isAfter(next)) {
      next = lastTaken.plus(spacing);
    }
    return Optional.of(next.isAfter(now) ? Duration.between(now, next) : Duration.ZERO);
  }

  /** A measurement of {@code key} ended well: the next is an interval later. */
  void measured(ObjectKey key, Instant now) {
    again(key, now.plus(interval));
  }

  /**
   * The {@code failures}th measurement of {@code key} in a row failed: the next waits the
   * interval doubled for each failure after the first, up to {@code maxBackoff}.
   */
  void failed(ObjectKey key, Instant now, int failures) {
    Duration wait = interval;
    for (int i = 1; i < failures && wait.compareTo(maxBackoff) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    again(key, now.plus(wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait));
  }

  private void again(ObjectKey key, Instant at) {
    if (known.contains(key) && !due.containsKey(key)) {
      put(key, at);
    }
  }

  private void put(ObjectKey key, Instant at) {
    due.put(key, at);
    order.add(new Due(at, key));
  }
}
