package io.rune.storage.drivers.local;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * Removes a directory tree without ever following a symbolic link: a link, wherever it is
 * (the start included), is unlinked and what it points to is left alone. A tenant can put
 * any link inside a volume; removing the volume must not reach through it.
 */
final class TreeRemoval {

  private TreeRemoval() {}

  /**
   * Removes {@code path} and everything below it. Blocking.
   *
   * @return whether there was anything to remove
   */
  static boolean remove(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    // walkFileTree without FOLLOW_LINKS reports a link (even the start) as a file.
    Files.walkFileTree(path, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        // A tenant may have made a directory read-only; its entries can only be removed
        // once the owner (us, when we made it) may write it again.
        if (!Files.isWritable(dir) || !Files.isExecutable(dir)) {
          Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(dir,
              LinkOption.NOFOLLOW_LINKS));
          perms.addAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.OWNER_EXECUTE));
          Files.setPosixFilePermissions(dir, perms);
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
        if (failure instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw failure;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException failure) throws IOException {
        if (failure != null) {
          throw failure;
        }
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
    return true;
  }
}
