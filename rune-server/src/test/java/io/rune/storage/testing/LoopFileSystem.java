package io.rune.storage.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A file system a test makes for itself: a sparse image file in the test's own directory,
 * formatted and loop-mounted on a directory beside it (as root; {@code mount -o loop} frees
 * the loop device when it is unmounted). {@link #close} unmounts it and removes the image,
 * also after a failed test. Where the machine cannot loop-mount, making one fails with the
 * reason: a test that needs a real file system does not pass silently without one.
 */
public final class LoopFileSystem implements AutoCloseable {

  private static final long COMMAND_SECONDS = 120;
  private final Path image;
  private final Path mountPoint;
  private boolean mounted;

  private LoopFileSystem(Path image, Path mountPoint) {
    this.image = image;
    this.mountPoint = mountPoint;
  }

  /** A btrfs of {@code bytes} (sparse: it takes only what is written) mounted at {@code <dir>/btrfs}. */
  public static LoopFileSystem btrfs(Path dir, long bytes) {
    return make(dir, "btrfs", bytes, List.of("mkfs.btrfs", "-q", "-f"));
  }

  private static LoopFileSystem make(Path dir, String type, long bytes, List<String> mkfs) {
    LoopFileSystem fs = new LoopFileSystem(dir.resolve(type + ".img"), dir.resolve(type));
    try {
      Files.createDirectories(fs.mountPoint);
      run("making the image", List.of("truncate", "-s", Long.toString(bytes), fs.image.toString()));
      List<String> format = new ArrayList<>(mkfs);
      format.add(fs.image.toString());
      run("formatting the image as " + type, format);
      run("loop-mounting the image", List.of("mount", "-o", "loop", fs.image.toString(), fs.mountPoint.toString()));
      fs.mounted = true;
      return fs;
    } catch (IOException | RuntimeException e) {
      fs.close();
      throw new AssertionError("this test needs a " + type + " file system loop-mounted from an image (as root,"
          + " with " + mkfs.get(0) + " installed), and this machine cannot make one: " + e.getMessage(), e);
    }
  }

  /** Where it is mounted. */
  public Path path() {
    return mountPoint;
  }

  /** The output of {@code command}, which must succeed (a test's own use of the file system). */
  public static String run(String what, List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output;
    try (var out = process.getInputStream()) {
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(what + ": " + String.join(" ", command) + " did not end in " + COMMAND_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException(what + ": interrupted", e);
    }
    if (process.exitValue() != 0) {
      throw new IOException(what + ": " + String.join(" ", command) + " exited with " + process.exitValue()
          + (output.isEmpty() ? "" : ": " + output));
    }
    return output;
  }

  /**
   * Unmounts what a server mounted below it (loop volumes stay mounted when a server stops),
   * deepest first, then it (lazily when something still holds it: a server's worker that has
   * not let go yet; the kernel then unmounts it and frees the loop device as soon as it lets
   * go), and removes the image.
   */
  @Override
  public void close() {
    if (mounted) {
      try {
        List<String> below = run("listing mounts", List.of("findmnt", "-rn", "-o", "TARGET")).lines()
            .filter(target -> target.startsWith(mountPoint + "/")).sorted(Comparator.reverseOrder())
            .toList();
        for (String target : below) {
          run("unmounting " + target, List.of("umount", "-l", target));
        }
      } catch (IOException e) {
        throw new AssertionError("cannot unmount what is mounted below " + mountPoint + "; unmount it by hand", e);
      }
      try {
        run("unmounting " + mountPoint, List.of("umount", mountPoint.toString()));
      } catch (IOException busy) {
        try {
          run("unmounting " + mountPoint + " lazily", List.of("umount", "-l", mountPoint.toString()));
        } catch (IOException e) {
          e.addSuppressed(busy);
          throw new AssertionError("cannot unmount " + mountPoint + "; unmount it by hand", e);
        }
      }
      mounted = false;
    }
    try {
      Files.deleteIfExists(image);
    } catch (IOException e) {
      throw new AssertionError("cannot remove the image " + image, e);
    }
  }
}
