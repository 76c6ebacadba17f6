package io.rune.storage.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** The user-written fields of a Volume. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VolumeSpec(
    String storageClassName,
    String size,
    String accessMode,
    String reclaimPolicy,
    Map<String, String> parameters,
    String hostPath,
    Boolean createIfMissing,
    Map<String, String> topology,
    Source source,
    SnapshotSchedule snapshotSchedule) {

  public VolumeSpec {
    accessMode = AccessMode.fullName(accessMode);
  }

  /** Restore: the snapshot this volume is populated from. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Source(String snapshot, String namespace) {}
}
