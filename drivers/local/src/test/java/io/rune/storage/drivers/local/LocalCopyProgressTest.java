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

/** The walks of a partial copy, with the partial filled by hand instead of by cp. */
class LocalCopyProgressTest {

  private static final Duration INTERVAL = Duration.ofMillis(20);
  private static final int KIB = 1024;

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
    partial = tmp.resolve("partial");
  }

  @AfterEach
  void stop() throws Exception {
    walker.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void walksReportTheGrowingPartialUntilStopped() throws IOException {
    CopyProgress progress = new CopyProgress(listener, vertx, walker, INTERVAL);
    progress.startWatching(source, partial);
    // Hard links count once, symbolic links not at all.
    assertThat(reports).containsExactly(new Report(0, 400 * KIB));
    assertThat(progress.total()).isEqualTo(400 * KIB);

    Files.createDirectories(partial.resolve("sub"));
    write(partial.resolve("sub/b"), 100 * KIB);
    await().atMost(5, TimeUnit.SECONDS).until(() -> reports.contains(new Report(100 * KIB, 400 * KIB)));

    progress.stopWatching();
    int before = reports.size();
    write(partial.resolve("a"), 300 * KIB);
    await().during(Duration.ofMillis(10 * INTERVAL.toMillis())).atMost(5, TimeUnit.SECONDS)
        .until(() -> reports.size() == before);

    progress.finished();
    assertThat(reports).containsExactly(new Report(0, 400 * KIB), new Report(100 * KIB, 400 * KIB),
        new Report(400 * KIB, 400 * KIB));
  }

  @Test
  void reportsNeverGoBackNorAboveTheTotal() throws IOException {
    CopyProgress progress = new CopyProgress(listener, vertx, walker, INTERVAL);
    progress.startWatching(source, partial);
    Files.createDirectories(partial);
    write(partial.resolve("a"), 300 * KIB);
    await().atMost(5, TimeUnit.SECONDS).until(() -> reports.contains(new Report(300 * KIB, 400 * KIB)));

    // The partial shrinks (cp replacing a file, say): no report goes back.
    Files.delete(partial.resolve("a"));
    write(partial.resolve("smaller"), 50 * KIB);
    int before = reports.size();
    await().during(Duration.ofMillis(10 * INTERVAL.toMillis())).atMost(5, TimeUnit.SECONDS)
        .until(() -> reports.size() == before);

    // The source grew while it was copied: the partial holds more than was counted.
    write(partial.resolve("grown"), 1000 * KIB);
    await().atMost(5, TimeUnit.SECONDS).until(() -> reports.contains(new Report(400 * KIB, 400 * KIB)));
    progress.finished();

    assertThat(reports).allSatisfy(r -> assertThat(r.done()).isBetween(0L, r.total()))
        .extracting(Report::done).isSorted();
    assertThat(reports.get(reports.size() - 1)).isEqualTo(new Report(400 * KIB, 400 * KIB));
  }

  @Test
  void nobodyListeningMeansNothingIsCountedOrWalked() {
    // No Vert.x and no walker: touching either would throw.
    CopyProgress progress = new CopyProgress(Progress.NONE, null, null, INTERVAL);
    progress.startWatching(source, partial);
    progress.stopWatching();
    progress.finished();
    assertThat(progress.total()).isEqualTo(-1);
  }

  @Test
  void walksKeepToATenthOfTheTime() {
    assertThat(CopyProgress.nextDelayMillis(Duration.ofMillis(500), Duration.ofMillis(3).toNanos()))
        .isEqualTo(500);
    assertThat(CopyProgress.nextDelayMillis(Duration.ofMillis(500), Duration.ofMillis(120).toNanos()))
        .isEqualTo(1200);
  }

  private static void write(Path file, int bytes) throws IOException {
    byte[] data = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      data[i] = (byte) (i * 31 + file.hashCode());
    }
    Files.write(file, data);
  }
}
