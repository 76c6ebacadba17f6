package io.rune.storage.drivers.local;

import io.rune.storage.driver.files.DirectoryUsage;
import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.vertx.core.Future;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class LocalDriverProgressTest extends LocalDriverFixture {

  private static final int MIB = 1 << 20;

  record Report(long done, long total, boolean afterCompletion) {}

  @Test
  void snapshotAndRestoreReportFromNothingToAllTheSourceBytes() throws IOException {
    String volume = provision("default", "big", uid()).handle();
    Path source = root.resolve(volume);
    long bytes = fill(source);

    String snapshotUid = uid();
    List<Report> snapshotReports = reportsOf(ctx -> snapshot(ctx,
        new SnapshotRequest(volume, snapshotUid, "snap", "default")));
    assertWellFormed(snapshotReports, bytes);

    String snapshot = ".snapshots/default/snap_" + snapshotUid;
    List<Report> restoreReports = reportsOf(ctx -> driver.restore(ctx,
        new RestoreRequest(snapshot, request("default", "copy", uid()))).map(ProvisionedVolume::handle));
    assertWellFormed(restoreReports, bytes);
  }

  @Test
  void anEmptyVolumeReportsNothingToDoAndDone() {
    String volume = provision("default", "empty", uid()).handle();
    List<Report> reports = reportsOf(ctx -> snapshot(ctx,
        new SnapshotRequest(volume, uid(), "snap", "default")));
    assertThat(reports).containsExactly(new Report(0, 0, false), new Report(0, 0, false));
  }

  @Test
  void withoutAListenerTheCopyStillHappens() throws IOException {
    String volume = provision("default", "big", uid()).handle();
    long bytes = fill(root.resolve(volume));
    String snapshot = await(snapshot(CTX, new SnapshotRequest(volume, uid(), "snap", "default")));
    assertThat(DirectoryUsage.regularFileBytes(root.resolve(snapshot))).isEqualTo(bytes);
  }

  /** The reports of one call, each marked with whether its future had completed before. */
  private List<Report> reportsOf(Function<DriverContext, Future<String>> call) {
    List<Report> reports = new CopyOnWriteArrayList<>();
    AtomicBoolean completed = new AtomicBoolean();
    Future<String> result = call.apply(CTX.withProgress(
        (done, total) -> reports.add(new Report(done, total, completed.get()))));
    await(result.andThen(r -> completed.set(true)));
    return reports;
  }

  private static void assertWellFormed(List<Report> reports, long bytes) {
    assertThat(reports).hasSizeGreaterThanOrEqualTo(2);
    assertThat(reports.get(0)).isEqualTo(new Report(0, bytes, false));
    assertThat(reports.get(reports.size() - 1)).isEqualTo(new Report(bytes, bytes, false));
    assertThat(reports).allSatisfy(r -> {
      assertThat(r.total()).isEqualTo(bytes);
      assertThat(r.done()).isBetween(0L, bytes);
      assertThat(r.afterCompletion()).isFalse();
    }).extracting(Report::done).isSorted();
  }

  /**
   * A 64 MiB file of random bytes (nothing a file system could compress or share), a few
   * hundred small ones, a hard link (counted once) and a symbolic link (not counted).
   */
  private static long fill(Path dir) throws IOException {
    SplittableRandom random = new SplittableRandom(42);
    byte[] chunk = new byte[MIB];
    try (OutputStream out = Files.newOutputStream(dir.resolve("big.bin"))) {
      for (int i = 0; i < 64; i++) {
        for (int j = 0; j < chunk.length; j += 8) {
          long value = random.nextLong();
          for (int k = 0; k < 8; k++) {
            chunk[j + k] = (byte) (value >>> (8 * k));
          }
        }
        out.write(chunk);
      }
    }
    long bytes = 64L * MIB;
    Path small = Files.createDirectories(dir.resolve("small"));
    for (int i = 0; i < 300; i++) {
      byte[] content = ("file " + i + " ").repeat(i + 1).getBytes();
      Files.write(small.resolve("f" + i), content);
      bytes += content.length;
    }
    Files.createLink(dir.resolve("hard-link"), dir.resolve("big.bin"));
    Files.createSymbolicLink(dir.resolve("link"), Path.of("big.bin"));
    return bytes;
  }
}
