package io.rune.storage.drivers.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Makes a volume's storage under a partial name ({@code .<name>_<uid>.<attempt>.partial})
 * and renames it into place once it is complete, so that a crash in between leaves only a
 * partial, which recovery removes, never a volume that looks made but has no limit.
 */
final class PartialStorage {

  private static final SecureRandom RANDOM = new SecureRandom();

  /** One step of the work on a path; blocking. */
  interface Step {
    void on(Path path) throws IOException;
  }

  private PartialStorage() {}

  /**
   * {@code create} the partial, {@code finish} it (limits, mode), rename it to {@code dir};
   * on failure {@code discard} it, and throw what failed.
   */
  static void make(Path dir, Step create, Step finish, Step discard) throws IOException {
    Path partial = ManagedRoot.partialOf(dir, HexFormat.of().toHexDigits(RANDOM.nextLong()));
    create.on(partial);
    try {
      finish.on(partial);
      PlainDirectories.openToAll(partial);
      Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        discard.on(partial);
      } catch (IOException | RuntimeException cleanup) {
        e.addSuppressed(cleanup);
      }
      throw e;
    }
  }
}
