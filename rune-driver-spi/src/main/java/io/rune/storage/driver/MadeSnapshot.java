package io.rune.storage.driver;

/**
 * What taking a snapshot made, and how.
 *
 * @param handle the driver's name for the snapshot, given back to restore and delete it
 * @param method how the driver made it, in the driver's own word: {@code subvolume} (a
 *     read-only file system snapshot, O(1)), {@code reflink} (a copy that shares the data
 *     blocks until either side changes), {@code copy} (every byte copied), or a backend's
 *     word for its own snapshots ({@code cloud}); shown to users as {@code status.method}.
 *     Null only when a node of an older build answered, which did not say
 */
public record MadeSnapshot(String handle, String method) {

  public static final String SUBVOLUME = "subvolume";
  public static final String REFLINK = "reflink";
  public static final String COPY = "copy";
  public static final String CLOUD = "cloud";

  public MadeSnapshot {
    if (handle == null || handle.isEmpty()) {
      throw new IllegalArgumentException("a snapshot needs a handle");
    }
  }
}
