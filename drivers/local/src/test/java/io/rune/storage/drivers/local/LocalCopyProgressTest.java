package io.rune.storage.drivers.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rune.storage.driver.Progress;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The samples of a copy, with a dd or a shell writing into the partial instead of cp. */
class LocalCopyProgressTest {

  private static final Duration INTERVAL = Duration.ofMillis(20);
  private static final int KIB = 1024;
  /**
   * What a process started from Java has written before it runs our command: the JDK's spawn
   * helper tells the JVM it is alive with a 4-byte write, counted in the process's wchar.
   */
  private static final int SPAWN_BYTES = 64;

  record Report(long done, long total) {}

  @TempDir Path tmp;

  Vertx vertx;
  WorkerExecutor walker;
  Path source;
  Path partial;
  final List<Report> reports = new CopyOnWriteArrayList<>();
  final Progress listener = (done, total) -> reports.add(new Report(done, total));

  @BeforeEach
  void start() throws IOException {
    vertx = Vertx.vertx();
    walker = vertx.createSharedWorkerExecutor("test-progress", 1);
    source = tmp.resolve("source");
    Files.createDirectories(source.resolve("sub"));
    write(source.resolve("a"), 300 * KIB);
    write(source.resolve("sub/b"), 100 * KIB);
    Files.createLink(source.resolve("hard-link-to-a"), source.resolve("a"));
    Files.createSymbolicLink(source.resolve("link"), source.resolve("a"));
    // As the kernel names the files a process has open.
    partial = Files.createDirectories(tmp.toRealPath().resolve("partial"));
  }

  @AfterEach
  void stop() throws Exception {
    walker.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void samplesReportWhatTheCopyingProcessWroteUntilStopped() throws Exception {
    CopyProgress progress = new CopyProgress(listener, vertx, walker, INTERVAL);
    Process writer = writerInto(partial.resolve("a"));
    progress.watching(writer.toHandle(), source, partial);
    // Hard links count once, symbolic links not at all.
    assertThat(reports).containsExactly(new Report(0, 400 * KIB));
    assertThat(progress.total()).isEqualTo(400 * KIB);
    feed(writer, 100 * KIB);
    await().atMost(5, TimeUnit.SECONDS).until(() -> reports.size() == 2);
    Report sampled = reports.get(1);
    assertThat(sampled.done()).isBetween(100L * KIB, 100L * KIB + SPAWN_BYTES);

    progress.stopWatching();
    int before = reports.size();
    feed(writer, 200 * KIB);
    await().during(Duration.ofMillis(10 * INTERVAL.toMillis())).atMost(5, TimeUnit.SECONDS)
        .until(() -> reports.size() == before);
    end(writer);

    progress.finished();
    assertThat(reports).containsExactly(new Report(0, 400 * KIB), sampled, new Report(400 * KIB, 400 * KIB));
  }

  @Test
  void reportsNeverGoAboveTheTotal() throws Exception {
    CopyProgress progress = new CopyProgress(listener, vertx, walker, INTERVAL);
    Process writer = writerInto(partial.resolve("a"));
    progress.watching(writer.toHandle(), source, partial);
    feed(writer, 300 * KIB);
    await().atMost(5, TimeUnit.SECONDS).until(() -> reports.stream().anyMatch(r -> r.done() >= 300 * KIB));

    // The source grew while it was copied: the copy writes more than was counted.
    feed(writer, 1000 * KIB);
    await().atMost(5, TimeUnit.SECONDS).until(() -> reports.contains(new Report(400 * KIB, 400 * KIB)));
    end(writer);
    progress.finished();

    assertThat(reports).allSatisfy(r -> assertThat(r.done()).isBetween(0L, r.total()))
        .extracting(Report::done).isSorted();
    assertThat(reports.get(reports.size() - 1)).isEqualTo(new Report(400 * KIB, 400 * KIB));
  }

  @Test
  void aCallUnderWayCountsWhatItPutInItsOpenFile() throws Exception {
    // A shell holding the file open at offset 0, as cp does while one copy_file_range fills it:
    // the bytes are in the file and not yet in the process's wchar.
    Path file = partial.resolve("big");
    Files.writeString(file, "");
    Process holder = new ProcessBuilder("sh", "-c", "exec 3<>\"$1\"; read line", "sh", file.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    CopyingProcess copying = new CopyingProcess(holder.pid(), partial);
    await().atMost(5, TimeUnit.SECONDS).until(() -> opens(holder, file));
    write(file, 50 * KIB);
    assertThat(copying.bytesWritten()).isBetween(50L * KIB, 50L * KIB + SPAWN_BYTES);

    end(holder);
    assertThat(copying.bytesWritten()).isEqualTo(-1);
  }

  @Test
  void nobodyListeningMeansNothingIsCountedOrSampled() {
    // No Vert.x and no walker: touching either would throw.
    CopyProgress progress = new CopyProgress(Progress.NONE, null, null, INTERVAL);
    progress.watching(ProcessHandle.current(), source, partial);
    progress.stopWatching();
    progress.finished();
    assertThat(progress.total()).isEqualTo(-1);
  }

  /** A dd writing what it is fed into {@code file}, below the partial. */
  private static Process writerInto(Path file) throws IOException {
    return new ProcessBuilder("dd", "bs=" + KIB, "of=" + file).redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  private static void feed(Process writer, int bytes) throws IOException {
    writer.getOutputStream().write(new byte[bytes]);
    writer.getOutputStream().flush();
  }

  private static void end(Process process) throws Exception {
    process.getOutputStream().close();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  private static boolean opens(Process process, Path file) throws IOException {
    try (var fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
      return fds.anyMatch(fd -> {
        try {
          return Files.readSymbolicLink(fd).equals(file);
        } catch (IOException closed) {
          return false;
        }
      });
    }
  }

  private static void write(Path file, int bytes) throws IOException {
    byte[] data = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      data[i] = (byte) (i * 31 + file.hashCode());
    }
    Files.write(file, data);
  }
}
