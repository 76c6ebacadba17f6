package io.rune.storage.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.model.ObjectKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The usage schedule: a fixed budget of calls per second, each volume at most once per interval. */
class UsageScheduleTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Test
  void callsStayWithinTheBudgetWhateverTheNumberOfVolumesAndThePeriodStretches() {
    // 2 calls per second, every volume every 5 s at most: 40 volumes cannot all be seen every 5 s.
    UsageSchedule schedule = new UsageSchedule(Duration.ofSeconds(5), 2, Duration.ofMinutes(10));
    for (int i = 0; i < 40; i++) {
      schedule.add(new ObjectKey("ns", "v" + i), T0);
    }
    List<Instant> calls = new ArrayList<>();
    Map<ObjectKey, List<Instant>> byVolume = new HashMap<>();
    Instant now = T0;
    Instant end = T0.plusSeconds(120);
    while (now.isBefore(end)) {
      Optional<ObjectKey> key = schedule.take(now);
      if (key.isPresent()) {
        calls.add(now);
        byVolume.computeIfAbsent(key.get(), k -> new ArrayList<>()).add(now);
        schedule.measured(key.get(), now);
      } else {
        Duration wait = schedule.untilNext(now).orElseThrow();
        now = now.plus(wait.isZero() ? Duration.ofMillis(1) : wait);
      }
    }
    // 120 s at 2 per second: 240 calls at most, evenly spaced, and every volume had its turns.
    assertThat(calls).hasSizeBetween(235, 241);
    for (int i = 1; i < calls.size(); i++) {
      assertThat(Duration.between(calls.get(i - 1), calls.get(i))).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }
    assertThat(byVolume).hasSize(40);
    // The period stretched to 40 / 2 = 20 s.
    List<Instant> first = byVolume.get(new ObjectKey("ns", "v0"));
    assertThat(Duration.between(first.get(0), first.get(1))).isEqualTo(Duration.ofSeconds(20));
  }

  @Test
  void aFewVolumesAreMeasuredOncePerIntervalNotAsOftenAsTheBudgetAllows() {
    UsageSchedule schedule = new UsageSchedule(Duration.ofSeconds(60), 10, Duration.ofMinutes(10));
    ObjectKey a = new ObjectKey("ns", "a");
    ObjectKey b = new ObjectKey("ns", "b");
    schedule.add(a, T0);
    schedule.add(b, T0);
    assertThat(schedule.take(T0)).contains(a);
    assertThat(schedule.take(T0)).as("the budget spaces calls 100 ms apart").isEmpty();
    assertThat(schedule.untilNext(T0)).contains(Duration.ofMillis(100));
    assertThat(schedule.take(T0.plusMillis(100))).contains(b);
    schedule.measured(a, T0);
    schedule.measured(b, T0.plusMillis(100));
    assertThat(schedule.take(T0.plusSeconds(30))).isEmpty();
    assertThat(schedule.untilNext(T0.plusSeconds(30))).contains(Duration.ofSeconds(30));
    assertThat(schedule.take(T0.plusSeconds(60))).contains(a);
  }

  @Test
  void failuresWaitLongerEachTimeUpToTheCap() {
    UsageSchedule schedule = new UsageSchedule(Duration.ofSeconds(10), 100, Duration.ofSeconds(35));
    ObjectKey key = new ObjectKey("ns", "sick");
    schedule.add(key, T0);
    List<Duration> waits = new ArrayList<>();
    Instant now = T0;
    for (int failures = 1; failures <= 4; failures++) {
      assertThat(schedule.take(now)).contains(key);
      schedule.failed(key, now, failures);
      Duration wait = schedule.untilNext(now).orElseThrow();
      waits.add(wait);
      now = now.plus(wait);
    }
    assertThat(waits).containsExactly(Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(35),
        Duration.ofSeconds(35));
  }

  @Test
  void aVolumeRemovedWhileMeasuredIsNotScheduledAgainAndAddingTwiceKeepsItsTurn() {
    UsageSchedule schedule = new UsageSchedule(Duration.ofSeconds(10), 100, Duration.ofMinutes(1));
    ObjectKey key = new ObjectKey("ns", "gone");
    assertThat(schedule.add(key, T0)).isTrue();
    assertThat(schedule.take(T0)).contains(key);
    assertThat(schedule.add(key, T0)).as("being measured: already known").isFalse();
    schedule.remove(key);
    schedule.measured(key, T0);
    assertThat(schedule.keys()).isEmpty();
    assertThat(schedule.untilNext(T0)).isEmpty();
  }
}
