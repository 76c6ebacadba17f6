package io.rune.storage.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What a volume's snapshot schedule did, {@code status.schedule}: when it last ran and the
 * snapshot it took, when it runs next, what went wrong last (null: nothing), and a note such
 * as a catch-up after missed ticks (null: none).
 */
public record ScheduleStatus(Instant lastRunAt, String lastSnapshot, Instant nextRunAt, String lastError,
    String message) {

  /** The stored {@code status.schedule}, or null when there is none. */
  static ScheduleStatus from(JsonObject schedule) {
    return schedule == null ? null
        : new ScheduleStatus(StatusFields.instant(schedule, "lastRunAt"), schedule.getString("lastSnapshot"),
            StatusFields.instant(schedule, "nextRunAt"), schedule.getString("lastError"),
            schedule.getString("message"));
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject();
    StatusFields.put(json, "lastRunAt", lastRunAt);
    StatusFields.put(json, "lastSnapshot", lastSnapshot);
    StatusFields.put(json, "nextRunAt", nextRunAt);
    StatusFields.put(json, "lastError", lastError);
    StatusFields.put(json, "message", message);
    return json;
  }
}
