package io.rune.bench;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * How busy the block device under a directory is, from {@code /sys/class/block/<dev>/stat}
 * (the milliseconds it had I/O in flight): other processes' I/O on the same disk makes copies
 * several times slower, so the snapshot bench waits for a quiet disk as well as quiet CPUs.
 */
final class DiskActivity {
  /** A device at most this busy over a one-second window counts as quiet. */
  static final double QUIET_SHARE = 0.10;
  private static final Duration WINDOW = Duration.ofSeconds(1);

  /** The stat file, or null when the device is not found (then only the CPUs are awaited). */
  private final Path stat;
  final String device;

  private DiskActivity(Path stat, String device) {
    this.stat = stat;
    this.device = device;
  }

  static DiskActivity under(Path dir) throws IOException {
    FileStore store = Files.getFileStore(dir);
    if (store.name().startsWith("/dev/")) {
      String name = Path.of(store.name()).toRealPath().getFileName().toString();
      Path stat = Path.of("/sys/class/block", name, "stat");
      if (Files.isReadable(stat)) {
        return new DiskActivity(stat, store.name());
      }
    }
    return new DiskActivity(null, store.name() + " (no I/O statistics found)");
  }

  /** The busy shares of the CPUs and of the disk over the last window before a measurement. */
  record Quiet(double cpu, double disk, double waitedSeconds) {
    boolean reached() {
      return cpu <= MachineCpu.QUIET_SHARE && disk <= QUIET_SHARE;
    }
  }

  /** Waits for a window with the CPUs and the disk quiet, or until the deadline passes. */
  Quiet awaitQuiet(Duration deadline) throws InterruptedException {
    long start = System.nanoTime();
    long end = start + deadline.toNanos();
    Quiet quiet;
    do {
      long cpuBefore = MachineCpu.busyNanos();
      long diskBefore = busyMillis();
      long windowStart = System.nanoTime();
      Thread.sleep(WINDOW.toMillis()); // the sampling window of a condition with a deadline
      long wall = System.nanoTime() - windowStart;
      quiet = new Quiet((MachineCpu.busyNanos() - cpuBefore) / (double) (wall * MachineCpu.cpus()),
          (busyMillis() - diskBefore) * 1e6 / wall, (System.nanoTime() - start) / 1e9);
    } while (!quiet.reached() && System.nanoTime() < end);
    return quiet;
  }

  private long busyMillis() {
    if (stat == null) {
      return 0;
    }
    try {
      return Long.parseLong(Files.readString(stat).trim().split("\\s+")[9]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
