package io.rune.storage.drivers.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.rune.storage.config.RuneConfig;
import io.rune.storage.driver.DriverCatalog;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.model.AccessMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalDriverTest {

  private static final String NODE = "node-a";
  private static final DriverContext CTX = new DriverContext(null, null, Map.of(), NODE);

  @TempDir Path tmp;

  private Path root;
  private Path outside;
  private Vertx vertx;
  private LocalDriver driver;

  @BeforeEach
  void start() throws IOException {
    tmp = tmp.toRealPath();
    root = tmp.resolve("volumes");
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("precious.txt"), "keep me");
    vertx = Vertx.vertx();
    driver = driver(false);
  }

  @AfterEach
  void stop() throws Exception {
    driver.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private LocalDriver driver(boolean preserveOnDelete) {
    RuneConfig config = new RuneConfig(tmp.resolve("data"), "127.0.0.1", 0, NODE, false, null,
        new RuneConfig.Storage("local", root, List.of(), false, preserveOnDelete), null);
    return new LocalDriver(new DriverEnvironment(vertx, config));
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("driver call did not finish in 30 s", e);
    }
  }

  private static DriverException failure(Future<?> future) {
    Throwable thrown = catchThrowable(() -> await(future));
    assertThat(thrown).isInstanceOf(DriverException.class);
    return (DriverException) thrown;
  }

  private static ProvisionRequest request(String namespace, String name, String uid) {
    return new ProvisionRequest(uid, name, namespace, 1 << 20, "ReadWriteOnce", Map.of(), Map.of(),
        Instant.now().plusSeconds(60));
  }

  private ProvisionedVolume provision(String namespace, String name, String uid) {
    return await(driver.provision(CTX, request(namespace, name, uid)));
  }

  private static String uid() {
    return UUID.randomUUID().toString();
  }

  @Test
  void isFoundByServiceLoaderWithItsCapabilities() {
    var provider = DriverCatalog.discover().provider("local").orElseThrow();
    assertThat(provider.nodeLocal()).isTrue();
    var caps = provider.capabilities();
    assertThat(caps.accessModes()).containsExactly(AccessMode.ReadWriteOnce);
    assertThat(caps.snapshots()).isTrue();
    assertThat(caps.expand()).isFalse();
    assertThat(caps.onlineExpand()).isFalse();
    assertThat(caps.delete()).isTrue();
    assertThat(caps.topologyKeys()).containsExactly("rune.io/node");
    assertThat(caps.hostPaths()).isFalse();
    assertThat(driver.capabilities()).isEqualTo(caps);
    assertThat(driver.name()).isEqualTo("local");
  }

  @Test
  void provisionCreatesTheDirectoryAndIsIdempotent() throws IOException {
    String uid = uid();
    ProvisionedVolume volume = provision("default", "web-data", uid);

    assertThat(volume.handle()).isEqualTo("default/web-data_" + uid);
    assertThat(volume.topology()).isEqualTo(Map.of("rune.io/node", NODE));
    Path dir = root.resolve("default").resolve("web-data_" + uid);
    assertThat(dir).isDirectory();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwxr-xr-x");

    Files.writeString(dir.resolve("data.txt"), "written by the app");
    assertThat(provision("default", "web-data", uid)).isEqualTo(volume);
    assertThat(dir.resolve("data.txt")).hasContent("written by the app");
  }

  @Test
  void aNewVolumeOfTheSameNameNeverAdoptsTheOldDirectory() {
    String first = provision("default", "web-data", uid()).handle();
    String second = provision("default", "web-data", uid()).handle();

    assertThat(second).isNotEqualTo(first);
    assertThat(root.resolve(first)).isDirectory();
    assertThat(root.resolve(second)).isDirectory();
  }

  @Test
  void provisionRefusesBadRequestsBeforeTouchingTheDisk() {
    assertThat(failure(driver.provision(CTX, request("Default", "web", uid()))).error())
        .isEqualTo(DriverError.INVALID_CONFIG);
    assertThat(failure(driver.provision(CTX, request("default", "../web", uid()))).error())
        .isEqualTo(DriverError.INVALID_CONFIG);
    assertThat(failure(driver.provision(CTX, request("default", "web_x", uid()))).error())
        .isEqualTo(DriverError.INVALID_CONFIG);
    DriverException notUuid = failure(driver.provision(CTX, request("default", "web", "../../etc")));
    assertThat(notUuid.error()).isEqualTo(DriverError.INVALID_CONFIG);
    assertThat(notUuid.getMessage()).contains("is not a UUID");

    ProvisionRequest shared = new ProvisionRequest(uid(), "web", "default", 1, "ReadWriteMany", Map.of(),
        Map.of(), null);
    assertThat(failure(driver.provision(CTX, shared)).error()).isEqualTo(DriverError.ACCESS_MODE_UNSUPPORTED);

    ProvisionRequest elsewhere = new ProvisionRequest(uid(), "web", "default", 1, "ReadWriteOnce", Map.of(),
        Map.of("rune.io/node", "node-b"), null);
    assertThat(failure(driver.provision(CTX, elsewhere)).error()).isEqualTo(DriverError.PERMANENT);

    assertThat(root).doesNotExist();
  }

  @Test
  void deleteRemovesTheDirectoryAndDeletingTwiceSucceeds() throws IOException {
    String handle = provision("default", "web-data", uid()).handle();
    Path dir = root.resolve(handle);
    Files.createDirectories(dir.resolve("nested/deeper"));
    Files.writeString(dir.resolve("nested/deeper/file.txt"), "x");

    await(driver.delete(CTX, handle));
    assertThat(dir).doesNotExist();
    await(driver.delete(CTX, handle));
    assertThat(root.resolve("default")).isDirectory();
  }

  @Test
  void deleteOfSomethingThatNeverExistedSucceedsAndTouchesNothing() {
    String kept = provision("default", "web-data", uid()).handle();

    await(driver.delete(CTX, "default/never-made_" + uid()));
    await(driver.delete(CTX, "other-namespace/never-made_" + uid()));
    await(driver.delete(CTX, "no-such-volume"));
    // A namespace directory is not a volume handle: deleting it must not remove volumes.
    await(driver.delete(CTX, "default"));

    assertThat(root.resolve(kept)).isDirectory();
  }

  @Test
  void preserveOnDeleteKeepsTheDirectory() throws Exception {
    String handle = provision("default", "web-data", uid()).handle();
    Files.writeString(root.resolve(handle).resolve("data.txt"), "keep");
    LocalDriver preserving = driver(true);
    try {
      await(preserving.delete(CTX, handle));
    } finally {
      preserving.close().await(10, TimeUnit.SECONDS);
    }
    assertThat(root.resolve(handle).resolve("data.txt")).hasContent("keep");
  }

  @Test
  void deleteRefusesHandlesThatLeaveTheRootAndRemovesNothing() throws IOException {
    Files.createDirectories(root);
    Path sibling = Files.createDirectories(tmp.resolve("x"));
    Files.writeString(sibling.resolve("file.txt"), "sibling");
    String volume = provision("default", "web-data", uid()).handle();

    for (String handle : List.of("../x", "default/../../x", outside.toString(), tmp.resolve("x").toString(),
        "", ".", volume + "/..", "default/../default/web_" + uid())) {
      DriverException refused = failure(driver.delete(CTX, handle));
      assertThat(refused.error()).as("delete(\"%s\")", handle).isEqualTo(DriverError.PERMANENT);
      assertThat(refused.getMessage()).contains("refusing local volume handle");
    }
    assertThat(failure(driver.delete(CTX, null)).error()).isEqualTo(DriverError.PERMANENT);

    assertThat(sibling.resolve("file.txt")).hasContent("sibling");
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");
    assertThat(root.resolve(volume)).isDirectory();
  }

  @Test
  void deleteRefusesANamespaceDirectoryThatIsASymlinkToElsewhere() throws IOException {
    String uid = uid();
    Path target = Files.createDirectories(outside.resolve("web_" + uid));
    Files.writeString(target.resolve("file.txt"), "outside");
    Files.createDirectories(root);
    Files.createSymbolicLink(root.resolve("evil"), outside);

    DriverException refused = failure(driver.delete(CTX, "evil/web_" + uid));
    assertThat(refused.error()).isEqualTo(DriverError.PERMANENT);
    assertThat(refused.getMessage()).contains("symbolic link");
    assertThat(target.resolve("file.txt")).hasContent("outside");
  }

  @Test
  void deleteOfAVolumeReplacedByASymlinkOnlyUnlinksIt() throws IOException {
    String handle = provision("default", "web-data", uid()).handle();
    Path dir = root.resolve(handle);
    Files.delete(dir);
    Files.createSymbolicLink(dir, outside);

    await(driver.delete(CTX, handle));

    assertThat(Files.exists(dir, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");
  }

  @Test
  void deleteDoesNotFollowSymlinksInsideTheVolume() throws IOException {
    String handle = provision("default", "web-data", uid()).handle();
    Path dir = root.resolve(handle);
    Files.createDirectories(dir.resolve("sub"));
    Files.createSymbolicLink(dir.resolve("sub/to-outside"), outside);
    Files.createSymbolicLink(dir.resolve("to-file"), outside.resolve("precious.txt"));

    await(driver.delete(CTX, handle));

    assertThat(dir).doesNotExist();
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");
  }

  @Test
  void attachAndMountReturnTheDirectoryOnItsNodeOnly() throws IOException {
    String handle = provision("default", "web-data", uid()).handle();
    String dir = root.resolve(handle).toString();

    assertThat(await(driver.attach(CTX, handle, NODE))).isEqualTo(dir);
    assertThat(await(driver.mount(CTX, new MountRequest(handle, NODE, dir, "/data", true, null))))
        .isEqualTo(dir);
    await(driver.unmount(CTX, "/data"));
    await(driver.detach(CTX, handle, NODE));
    await(driver.detach(CTX, "default/never-attached_" + uid(), NODE));

    DriverException wrongNode = failure(driver.attach(CTX, handle, "node-b"));
    assertThat(wrongNode.error()).isEqualTo(DriverError.PERMANENT);
    assertThat(wrongNode.getMessage()).contains("lives on node node-a, not node-b");
    assertThat(failure(driver.mount(CTX, new MountRequest(handle, "node-b", dir, "/data", false, null)))
        .error()).isEqualTo(DriverError.PERMANENT);

    String missing = "default/gone_" + uid();
    assertThat(failure(driver.attach(CTX, missing, NODE)).error()).isEqualTo(DriverError.NOT_FOUND);
    assertThat(failure(driver.mount(CTX, new MountRequest(missing, NODE, null, "/data", false, null)))
        .error()).isEqualTo(DriverError.NOT_FOUND);
    assertThat(failure(driver.attach(CTX, "../outside", NODE)).error()).isEqualTo(DriverError.PERMANENT);

    // A volume directory swapped for a link is never handed to the runner to bind-mount.
    Files.delete(root.resolve(handle));
    Files.createSymbolicLink(root.resolve(handle), outside);
    assertThat(failure(driver.attach(CTX, handle, NODE)).error()).isEqualTo(DriverError.PERMANENT);
  }

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
    String snapshot = await(driver.snapshot(CTX, new SnapshotRequest(volume, snapshotUid, "snap-1", "default")));
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

    String snapshot = await(driver.snapshot(CTX, request));
    Files.writeString(root.resolve(volume).resolve("data.txt"), "version 2");
    assertThat(await(driver.snapshot(CTX, request))).isEqualTo(snapshot);
    assertThat(root.resolve(snapshot).resolve("data.txt")).hasContent("version 1");

    RestoreRequest restore = new RestoreRequest(snapshot, request("default", "copy", uid()));
    ProvisionedVolume restored = await(driver.restore(CTX, restore));
    Files.writeString(root.resolve(restored.handle()).resolve("data.txt"), "changed after restore");
    assertThat(await(driver.restore(CTX, restore))).isEqualTo(restored);
    assertThat(root.resolve(restored.handle()).resolve("data.txt")).hasContent("changed after restore");

    // The snapshot outlives its volume.
    await(driver.delete(CTX, volume));
    assertThat(await(driver.snapshot(CTX, request))).isEqualTo(snapshot);
  }

  @Test
  void concurrentRequestsForTheSameSnapshotShareOneCopy() throws IOException {
    String volume = provision("default", "web-data", uid()).handle();
    for (int i = 0; i < 200; i++) {
      Files.writeString(root.resolve(volume).resolve("file-" + i), "content " + i);
    }
    SnapshotRequest request = new SnapshotRequest(volume, uid(), "snap", "default");

    Future<String> first = driver.snapshot(CTX, request);
    Future<String> second = driver.snapshot(CTX, request);

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

    String snapshot = await(driver.snapshot(CTX, new SnapshotRequest(volume, snapshotUid, "snap", "default")));
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
    DriverException noVolume = failure(driver.snapshot(CTX, new SnapshotRequest(missing, uid(), "snap", "default")));
    assertThat(noVolume.error()).isEqualTo(DriverError.NOT_FOUND);
    assertThat(noVolume.getMessage()).contains(missing);

    String missingSnapshot = ".snapshots/default/gone_" + uid();
    assertThat(failure(driver.restore(CTX, new RestoreRequest(missingSnapshot, request("default", "x", uid()))))
        .error()).isEqualTo(DriverError.NOT_FOUND);
    assertThat(failure(driver.snapshot(CTX, new SnapshotRequest("default/web_" + uid(), "nope", "snap",
        "default"))).error()).isEqualTo(DriverError.INVALID_CONFIG);
  }

  @Test
  void deleteSnapshotRemovesItTwiceIsFineAndItStaysInsideTheSnapshots() throws IOException {
    String volume = provision("default", "web-data", uid()).handle();
    String snapshot = await(driver.snapshot(CTX, new SnapshotRequest(volume, uid(), "snap", "default")));

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

  @Test
  void usageCountsTheBytesOfRegularFilesOnce() throws IOException {
    String handle = provision("default", "web-data", uid()).handle();
    Path dir = root.resolve(handle);
    Files.createDirectories(dir.resolve("sub"));
    Files.write(dir.resolve("a.bin"), new byte[1000]);
    Files.write(dir.resolve("sub/b.bin"), new byte[234]);
    Files.createLink(dir.resolve("same-as-a.bin"), dir.resolve("a.bin"));
    Files.write(outside.resolve("big.bin"), new byte[50_000]);
    Files.createSymbolicLink(dir.resolve("to-outside"), outside);

    VolumeUsage usage = await(driver.usage(CTX, handle));

    assertThat(usage.usedBytes()).isEqualTo(1234);
    assertThat(usage.capacityBytes()).isEqualTo(Files.getFileStore(root).getTotalSpace()).isPositive();
    assertThat(failure(driver.usage(CTX, "default/gone_" + uid())).error()).isEqualTo(DriverError.NOT_FOUND);
  }

  @Test
  void expandIsUnsupported() {
    String handle = provision("default", "web-data", uid()).handle();
    assertThat(failure(driver.expand(CTX, handle, 2L << 30)).error()).isEqualTo(DriverError.UNSUPPORTED);
    assertThat(Set.of(root.resolve(handle).toFile().list())).isEmpty();
  }
}
