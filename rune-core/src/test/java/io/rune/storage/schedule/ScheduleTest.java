package io.rune.storage.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rune.storage.model.Names;
import io.rune.storage.model.SnapshotSchedule;
import io.rune.storage.model.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScheduleTest {
  private static final SnapshotSchedule.Retention KEEP_3 = new SnapshotSchedule.Retention(3, null);

  private static Schedule parse(String cron, String zone) {
    return Schedule.parse("snapshotSchedule", new SnapshotSchedule(cron, zone, KEEP_3, null));
  }

  @Test
  void ticksAreInTheSchedulesTimeZone() {
    Schedule berlin = parse("0 3 * * *", "Europe/Berlin");
    Instant now = Instant.parse("2030-01-10T12:00:00Z");
    assertThat(berlin.lastTickAtOrBefore(now)).isEqualTo(Instant.parse("2030-01-10T02:00:00Z"));
    assertThat(berlin.nextTickAfter(now)).isEqualTo(Instant.parse("2030-01-11T02:00:00Z"));
    assertThat(berlin.snapshotName("pg", Instant.parse("2030-01-10T02:00:00Z"))).isEqualTo("pg-20300110-0300");
  }

  @Test
  void aTickExactlyNowIsDueAndMissedTicksAreCounted() {
    Schedule minutely = parse("* * * * *", null);
    Instant tick = Instant.parse("2030-01-01T00:05:00Z");
    assertThat(minutely.lastTickAtOrBefore(tick)).isEqualTo(tick);
    assertThat(minutely.lastTickAtOrBefore(tick.plusSeconds(59))).isEqualTo(tick);
    assertThat(minutely.ticksBetween(Instant.parse("2030-01-01T00:02:00Z"), tick)).isEqualTo(3);
  }

  @Test
  void nicknamesAreTheirFiveFields() {
    Instant now = Instant.parse("2030-01-02T10:30:00Z"); // a Wednesday
    assertThat(parse("@hourly", null).lastTickAtOrBefore(now)).isEqualTo(Instant.parse("2030-01-02T10:00:00Z"));
    assertThat(parse("@daily", null).lastTickAtOrBefore(now)).isEqualTo(Instant.parse("2030-01-02T00:00:00Z"));
    assertThat(parse("@weekly", null).lastTickAtOrBefore(now)).isEqualTo(Instant.parse("2029-12-30T00:00:00Z"));
  }

  @Test
  void aLongVolumeNameIsCutWithAHashSoTwoNamesNeverShareOne() {
    String a = "a".repeat(60) + "x";
    String b = "a".repeat(60) + "y";
    Instant tick = Instant.parse("2030-01-01T00:00:00Z");
    String nameA = parse("@daily", null).snapshotName(a, tick);
    String nameB = parse("@daily", null).snapshotName(b, tick);
    assertThat(nameA).hasSize(Names.MAX_LENGTH).endsWith("-20300101-0000").isNotEqualTo(nameB);
    assertThat(Names.isValid(nameA)).isTrue();
    assertThat(parse("@daily", null).snapshotName(a, tick)).as("deterministic").isEqualTo(nameA);
  }

  @Test
  void eachBadFieldIsNamed() {
    assertField(new SnapshotSchedule("@monthly", null, KEEP_3, null), "snapshotSchedule.cron");
    assertField(new SnapshotSchedule("* * * * * *", null, KEEP_3, null), "snapshotSchedule.cron");
    assertField(new SnapshotSchedule("* * * * *", "Nowhere/Town", KEEP_3, null), "snapshotSchedule.timezone");
    assertField(new SnapshotSchedule("* * * * *", null, null, null), "snapshotSchedule.retention");
    assertField(new SnapshotSchedule("* * * * *", null, new SnapshotSchedule.Retention(null, null), null),
        "snapshotSchedule.retention");
    assertField(new SnapshotSchedule("* * * * *", null, new SnapshotSchedule.Retention(0, null), null),
        "snapshotSchedule.retention.keep");
    assertField(new SnapshotSchedule("* * * * *", null, new SnapshotSchedule.Retention(null, "0d"), null),
        "snapshotSchedule.retention.maxAge");
    assertField(new SnapshotSchedule("* * * * *", null, KEEP_3, Map.of(Schedule.LABEL, "x")),
        "snapshotSchedule.labels");
    assertThat(Schedule.parse("s", new SnapshotSchedule("* * * * *", null,
        new SnapshotSchedule.Retention(null, "7d"), null)).maxAge()).isEqualTo(Duration.ofDays(7));
  }

  private static void assertField(SnapshotSchedule spec, String field) {
    assertThatThrownBy(() -> Schedule.parse("snapshotSchedule", spec)).isInstanceOfSatisfying(
        ValidationException.class, e -> assertThat(e.field()).as(e.getMessage()).isEqualTo(field));
  }
}
