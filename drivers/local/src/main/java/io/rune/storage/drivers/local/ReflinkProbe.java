package io.rune.storage.drivers.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the file system of the volume root clones files (reflink: btrfs, XFS with reflink,
 * bcachefs), found once at start-up by asking {@code cp --reflink=always} to clone a small
 * file there. A snapshot then says {@code reflink} because it is one, not because cp was
 * allowed to try: with {@code --reflink=always} a file that cannot be cloned fails the copy.
 */
final class ReflinkProbe {

  private static final Logger LOG = LoggerFactory.getLogger(ReflinkProbe.class);
  /** Fixed names, so that what a crash mid-probe left is overwritten by the next probe. */
  static final String PROBE = ".rune-reflink-probe";
  private static final String CLONE = PROBE + ".clone";
  private static final long WAIT_SECONDS = 30;

  private ReflinkProbe() {}

  /**
   * Whether files below {@code root}, which exists, can be cloned; false when the probe cannot
   * tell. Blocking.
   */
  static boolean clones(Path root) {
    Path probe = root.resolve(PROBE);
    Path clone = root.resolve(CLONE);
    try {
      Files.deleteIfExists(clone);
      // More than one block: a file that fits in the metadata (btrfs inlines small files) is not cloned.
      Files.write(probe, new byte[64 * 1024]);
      Process cp = new ProcessBuilder("cp", "--reflink=always", "--", probe.toString(), clone.toString())
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!cp.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)) {
        cp.destroyForcibly();
        LOG.warn("cp --reflink=always of a probe file in {} did not end within {} s; snapshots copy every byte",
            root, WAIT_SECONDS);
        return false;
      }
      return cp.exitValue() == 0;
    } catch (IOException e) {
      LOG.warn("cannot find out whether {} clones files ({}); snapshots copy every byte", root, e.toString());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      deleteQuietly(clone);
      deleteQuietly(probe);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("cannot remove the reflink probe {}: {}", file, e.toString());
    }
  }
}
