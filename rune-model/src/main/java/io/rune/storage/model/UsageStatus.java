package io.rune.storage.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * What a volume's storage takes, {@code status.usage}, as its driver last measured it on the
 * node that holds it.
 *
 * @param capacityBytes the limit the storage keeps; where nothing keeps it ({@code none}, or
 *     a driver that does not say), the size of the file system that holds the volume
 * @param enforcement how the size is kept ({@code btrfs}, {@code xfs-quota}, {@code loop},
 *     {@code none}); null when the driver does not say
 */
public record UsageStatus(long usedBytes, long capacityBytes, Instant observedAt, String enforcement) {

  /** The stored {@code status.usage}, or null when there is none. */
  static UsageStatus from(JsonObject usage) {
    return usage == null ? null
        : new UsageStatus(usage.getLong("usedBytes", 0L), usage.getLong("capacityBytes", 0L),
            StatusFields.instant(usage, "observedAt"), usage.getString("enforcement"));
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject().put("usedBytes", usedBytes).put("capacityBytes", capacityBytes);
    StatusFields.put(json, "observedAt", observedAt);
    StatusFields.put(json, "enforcement", enforcement);
    return json;
  }
}
