package io.rune.storage.drivers.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalDriverRecoverTest extends LocalDriverFixture {

  @Test
  void recoverRemovesThePartialCopiesACrashLeftAndNothingElse() throws IOException {
    String volume = provision("default", "web-data", uid()).handle();
    Files.writeString(root.resolve(volume).resolve("data.txt"), "fresh");
    String finished = await(snapshot(CTX, new SnapshotRequest(volume, uid(), "done", "default")));

    String snapshotUid = uid();
    Path snapshotPartial = plantPartial(root.resolve(".snapshots/default/.snap_" + snapshotUid + ".partial"));
    String restoredUid = uid();
    Path restorePartial = plantPartial(root.resolve("other/.copy_" + restoredUid + ".partial"));
    Path readOnlyPartial = plantPartial(root.resolve("other/.locked_" + uid() + ".partial"));
    readOnlyPartial.resolve("sub").toFile().setWritable(false);
    // Only the link goes, not what it points to.
    Path linkPartial = Files.createSymbolicLink(root.resolve("default/.evil_" + uid() + ".partial"), outside);

    // Not partials of this driver: a tenant's file of that name inside a volume, names that
    // are not <name>_<uid>, and a namespace directory that is a link to elsewhere.
    Path tenants = plantPartial(root.resolve(volume).resolve(".snap_" + uid() + ".partial"));
    Path notAUid = plantPartial(root.resolve("default/.snap_not-a-uid.partial"));
    Path notPartial = plantPartial(root.resolve("default/.snap_" + uid() + ".copy"));
    Path behindLink = plantPartial(outside.resolve(".snap_" + uid() + ".partial"));
    Files.createSymbolicLink(root.resolve("linked"), outside);
    Files.createSymbolicLink(root.resolve(".snapshots/linked"), outside);

    await(driver.recover());

    assertThat(snapshotPartial).doesNotExist();
    assertThat(restorePartial).doesNotExist();
    assertThat(readOnlyPartial).doesNotExist();
    assertThat(linkPartial).doesNotExist();
    assertThat(Files.isSymbolicLink(linkPartial)).isFalse();
    assertThat(root.resolve("other")).isEmptyDirectory();
    assertThat(root.resolve(volume).resolve("data.txt")).hasContent("fresh");
    assertThat(root.resolve(finished).resolve("data.txt")).hasContent("fresh");
    for (Path kept : new Path[] {tenants, notAUid, notPartial, behindLink}) {
      assertThat(kept.resolve("sub/junk.txt")).as("%s", kept).hasContent("left by a crash");
    }
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");

    // The interrupted operations can be done again under the same uids.
    String snapshot = await(snapshot(CTX, new SnapshotRequest(volume, snapshotUid, "snap", "default")));
    assertThat(root.resolve(snapshot).resolve("data.txt")).hasContent("fresh");
    ProvisionedVolume restored = await(driver.restore(CTX,
        new RestoreRequest(snapshot, request("other", "copy", restoredUid))));
    assertThat(root.resolve(restored.handle()).resolve("data.txt")).hasContent("fresh");
  }

  @Test
  void recoverStopsTheCopiesAnEarlierServerLeftRunningAndNoOtherProcess() throws Exception {
    Path fifo = tmp.resolve("never-written");
    run("mkfifo", fifo.toString());
    Path snapshotPartial = root.resolve(".snapshots/default/.snap_" + uid() + ".0123abcd.partial");
    Path restorePartial = root.resolve("other/.copy_" + uid() + ".partial");
    Files.createDirectories(snapshotPartial.getParent());
    Files.createDirectories(restorePartial.getParent());
    // cp blocks reading the FIFO, as a long copy would run on; orphans, as a crash leaves them.
    long strayCopy = orphan("cp", fifo.toString(), snapshotPartial.toString());
    long strayRestore = orphan("cp", "-a", "--", fifo.toString(), restorePartial.toString());
    long elsewhere = orphan("cp", fifo.toString(), outside.resolve(".snap_" + uid() + ".partial").toString());
    long intoAVolume = orphan("cp", fifo.toString(), root.resolve("default/web_" + uid()).toString());
    try {
      await(driver.recover());

      assertThat(CopyProcesses.ended(ProcessHandle.of(strayCopy).orElseThrow())).isTrue();
      assertThat(ProcessHandle.of(strayRestore).map(CopyProcesses::ended).orElse(true)).isTrue();
      assertThat(ProcessHandle.of(elsewhere).map(CopyProcesses::ended)).as("a copy into another root").contains(false);
      assertThat(ProcessHandle.of(intoAVolume).map(CopyProcesses::ended)).as("not a partial").contains(false);
    } finally {
      for (long pid : new long[] {strayCopy, strayRestore, elsewhere, intoAVolume}) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    }
  }

  /** Starts {@code command} in a shell that exits at once, so that its parent is no longer this JVM. */
  private static long orphan(String... command) throws Exception {
    List<String> argv = new ArrayList<>(List.of("sh", "-c", "\"$@\" </dev/null >/dev/null 2>&1 & echo $!", "sh"));
    argv.addAll(List.of(command));
    Process shell = new ProcessBuilder(argv).start();
    String pid = new String(shell.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(shell.waitFor()).isZero();
    return Long.parseLong(pid);
  }

  private static void run(String... command) throws Exception {
    assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
  }

  @Test
  void recoverOfAnEmptyOrMissingRootDoesNothing() throws IOException {
    await(driver.recover());
    assertThat(root).doesNotExist();

    Files.createDirectories(root.resolve(".snapshots"));
    await(driver.recover());
    assertThat(root.resolve(".snapshots")).isEmptyDirectory();
  }

  private static Path plantPartial(Path partial) throws IOException {
    Files.createDirectories(partial.resolve("sub"));
    Files.writeString(partial.resolve("sub/junk.txt"), "left by a crash");
    return partial;
  }
}
