package io.rune.storage.drivers.digitalocean.fake;

import java.time.Instant;

/**
 * A volume action: {@code type} attach_volume, detach_volume or resize_volume; {@code status}
 * in-progress, completed or errored. {@code dropletId} is null for a resize, {@code sizeGigabytes}
 * null for attach and detach; {@code completedAt} is null while it runs.
 */
public record DoAction(
    long id,
    String volumeId,
    String type,
    String status,
    Long dropletId,
    Long sizeGigabytes,
    String regionSlug,
    Instant startedAt,
    Instant completedAt) {

  public static final String IN_PROGRESS = "in-progress";
  public static final String COMPLETED = "completed";
  public static final String ERRORED = "errored";

  boolean inProgress() {
    return IN_PROGRESS.equals(status);
  }

  DoAction ended(String endStatus, Instant at) {
    return new DoAction(id, volumeId, type, endStatus, dropletId, sizeGigabytes, regionSlug, startedAt, at);
  }
}
