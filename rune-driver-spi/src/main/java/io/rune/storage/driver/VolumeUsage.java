package io.rune.storage.driver;

/**
 * Bytes the volume's data takes, and the capacity of what holds it.
 *
 * @param capacityBytes what the volume can hold: the limit its storage keeps, or, where
 *     nothing keeps it to its size, the size of the file system that holds it
 * @param enforcement how the size is kept: {@code btrfs}, {@code xfs-quota}, {@code loop}
 *     (the kernel refuses a write past it), {@code none} (nothing does: the volume may grow
 *     past its size until the file system is full), or null when the driver does not say
 *     (a cloud disk is its size)
 */
public record VolumeUsage(long usedBytes, long capacityBytes, String enforcement) {

  /** No enforcement to report: a volume whose storage is its size. */
  public VolumeUsage(long usedBytes, long capacityBytes) {
    this(usedBytes, capacityBytes, null);
  }

  public static final String NOT_ENFORCED = "none";

  /** Whether nothing keeps the volume to its size. */
  public boolean unenforced() {
    return NOT_ENFORCED.equals(enforcement);
  }
}
