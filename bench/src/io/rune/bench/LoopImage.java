package io.rune.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;

/**
 * A btrfs the bench makes for a mode that needs one: a sparse image in the bench's scratch
 * directory, loop-mounted beside it (as root). {@link #close} unmounts it (lazily if runed's
 * last file is still closing) and removes the image; bench/run unmounts what is left at exit.
 */
final class LoopImage implements AutoCloseable {
  private static final Duration DEADLINE = Duration.ofMinutes(2);
  final Path mountPoint;
  private final Path image;

  private LoopImage(Path image, Path mountPoint) {
    this.image = image;
    this.mountPoint = mountPoint;
  }

  static LoopImage btrfs(Path dir, long bytes) throws IOException, InterruptedException {
    LoopImage made = new LoopImage(dir.resolve("btrfs.img"), Files.createDirectories(dir.resolve("btrfs")));
    Command.run(List.of("truncate", "-s", Long.toString(bytes), made.image.toString()), DEADLINE);
    Command.run(List.of("mkfs.btrfs", "-q", "-f", made.image.toString()), DEADLINE);
    Command.run(List.of("mount", "-o", "loop", made.image.toString(), made.mountPoint.toString()), DEADLINE);
    return made;
  }

  /** Unmounts what is mounted below {@code dir}, deepest first (lazily: runed may just have let go). */
  static void unmountBelow(Path dir) throws IOException, InterruptedException {
    List<String> below = Command.run(List.of("findmnt", "-rn", "-o", "TARGET"), DEADLINE).output().lines()
        .filter(target -> target.startsWith(dir + "/")).sorted(Comparator.reverseOrder()).toList();
    for (String target : below) {
      Command.run(List.of("umount", "-l", target), DEADLINE);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      try {
        Command.run(List.of("umount", mountPoint.toString()), DEADLINE);
      } catch (IOException busy) {
        Command.run(List.of("umount", "-l", mountPoint.toString()), DEADLINE);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while unmounting " + mountPoint, e);
    }
    Files.deleteIfExists(image);
  }
}
