package io.rune.storage.drivers.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.driver.runtime.DriverCatalog;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.model.AccessMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LocalDriverTest extends LocalDriverFixture {

  @Test
  void isFoundByServiceLoaderWithItsCapabilities() {
    var provider = DriverCatalog.discover().provider("local").orElseThrow();
    assertThat(provider.nodeLocal()).isTrue();
    var caps = provider.capabilities();
    assertThat(caps.accessModes()).containsExactly(AccessMode.ReadWriteOnce);
    assertThat(caps.snapshots()).isTrue();
    assertThat(caps.expand()).isTrue();
    assertThat(caps.onlineExpand()).isTrue();
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
  void expandSucceedsForAnExistingVolumeAndTouchesNothing() throws IOException {
    String handle = provision("default", "web-data", uid()).handle();
    Files.writeString(root.resolve(handle).resolve("data.txt"), "kept");

    await(driver.expand(CTX, handle, 2L << 30));
    await(driver.expand(CTX, handle, 2L << 30));

    assertThat(Set.of(root.resolve(handle).toFile().list())).containsExactly("data.txt");
    DriverException missing = failure(driver.expand(CTX, "default/gone_" + uid(), 2L << 30));
    assertThat(missing.error()).isEqualTo(DriverError.NOT_FOUND);
    assertThat(missing.blamesBackend()).isFalse();
    assertThat(failure(driver.expand(CTX, handle, 0)).error()).isEqualTo(DriverError.INVALID_CONFIG);
    assertThat(failure(driver.expand(CTX, "../outside", 1L << 30)).error()).isEqualTo(DriverError.PERMANENT);
  }
}
