package io.rune.storage.drivers.digitalocean.fake;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A block storage volume as the fake holds it (a copy: changing it changes nothing). */
public record DoVolume(
    String id,
    String name,
    String region,
    long sizeGigabytes,
    String description,
    String filesystemType,
    String filesystemLabel,
    List<String> tags,
    List<Long> dropletIds,
    Instant createdAt) {

  public DoVolume {
    tags = List.copyOf(tags);
    dropletIds = List.copyOf(dropletIds);
  }

  DoVolume withSize(long gigabytes) {
    return new DoVolume(id, name, region, gigabytes, description, filesystemType, filesystemLabel, tags,
        dropletIds, createdAt);
  }

  DoVolume attachedTo(long dropletId) {
    List<Long> ids = new ArrayList<>(dropletIds);
    ids.add(dropletId);
    return withDropletIds(ids);
  }

  DoVolume detachedFrom(long dropletId) {
    List<Long> ids = new ArrayList<>(dropletIds);
    ids.remove(dropletId);
    return withDropletIds(ids);
  }

  private DoVolume withDropletIds(List<Long> ids) {
    return new DoVolume(id, name, region, sizeGigabytes, description, filesystemType, filesystemLabel, tags,
        ids, createdAt);
  }
}
