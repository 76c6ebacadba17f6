package io.rune.storage.schedule;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.rune.storage.model.Durations;
import io.rune.storage.model.LabelSelector;
import io.rune.storage.model.Names;
import io.rune.storage.model.SnapshotSchedule;
import io.rune.storage.model.UserText;
import io.rune.storage.model.ValidationException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;

/**
 * A volume's {@link SnapshotSchedule}, checked and ready to use: its ticks (the instants the
 * cron expression names, in its time zone), the name of a tick's snapshot and the retention.
 * Parsing is cron-utils' (UNIX definition); the three nicknames are spelled out here because
 * that definition does not take them.
 */
public final class Schedule {
  /** The label on every snapshot a schedule took: the volume's name. */
  public static final String LABEL = "rune.io/schedule";
  /** The label with a scheduled snapshot's tick, in epoch seconds (retention orders and ages by it). */
  public static final String TICK_LABEL = "rune.io/schedule-tick";

  private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));
  private static final Map<String, String> NICKNAMES = Map.of("@hourly", "0 * * * *", "@daily", "0 0 * * *",
      "@weekly", "0 0 * * 0");
  private static final DateTimeFormatter TICK_NAME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmm");
  /** The volume part of a snapshot name leaves room for "-yyyymmdd-hhmm". */
  private static final int VOLUME_PART = Names.MAX_LENGTH - 14;
  /** How many missed ticks are counted for the catch-up message before it says "more than". */
  private static final int MAX_COUNTED = 10_000;

  private final ExecutionTime times;
  private final ZoneId zone;
  private final Integer keep;
  private final Duration maxAge;
  private final Map<String, String> labels;

  private Schedule(ExecutionTime times, ZoneId zone, Integer keep, Duration maxAge, Map<String, String> labels) {
    this.times = times;
    this.zone = zone;
    this.keep = keep;
    this.maxAge = maxAge;
    this.labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  /**
   * Checks {@code spec}, the content of field {@code at} (such as {@code snapshotSchedule}).
   *
   * @throws ValidationException naming the field at fault ({@code at.cron}, {@code at.timezone},
   *     {@code at.retention.keep}...) and what to write instead
   */
  public static Schedule parse(String at, SnapshotSchedule spec) {
    String cronText = spec.cron();
    if (cronText == null || cronText.isBlank()) {
      throw ValidationException.invalid(at + ".cron", at + ".cron is required: five fields (minute hour"
          + " day-of-month month day-of-week, e.g. \"0 3 * * *\") or @hourly, @daily, @weekly");
    }
    ExecutionTime times;
    try {
      Cron cron = PARSER.parse(NICKNAMES.getOrDefault(cronText.trim(), cronText.trim()));
      times = ExecutionTime.forCron(cron.validate());
    } catch (IllegalArgumentException e) {
      throw ValidationException.invalid(at + ".cron", at + ".cron " + UserText.quote(cronText) + " is not a cron"
          + " expression (" + e.getMessage() + "): write five fields (minute hour day-of-month month day-of-week,"
          + " e.g. \"0 3 * * *\") or @hourly, @daily, @weekly");
    }
    ZoneId zone;
    try {
      zone = spec.timezone() == null ? ZoneId.of("UTC") : ZoneId.of(spec.timezone());
    } catch (DateTimeException e) {
      throw ValidationException.invalid(at + ".timezone", at + ".timezone " + UserText.quote(spec.timezone())
          + " is not a time zone: use an IANA id such as Europe/Berlin or UTC");
    }
    SnapshotSchedule.Retention retention = spec.retention();
    if (retention == null || (retention.keep() == null && retention.maxAge() == null)) {
      throw ValidationException.invalid(at + ".retention", at + ".retention needs keep (how many of the newest"
          + " scheduled snapshots stay), maxAge (e.g. 7d), or both: a schedule without them would pile up"
          + " snapshots for ever");
    }
    if (retention.keep() != null && retention.keep() < 1) {
      throw ValidationException.invalid(at + ".retention.keep", at + ".retention.keep must be at least 1, not "
          + retention.keep());
    }
    Duration maxAge = null;
    if (retention.maxAge() != null) {
      try {
        maxAge = Durations.parse(retention.maxAge());
      } catch (IllegalArgumentException e) {
        throw ValidationException.invalid(at + ".retention.maxAge", at + ".retention.maxAge: " + e.getMessage());
      }
      if (maxAge.isZero()) {
        throw ValidationException.invalid(at + ".retention.maxAge", at + ".retention.maxAge must be more than"
            + " zero, e.g. 7d");
      }
    }
    LabelSelector.checkLabels(at + ".labels", spec.labels());
    if (spec.labels() != null && (spec.labels().containsKey(LABEL) || spec.labels().containsKey(TICK_LABEL))) {
      throw ValidationException.invalid(at + ".labels", at + ".labels may not set " + LABEL + " or " + TICK_LABEL
          + ": the schedule sets them itself");
    }
    return new Schedule(times, zone, retention.keep(), maxAge, spec.labels());
  }

  /** The newest tick at or before {@code now}, or null when the expression has none. */
  public Instant lastTickAtOrBefore(Instant now) {
    ZonedDateTime minute = now.atZone(zone).truncatedTo(ChronoUnit.MINUTES);
    if (times.isMatch(minute)) {
      return minute.toInstant();
    }
    return times.lastExecution(minute).map(ZonedDateTime::toInstant).orElse(null);
  }

  /** The first tick after {@code at}, or null when there is none. */
  public Instant nextTickAfter(Instant at) {
    return times.nextExecution(at.atZone(zone)).map(ZonedDateTime::toInstant).orElse(null);
  }

  /** How many ticks lie in {@code [from, to)} (counted up to a bound: a message, not arithmetic). */
  public int ticksBetween(Instant from, Instant to) {
    int count = 0;
    Instant tick = times.isMatch(from.atZone(zone)) ? from : nextTickAfter(from);
    while (tick != null && tick.isBefore(to) && count < MAX_COUNTED) {
      count++;
      tick = nextTickAfter(tick);
    }
    return count;
  }

  /**
   * {@code <volume>-<yyyymmdd-hhmm>}, the tick in the schedule's zone. A volume name too long
   * for that is cut and given a hash of the whole name, so that two long names never share one.
   */
  public String snapshotName(String volume, Instant tick) {
    String part = volume;
    if (volume.length() > VOLUME_PART) {
      String hash = sha256(volume).substring(0, 8);
      String cut = volume.substring(0, VOLUME_PART - 9);
      while (cut.endsWith("-")) {
        cut = cut.substring(0, cut.length() - 1);
      }
      part = cut + "-" + hash;
    }
    return part + "-" + TICK_NAME.format(tick.atZone(zone));
  }

  public Integer keep() {
    return keep;
  }

  public Duration maxAge() {
    return maxAge;
  }

  /** The schedule's own labels for its snapshots (LABEL and TICK_LABEL are added by the taker). */
  public Map<String, String> labels() {
    return labels;
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
