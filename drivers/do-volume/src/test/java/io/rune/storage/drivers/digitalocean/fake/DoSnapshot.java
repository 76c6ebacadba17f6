package io.rune.storage.drivers.digitalocean.fake;

import java.time.Instant;
import java.util.List;

/**
 * A volume snapshot as the fake holds it. {@code tags} is null when the snapshot was made
 * without tags, as DigitalOcean answers it.
 */
public record DoSnapshot(
    String id,
    String name,
    String volumeId,
    String region,
    long minDiskSize,
    List<String> tags,
    Instant createdAt) {

  public DoSnapshot {
    tags = tags == null ? null : List.copyOf(tags);
  }
}
