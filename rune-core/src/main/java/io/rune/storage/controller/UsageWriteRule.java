package io.rune.storage.controller;

import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.model.StatusCondition;
import io.rune.storage.model.UsageStatus;
import io.rune.storage.model.VolumeStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a volume's status says of a usage measurement ({@code status.usage} and the
 * OverCapacity condition), and whether a measurement is worth a status write.
 *
 * <p>Every status write is a row in the change log and a frame for every watcher, so a
 * measurement is written only when it says something new: the used bytes moved by at least
 * {@value #MIN_CHANGE_BYTES} bytes and at least 1% of the figure written (so a small volume
 * shows MiB changes, and a large busy one is not rewritten each interval for a change of a
 * fraction of a percent), the capacity or the enforcement changed, the OverCapacity condition
 * comes or goes, or the figure written is older than {@link #MAX_AGE} (so observedAt says the
 * figure is still being measured; ten minutes keeps that to six writes an hour per volume on an
 * idle system). Metrics carry every measurement whatever is written.
 */
final class UsageWriteRule {
  static final long MIN_CHANGE_BYTES = 1L << 20;
  static final Duration MAX_AGE = Duration.ofMinutes(10);
  static final String OVER_CAPACITY = "OverCapacity";
  static final String USAGE_OVER_SIZE = "UsageOverSize";

  private UsageWriteRule() {}

  /** Whether {@code after} (the status with the measurement) is worth writing over {@code before}. */
  static boolean worthWriting(VolumeStatus before, VolumeStatus after) {
    UsageStatus was = before.usage();
    UsageStatus now = after.usage();
    if (was == null || was.observedAt() == null) {
      return true;
    }
    if (overCapacity(before) != overCapacity(after) || was.capacityBytes() != now.capacityBytes()
        || !Objects.equals(was.enforcement(), now.enforcement())) {
      return true;
    }
    long moved = Math.abs(now.usedBytes() - was.usedBytes());
    if (moved >= MIN_CHANGE_BYTES && moved * 100 >= was.usedBytes()) {
      return true;
    }
    return !was.observedAt().plus(MAX_AGE).isAfter(now.observedAt());
  }

  /**
   * The status with {@code measured} as its usage at {@code now}, and the OverCapacity condition
   * as it stands: present (with the figures) while the volume's storage keeps nothing to its
   * size (enforcement {@code none}) and the used bytes pass {@code sizeBytes}; absent otherwise.
   * The condition keeps the time it began while it holds.
   */
  static VolumeStatus withMeasurement(VolumeStatus status, VolumeUsage measured, long sizeBytes, String driver,
      Instant now) {
    UsageStatus usage = new UsageStatus(measured.usedBytes(), measured.capacityBytes(), now, measured.enforcement());
    List<StatusCondition> conditions = new ArrayList<>(status.conditionsOrNone());
    StatusCondition was = conditions.stream().filter(c -> OVER_CAPACITY.equals(c.type())).findFirst().orElse(null);
    conditions.remove(was);
    if (measured.unenforced() && measured.usedBytes() > sizeBytes) {
      conditions.add(new StatusCondition(OVER_CAPACITY, StatusCondition.TRUE, USAGE_OVER_SIZE,
          "uses " + measured.usedBytes() + " bytes of its " + sizeBytes + "-byte size; the " + driver
              + " driver's enforcement is none, so nothing stops it",
          was != null ? was.lastTransitionAt() : now));
    }
    return status.withUsage(usage).withConditions(conditions);
  }

  static boolean overCapacity(VolumeStatus status) {
    return status.conditionsOrNone().stream().anyMatch(c -> OVER_CAPACITY.equals(c.type()));
  }
}
