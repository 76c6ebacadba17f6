package io.rune.storage.driver;

import io.rune.storage.model.AccessMode;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a driver can do. The API refuses, at write time, any request that needs something
 * the chosen driver does not advertise: there is no "try anyway" path.
 *
 * @param accessModes the modes a volume of this driver may ask for
 * @param snapshots whether it can snapshot volumes and restore snapshots into new ones
 * @param expand whether a volume can grow
 * @param onlineExpand whether it can grow while bound
 * @param delete whether it can remove storage (reclaimPolicy delete)
 * @param topologyKeys the topology labels its provision requests understand
 * @param hostPaths whether its volumes name an existing host directory (hostPath,
 *     createIfMissing), checked against the host path allowlist at write time
 * @param ownership whether it gives a volume's root directory the owner and mode the volume
 *     asks for (fsUser, fsGroup, fsMode) when it makes the storage
 */
public record DriverCapabilities(
    Set<AccessMode> accessModes,
    boolean snapshots,
    boolean expand,
    boolean onlineExpand,
    boolean delete,
    List<String> topologyKeys,
    boolean hostPaths,
    boolean ownership) {

  public DriverCapabilities {
    accessModes = Set.copyOf(Objects.requireNonNull(accessModes, "accessModes"));
    topologyKeys = List.copyOf(Objects.requireNonNull(topologyKeys, "topologyKeys"));
    if (accessModes.isEmpty()) {
      throw new IllegalArgumentException("a driver must support at least one access mode");
    }
    if (onlineExpand && !expand) {
      throw new IllegalArgumentException("onlineExpand requires expand");
    }
  }

  /** A driver that does not set ownership: the form from before {@code ownership} existed. */
  public DriverCapabilities(Set<AccessMode> accessModes, boolean snapshots, boolean expand, boolean onlineExpand,
      boolean delete, List<String> topologyKeys, boolean hostPaths) {
    this(accessModes, snapshots, expand, onlineExpand, delete, topologyKeys, hostPaths, false);
  }
}
