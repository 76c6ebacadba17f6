package io.rune.storage.model;

import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * A volume's growth, as its status records it: {@code capacity} is the size actually
 * provisioned (a quantity string such as {@code 2Gi}), and {@code expandingTo}, present from
 * the write that raised {@code size} until the driver grew the storage, marks the volume as
 * having expansion work whatever its phase (the store indexes the marker, so a resync finds
 * such volumes without reading every row). The reasons are STORAGE.md's.
 */
public final class VolumeGrowth {
  public static final String CAPACITY = "capacity";
  public static final String MARKER = "expandingTo";

  public static final String EXPANSION_REQUESTED = "ExpansionRequested";
  public static final String EXPANDING = "Expanding";
  public static final String WAITS_FOR_DETACH = "ExpansionWaitsForDetach";

  /** The phases in which provisioned storage can grow. */
  private static final Set<VolumeStatus.Phase> GROWABLE = Set.of(VolumeStatus.Phase.Available,
      VolumeStatus.Phase.Bound, VolumeStatus.Phase.Released);

  private VolumeGrowth() {}

  /** Whether the volume has expansion work: its size was raised and its storage has not grown yet. */
  public static boolean requested(JsonObject status) {
    return status != null && status.getString(MARKER) != null && GROWABLE.contains(VolumeStatus.phase(status));
  }

  /**
   * Whether the growth stopped, waiting for the retry verb: its retries are exhausted, or it
   * failed in a way retrying cannot fix (an attempt in flight has no next attempt time either).
   */
  public static boolean stopped(JsonObject status) {
    return requested(status) && VolumeStatus.stopped(status) && !EXPANDING.equals(status.getString("reason"));
  }

  /**
   * The size provisioned. Rows made before capacity was recorded have none: they were made at
   * their {@code size} (stored growth did nothing then), so that is their capacity, read at
   * the first reconcile that needs it.
   */
  public static String capacity(JsonObject spec, JsonObject status) {
    return status.getString(CAPACITY, spec.getString("size"));
  }

  /**
   * The status a write of {@code spec} over a volume with {@code status} stores: when it asks
   * for more than the capacity of provisioned storage, the growth starts (marker, reason, and
   * the attempts of the operation reset); else the status as it was. A row without capacity
   * (made before it was recorded) counts as growing on any spec change: the expand is
   * idempotent, and it records the capacity.
   */
  public static JsonObject afterSpecWrite(JsonObject spec, JsonObject status) {
    if (!GROWABLE.contains(VolumeStatus.phase(status))) {
      return status; // not provisioned yet (it is made at the new size) or being deleted
    }
    String size = spec.getString("size");
    if (size.equals(status.getString(MARKER))) {
      return status; // that growth is under way (or stopped, for the retry verb) already
    }
    String capacity = status.getString(CAPACITY);
    if (capacity != null && Quantity.parseBytes("size", size) <= Quantity.parseBytes("size", capacity)) {
      return status;
    }
    JsonObject growing = status.copy().put(MARKER, size).put("attempts", 0).put("reason", EXPANSION_REQUESTED)
        .put("message", "growing to " + size + (capacity != null ? " from " + capacity : "") + " was requested");
    growing.remove("nextAttemptAt");
    return growing;
  }
}
