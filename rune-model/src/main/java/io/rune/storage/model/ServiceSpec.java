package io.rune.storage.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import java.util.List;
import java.util.Map;

/**
 * The user-written fields of a Service: how many replicas, and the volumes each mounts,
 * either one existing volume shared by all ({@code claim}) or one volume per replica made
 * from a template ({@code claimTemplate}, named {@code <volume>-<service>-<ordinal>}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ServiceSpec(Integer scale, List<ServiceVolume> volumes) {

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ServiceVolume(String name, String mountPath, Boolean readOnly, String subPath, Claim claim,
      ClaimTemplate claimTemplate) {}

  /** An existing volume: {@code name} in the service's namespace, or {@code <volume>.<namespace>.rune}. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Claim(String name) {}

  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ClaimTemplate(String storageClassName, String size, String accessMode, String reclaimPolicy,
      Map<String, String> parameters, SnapshotSchedule snapshotSchedule, Long fsUser, Long fsGroup,
      @JsonDeserialize(using = VolumeOwnership.ModeText.class) String fsMode) {

    public ClaimTemplate {
      accessMode = AccessMode.fullName(accessMode);
    }

    /** What each volume made from it gets as {@link VolumeSpec#ownership()}. */
    @JsonIgnore
    public VolumeOwnership ownership() {
      return VolumeOwnership.of(fsUser, fsGroup, fsMode);
    }
  }
}
