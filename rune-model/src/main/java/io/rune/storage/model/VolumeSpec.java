package io.rune.storage.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
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
    SnapshotSchedule snapshotSchedule,
    Long fsUser,
    Long fsGroup,
    @JsonDeserialize(using = VolumeOwnership.ModeText.class) String fsMode) {

  public VolumeSpec {
    accessMode = AccessMode.fullName(accessMode);
  }

  /** The owner and mode its root directory gets when its storage is made, or null for the driver's own. */
  @JsonIgnore
  public VolumeOwnership ownership() {
    return VolumeOwnership.of(fsUser, fsGroup, fsMode);
  }

  /** Restore: the snapshot this volume is populated from. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Source(String snapshot, String namespace) {}
}
