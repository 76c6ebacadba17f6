package io.rune.storage.drivers.local;

import io.rune.storage.driver.VolumeUsage;
import java.io.IOException;
import java.nio.file.Path;

/**
 * What holds a local volume's files in one {@link Enforcement} mode: a plain directory, a
 * btrfs subvolume, an XFS project directory, or a loop-mounted image. Every method takes the
 * volume directory ({@code <root>/<namespace>/<name>_<uid>}, already checked by
 * {@link ManagedRoot}), blocks, and is idempotent: a crash between two steps of one call is
 * finished or undone by calling it again, or by {@link #recover} at the next start.
 */
interface VolumeStorage {

  Enforcement mode();

  /**
   * Makes the storage of a new volume at {@code dir}, which does not exist, {@code sizeBytes}
   * big. When it returns, {@code dir} is the volume's (empty) root directory; until then, a
   * crash leaves only a {@code .partial} that {@link #recover} removes.
   */
  void make(Path dir, long sizeBytes) throws IOException;

  /** Whether a volume's storage exists for {@code dir} (even if its directory is not mounted yet). */
  boolean exists(Path dir) throws IOException;

  /** Makes the existing volume at {@code dir} usable at that path (mounts it where it is not). */
  default void ready(Path dir) throws IOException {}

  /** Raises the limit of the volume at {@code dir} to {@code sizeBytes}, online. */
  void grow(Path dir, long sizeBytes) throws IOException;

  /** Removes the volume at {@code dir}: its mount first, then its storage, then the directory. */
  void remove(Path dir) throws IOException;

  /** The volume's usage as its storage knows it. */
  VolumeUsage usage(Path dir) throws IOException;

  /**
   * At start-up, before the driver answers: brings back what a restart undid (mounts) and
   * removes the storage whose making a crash interrupted.
   */
  void recover() throws IOException;
}
