package io.rune.storage.drivers.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class LocalDriverSnapshotTest extends LocalDriverFixture {

  @Test
  void snapshotAndRestoreCopyTheWholeTree() throws IOException {
    String volume = provision("default", "web-data", uid()).handle();
    Path source = root.resolve(volume);
    Files.createDirectories(source.resolve("sub/nested"));
    Files.writeString(source.resolve("a.txt"), "hello");
    Files.writeString(source.resolve("sub/nested/b.txt"), "deep");
    Files.createSymbolicLink(source.resolve("link"), Path.of("a.txt"));
    Files.createLink(source.resolve("hard.txt"), source.resolve("a.txt"));
    Files.setPosixFilePermissions(source.resolve("a.txt"), PosixFilePermissions.fromString("rw-r-----"));
    Files.setPosixFilePermissions(source.resolve("sub"), PosixFilePermissions.fromString("rwxr-x---"));

    String snapshotUid = uid();
    MadeSnapshot made = await(driver.snapshot(CTX, new SnapshotRequest(volume, snapshotUid, "snap-1", "default")));
    assertThat(made.method()).as("the temporary root is on ext4 here, which clones nothing").isEqualTo("copy");
    String snapshot = made.handle();
    assertThat(snapshot).isEqualTo(".snapshots/default/snap-1_" + snapshotUid);
    assertThat(root.resolve(snapshot).resolve("a.txt")).hasContent("hello");
    assertThat(root.resolve(".snapshots/default/.snap-1_" + snapshotUid + ".partial")).doesNotExist();

    String restoredUid = uid();
    RestoreRequest restore = new RestoreRequest(snapshot, request("other", "restored", restoredUid));
    ProvisionedVolume restored = await(driver.restore(CTX, restore));
    assertThat(restored.handle()).isEqualTo("other/restored_" + restoredUid);
    assertThat(restored.topology()).isEqualTo(Map.of("rune.io/node", NODE));

    Path copy = root.resolve(restored.handle());
    assertThat(copy.resolve("a.txt")).hasContent("hello");
    assertThat(copy.resolve("sub/nested/b.txt")).hasContent("deep");
    assertThat(Files.isSymbolicLink(copy.resolve("link"))).isTrue();
    assertThat(Files.readSymbolicLink(copy.resolve("link"))).isEqualTo(Path.of("a.txt"));
    Object inode = Files.getAttribute(copy.resolve("a.txt"), "unix:ino");
    assertThat(Files.getAttribute(copy.resolve("hard.txt"), "unix:ino")).isEqualTo(inode);
    assertThat(inode).as("a copy, not a link to the source")
        .isNotEqualTo(Files.getAttribute(source.resolve("a.txt"), "unix:ino"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve("a.txt"))))
        .isEqualTo("rw-r-----");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy.resolve("sub"))))
        .isEqualTo("rwxr-x---");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(copy))).isEqualTo("rwxr-xr-x");
    assertThat(root.resolve("other/.restored_" + restoredUid + ".partial")).doesNotExist();
  }

  @Test
  void repeatedSnapshotAndRestoreRequestsFindTheFirstResult() throws IOException {
    String volume = provision("default", "web-data", uid()).handle();
    Files.writeString(root.resolve(volume).resolve("data.txt"), "version 1");
    SnapshotRequest request = new SnapshotRequest(volume, uid(), "snap", "default");

    String snapshot = await(snapshot(CTX, request));
    Files.writeString(root.resolve(volume).resolve("data.txt"), "version 2");
    assertThat(await(snapshot(CTX, request))).isEqualTo(snapshot);
    assertThat(root.resolve(snapshot).resolve("data.txt")).hasContent("version 1");

    RestoreRequest restore = new RestoreRequest(snapshot, request("default", "copy", uid()));
    ProvisionedVolume restored = await(driver.restore(CTX, restore));
    Files.writeString(root.resolve(restored.handle()).resolve("data.txt"), "changed after restore");
    assertThat(await(driver.restore(CTX, restore))).isEqualTo(restored);
    assertThat(root.resolve(restored.handle()).resolve("data.txt")).hasContent("changed after restore");

    // The snapshot outlives its volume.
    await(driver.delete(CTX, volume));
    assertThat(await(snapshot(CTX, request))).isEqualTo(snapshot);
  }

  @Test
  void concurrentRequestsForTheSameSnapshotShareOneCopy() throws IOException {
    String volume = provision("default", "web-data", uid()).handle();
    for (int i = 0; i < 200; i++) {
      Files.writeString(root.resolve(volume).resolve("file-" + i), "content " + i);
    }
    SnapshotRequest request = new SnapshotRequest(volume, uid(), "snap", "default");

    Future<String> first = snapshot(CTX, request);
    Future<String> second = snapshot(CTX, request);

    assertThat(await(first)).isEqualTo(await(second));
    try (Stream<Path> files = Files.list(root.resolve(await(first)))) {
      assertThat(files.count()).isEqualTo(200);
    }
    try (Stream<Path> siblings = Files.list(root.resolve(".snapshots/default"))) {
      assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("snap_" + request.snapshotUid());
    }
  }

  @Test
  void aStalePartialCopyIsReplaced() throws IOException {
    String volume = provision("default", "web-data", uid()).handle();
    Files.writeString(root.resolve(volume).resolve("data.txt"), "fresh");
    String snapshotUid = uid();
    Path stale = Files.createDirectories(root.resolve(".snapshots/default/.snap_" + snapshotUid + ".partial"));
    Files.writeString(stale.resolve("junk.txt"), "left by a crash");

    String snapshot = await(snapshot(CTX, new SnapshotRequest(volume, snapshotUid, "snap", "default")));
    assertThat(root.resolve(snapshot).resolve("data.txt")).hasContent("fresh");
    assertThat(root.resolve(snapshot).resolve("junk.txt")).doesNotExist();
    assertThat(stale).doesNotExist();

    String restoredUid = uid();
    Path staleRestore = Files.createDirectories(root.resolve("default/.copy_" + restoredUid + ".partial"));
    Files.writeString(staleRestore.resolve("junk.txt"), "left by a crash");
    ProvisionedVolume restored = await(driver.restore(CTX,
        new RestoreRequest(snapshot, request("default", "copy", restoredUid))));
    assertThat(root.resolve(restored.handle()).resolve("data.txt")).hasContent("fresh");
    assertThat(root.resolve(restored.handle()).resolve("junk.txt")).doesNotExist();
    assertThat(staleRestore).doesNotExist();
  }

  @Test
  void snapshotsOfMissingThingsAreNotFound() {
    String missing = "default/gone_" + uid();
    DriverException noVolume = failure(snapshot(CTX, new SnapshotRequest(missing, uid(), "snap", "default")));
    assertThat(noVolume.error()).isEqualTo(DriverError.NOT_FOUND);
    assertThat(noVolume.getMessage()).contains(missing);

    String missingSnapshot = ".snapshots/default/gone_" + uid();
    assertThat(failure(driver.restore(CTX, new RestoreRequest(missingSnapshot, request("default", "x", uid()))))
        .error()).isEqualTo(DriverError.NOT_FOUND);
    assertThat(failure(snapshot(CTX, new SnapshotRequest("default/web_" + uid(), "nope", "snap",
        "default"))).error()).isEqualTo(DriverError.INVALID_CONFIG);
  }

  @Test
  void deleteSnapshotRemovesItTwiceIsFineAndItStaysInsideTheSnapshots() throws IOException {
    String volume = provision("default", "web-data", uid()).handle();
    String snapshot = await(snapshot(CTX, new SnapshotRequest(volume, uid(), "snap", "default")));

    await(driver.deleteSnapshot(CTX, snapshot));
    assertThat(root.resolve(snapshot)).doesNotExist();
    await(driver.deleteSnapshot(CTX, snapshot));
    await(driver.deleteSnapshot(CTX, ".snapshots/default/never-made_" + uid()));

    for (String handle : List.of(volume, "../outside", ".snapshots/../" + volume, outside.toString(), ".snapshots")) {
      assertThat(failure(driver.deleteSnapshot(CTX, handle)).error())
          .as("deleteSnapshot(\"%s\")", handle).isEqualTo(DriverError.PERMANENT);
    }
    assertThat(root.resolve(volume)).isDirectory();
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");
  }
}
