package io.rune.storage.driver.files;

import io.rune.storage.driver.VolumeUsage;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * The usage of a directory-backed volume: the bytes of the regular files below it, and the
 * total size of the file system that holds it. Public because the local-host driver
 * measures its host directories the same way.
 */
public final class DirectoryUsage {

  private DirectoryUsage() {}

  /**
   * Measures {@code dir}, walking without following symbolic links (a link to elsewhere is
   * not the volume's data). A file with several hard links counts once. Files that vanish
   * during the walk are skipped: the volume may be in use. Blocking.
   *
   * @param storeOf a path on the file system whose total space is the capacity
   */
  public static VolumeUsage measure(Path dir, Path storeOf) throws IOException {
    return new VolumeUsage(regularFileBytes(dir), Files.getFileStore(storeOf).getTotalSpace());
  }

  /**
   * The bytes of the regular files below {@code dir}, counted as {@link #measure} does; 0 when
   * {@code dir} does not exist. Blocking.
   */
  public static long regularFileBytes(Path dir) throws IOException {
    Set<Object> counted = new HashSet<>();
    long[] used = {0};
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile() && (attrs.fileKey() == null || counted.add(attrs.fileKey()))) {
          used[0] += attrs.size();
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
        if (failure instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw failure;
      }
    });
    return used[0];
  }
}
