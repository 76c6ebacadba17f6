package io.rune.storage.testing;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A file system of a given type (btrfs, ext4, xfs) made by a test: an image file made with
 * mkfs, loop-mounted on a directory below the test's own temporary directory, and unmounted
 * (with everything mounted below it) and detached on {@link #close}, whether the test passed
 * or not. Needs root and loop devices; without them {@link #make} fails saying so, so that a
 * test that needs it fails with the reason rather than skipping.
 */
public final class LoopFileSystem implements AutoCloseable {

  private static final long COMMAND_SECONDS = 120;

  private final Path image;
  private final Path mountPoint;
  private final String type;

  private LoopFileSystem(Path image, Path mountPoint, String type) {
    this.image = image;
    this.mountPoint = mountPoint;
    this.type = type;
  }

  /**
   * Makes a {@code type} file system of {@code sizeBytes} in {@code dir}/fs.img and mounts it on
   * {@code dir}/mnt with {@code mountOptions} (none when empty).
   */
  public static LoopFileSystem make(Path dir, String type, long sizeBytes, String mountOptions) throws IOException {
    Path image = dir.resolve(type + ".img");
    Path mountPoint = Files.createDirectories(dir.resolve(type + "-mnt")).toRealPath();
    try (RandomAccessFile file = new RandomAccessFile(image.toFile(), "rw")) {
      file.setLength(sizeBytes);
    }
    run("mkfs." + type, "-q", forceFlag(type), image.toString());
    List<String> mount = new ArrayList<>(List.of("mount", "-o", "loop" + (mountOptions.isEmpty() ? ""
        : "," + mountOptions), image.toString(), mountPoint.toString()));
    String failure = tryRun(mount);
    if (failure != null) {
      Files.deleteIfExists(image);
      throw new IOException("this machine cannot loop-mount a " + type + " image (" + String.join(" ", mount)
          + ": " + failure + "); the test needs root, loop devices and " + type + " support in the kernel");
    }
    return new LoopFileSystem(image, mountPoint, type);
  }

  /** Whether {@code type}'s mkfs overwrites with -f (btrfs, xfs) rather than -F (ext4). */
  private static String forceFlag(String type) {
    return type.startsWith("ext") ? "-F" : "-f";
  }

  public Path mountPoint() {
    return mountPoint;
  }

  public String type() {
    return type;
  }

  /** The mounts at or below {@code path}, from findmnt (what a leak would leave). */
  public static List<String> mountsBelow(Path path) throws IOException {
    List<String> found = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
      String point = line.split(" ")[4];
      if (point.equals(path.toString()) || point.startsWith(path + "/")) {
        found.add(point);
      }
    }
    return found;
  }

  /** The loop devices attached to files at or below {@code path} ({@code losetup -a}). */
  public static List<String> loopDevicesBelow(Path path) throws IOException {
    String out = runForOutput("losetup", "-a");
    return out.lines().filter(line -> line.contains("(" + path + "/") || line.contains("(" + path + ")")).toList();
  }

  /**
   * What {@code dd} wrote: the bytes it reports copied, and its error (the OS's words, such
   * as "No space left on device" or "Disk quota exceeded"), or null when it wrote everything.
   */
  public record Written(long bytes, String error) {
    public long mebibytes() {
      return bytes >> 20;
    }
  }

  /**
   * Writes {@code countMiB} MiB of zeros into {@code file} from MiB {@code seekMiB} on with a
   * real {@code dd} process, flushed to the disk (conv=fsync, conv=notrunc), as a tenant would.
   */
  public static Written dd(Path file, long seekMiB, long countMiB) throws IOException {
    Process process = new ProcessBuilder("dd", "if=/dev/zero", "of=" + file, "bs=1M", "seek=" + seekMiB,
        "count=" + countMiB, "conv=fsync,notrunc").redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = waitFor(process, List.of("dd"));
    java.util.regex.Matcher copied = java.util.regex.Pattern.compile("(\\d+) bytes").matcher(out);
    long bytes = copied.find() ? Long.parseLong(copied.group(1)) : -1;
    String error = exit == 0 ? null : out.lines().filter(line -> line.startsWith("dd: ")).findFirst().orElse(out);
    return new Written(bytes, error);
  }

  /** Unmounts everything at and below the mount point (a driver's loop mounts too), then removes the image. */
  @Override
  public void close() throws IOException {
    List<String> mounted = mountsBelow(mountPoint);
    // Deepest first, each as often as it is stacked.
    mounted.sort((a, b) -> b.length() - a.length());
    for (String point : mounted) {
      String failure = tryRun(List.of("umount", point));
      if (failure != null && !mountsBelow(Path.of(point)).isEmpty()) {
        tryRun(List.of("umount", "-l", point));
      }
    }
    Files.deleteIfExists(image);
  }

  private static void run(String... command) throws IOException {
    String failure = tryRun(List.of(command));
    if (failure != null) {
      throw new IOException(String.join(" ", command) + " failed: " + failure);
    }
  }

  /** What {@code command} printed (with its errors), stripped; fails when it exits with another status than 0. */
  public static String output(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    int exit = waitFor(process, List.of(command));
    if (exit != 0) {
      throw new IOException(String.join(" ", command) + " exited with " + exit + (out.isEmpty() ? "" : ": " + out));
    }
    return out;
  }

  private static String runForOutput(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    waitFor(process, List.of(command));
    return out;
  }

  /** Runs a command: null when it succeeded, its output when it did not. */
  private static String tryRun(List<String> command) throws IOException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      return "cannot run " + command.get(0) + ": " + e.getMessage();
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    int exit = waitFor(process, command);
    return exit == 0 ? null : "exit " + exit + (out.isEmpty() ? "" : ": " + out);
  }

  private static int waitFor(Process process, List<String> command) throws IOException {
    try {
      if (!process.waitFor(COMMAND_SECONDS, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not finish in " + COMMAND_SECONDS + " s");
      }
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
