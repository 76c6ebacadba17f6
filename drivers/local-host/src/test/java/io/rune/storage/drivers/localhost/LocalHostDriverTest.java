package io.rune.storage.drivers.localhost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.rune.storage.config.RuneConfig;
import io.rune.storage.driver.runtime.DriverCatalog;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MountRequest;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.RestoreRequest;
import io.rune.storage.driver.SnapshotRequest;
import io.rune.storage.model.AccessMode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalHostDriverTest {

  private static final String NODE = "node-a";

  @TempDir Path tmp;

  private Path allow;
  private Path allow2;
  private Path outside;
  private Path managed;
  private Vertx vertx;
  private LocalHostDriver driver;

  @BeforeEach
  void start() throws IOException {
    tmp = tmp.toRealPath();
    allow = Files.createDirectories(tmp.resolve("allow"));
    Files.createDirectories(allow.resolve("data"));
    allow2 = Files.createDirectories(tmp.resolve("allow2"));
    Files.createDirectories(allow2.resolve("data"));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("precious.txt"), "keep me");
    // The managed volume root inside the allowlist: still out of bounds for a host path.
    managed = Files.createDirectories(allow.resolve("managed"));
    vertx = Vertx.vertx();
    driver = driver(false);
  }

  @AfterEach
  void stop() throws Exception {
    driver.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private LocalHostDriver driver(boolean allowCreateMissing) {
    RuneConfig config = new RuneConfig(tmp.resolve("data"), "127.0.0.1", 0, NODE, false, null,
        new RuneConfig.Storage("local", managed, List.of(allow), allowCreateMissing, false), null, null, null);
    return new LocalHostDriver(config.driverEnvironment(vertx, LocalHostDriver.NAME));
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("driver call did not finish in 30 s", e);
    }
  }

  private static DriverException failure(Future<?> future) {
    Throwable thrown = catchThrowable(() -> await(future));
    assertThat(thrown).isInstanceOf(DriverException.class);
    return (DriverException) thrown;
  }

  private static DriverContext ctx(String hostPath, boolean createIfMissing) {
    JsonObject volume = new JsonObject().put("name", "web-data").put("namespace", "default")
        .put("hostPath", hostPath).put("createIfMissing", createIfMissing);
    return new DriverContext(new JsonObject().put("name", "local-host").put("driver", "local-host"), volume,
        Map.of(), NODE);
  }

  private static ProvisionRequest request(String accessMode) {
    return new ProvisionRequest(UUID.randomUUID().toString(), "web-data", "default", 1 << 20, accessMode,
        Map.of(), Map.of(), Instant.now().plusSeconds(60));
  }

  private ProvisionedVolume provision(Path hostPath) {
    return await(driver.provision(ctx(hostPath.toString(), false), request("ReadWriteOnce")));
  }

  private DriverException refused(LocalHostDriver driver, String hostPath, boolean createIfMissing) {
    DriverException e = failure(driver.provision(ctx(hostPath, createIfMissing), request("ReadWriteOnce")));
    assertThat(e.error()).as("provision of %s", hostPath).isEqualTo(DriverError.INVALID_CONFIG);
    return e;
  }

  @Test
  void isFoundByServiceLoaderWithItsCapabilities() {
    var provider = DriverCatalog.discover().provider("local-host").orElseThrow();
    assertThat(provider.nodeLocal()).isTrue();
    var caps = provider.capabilities();
    assertThat(caps.accessModes()).containsExactlyInAnyOrder(AccessMode.ReadWriteOnce, AccessMode.ReadOnlyMany);
    assertThat(caps.snapshots()).isFalse();
    assertThat(caps.expand()).isFalse();
    assertThat(caps.onlineExpand()).isFalse();
    assertThat(caps.delete()).isFalse();
    assertThat(caps.topologyKeys()).containsExactly("rune.io/node", "rune.io/host-path-root");
    assertThat(caps.hostPaths()).isTrue();
    assertThat(driver.capabilities()).isEqualTo(caps);
    assertThat(driver.name()).isEqualTo("local-host");
  }

  @Test
  void anAllowlistedDirectoryIsAcceptedWithItsTopologyAndProvisioningIsIdempotent() {
    Path data = allow.resolve("data");
    ProvisionedVolume volume = provision(data);

    assertThat(volume.handle()).isEqualTo(data.toString());
    assertThat(volume.topology()).isEqualTo(Map.of("rune.io/node", NODE, "rune.io/host-path-root", allow.toString()));
    assertThat(provision(data)).isEqualTo(volume);
    assertThat(await(driver.provision(ctx(allow + "//./data/", false), request("ReadOnlyMany")))).isEqualTo(volume);
  }

  @Test
  void theHandleIsTheRealPathBehindALinkThatStaysInside() throws IOException {
    Files.createSymbolicLink(allow.resolve("alias"), allow.resolve("data"));
    assertThat(provision(allow.resolve("alias")).handle()).isEqualTo(allow.resolve("data").toString());
  }

  @Test
  void pathsOutsideTheAllowlistAreInvalidConfig() throws IOException {
    Files.createSymbolicLink(allow.resolve("escape"), outside);
    Files.writeString(allow.resolve("file.txt"), "not a directory");

    assertThat(refused(driver, outside.toString(), false).getMessage()).contains("is not under [storage] hostPathAllowlist");
    assertThat(refused(driver, allow2.resolve("data").toString(), false).getMessage())
        .contains("is not under [storage] hostPathAllowlist");
    refused(driver, allow + "/../outside", false);
    refused(driver, allow + "/data/../../allow2/data", false);
    assertThat(refused(driver, allow.resolve("escape").toString(), false).getMessage()).contains("symbolic link");
    refused(driver, allow.resolve("escape").resolve("new").toString(), true);
    assertThat(refused(driver, managed.resolve("default").toString(), false).getMessage())
        .contains("server's own storage");
    refused(driver, "data", false);
    assertThat(refused(driver, null, false).getMessage()).contains("hostPath is required");
    DriverException blocked = failure(driver.provision(ctx(allow.resolve("file.txt").toString(), false),
        request("ReadWriteOnce")));
    assertThat(blocked.reason()).isEqualTo("HostPathBlocked");
    assertThat(blocked.blamesBackend()).isFalse();
    assertThat(blocked.getMessage()).contains(allow.resolve("file.txt") + " is a file, not a directory; move it away");

    assertThat(outside.resolve("new")).doesNotExist();
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");
  }

  @Test
  void aMissingDirectoryIsCreatedOnlyWithBothKnobs() throws Exception {
    Path missing = allow.resolve("new").resolve("deeper");

    assertThat(refused(driver, missing.toString(), false).getMessage())
        .contains("does not exist").contains("createIfMissing: true").contains("allowCreateMissing = true");
    assertThat(refused(driver, missing.toString(), true).getMessage())
        .contains("allowCreateMissing is false");
    LocalHostDriver allowing = driver(true);
    try {
      assertThat(refused(allowing, missing.toString(), false).getMessage())
          .contains("set createIfMissing: true on the volume").doesNotContain("allowCreateMissing");
      assertThat(allow.resolve("new")).doesNotExist();

      ProvisionedVolume created = await(allowing.provision(ctx(missing.toString(), true), request("ReadWriteOnce")));
      assertThat(missing).isDirectory();
      assertThat(created.handle()).isEqualTo(missing.toString());
      assertThat(created.topology()).containsEntry("rune.io/host-path-root", allow.toString());
      assertThat(await(allowing.provision(ctx(missing.toString(), true), request("ReadWriteOnce"))))
          .isEqualTo(created);
    } finally {
      allowing.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void unsupportedAccessModesAreRefused() {
    assertThat(failure(driver.provision(ctx(allow.resolve("data").toString(), false), request("ReadWriteMany")))
        .error()).isEqualTo(DriverError.ACCESS_MODE_UNSUPPORTED);
    ProvisionRequest elsewhere = new ProvisionRequest(UUID.randomUUID().toString(), "web-data", "default", 1,
        "ReadWriteOnce", Map.of(), Map.of("rune.io/node", "node-b"), null);
    assertThat(failure(driver.provision(ctx(allow.resolve("data").toString(), false), elsewhere)).error())
        .isEqualTo(DriverError.PERMANENT);
  }

  @Test
  void deleteNeverRemovesTheHostDirectory() throws IOException {
    Path data = allow.resolve("data");
    Files.writeString(data.resolve("file.txt"), "operator's data");
    String handle = provision(data).handle();

    await(driver.delete(ctx(data.toString(), false), handle));
    await(driver.delete(ctx(data.toString(), false), handle));
    await(driver.delete(null, outside.toString()));

    assertThat(data.resolve("file.txt")).hasContent("operator's data");
    assertThat(outside.resolve("precious.txt")).hasContent("keep me");
  }

  @Test
  void snapshotsAndExpandAreUnsupported() {
    String handle = provision(allow.resolve("data")).handle();
    DriverContext ctx = ctx(handle, false);

    assertThat(failure(driver.snapshot(ctx, new SnapshotRequest(handle, UUID.randomUUID().toString(), "snap",
        "default"))).error()).isEqualTo(DriverError.UNSUPPORTED);
    assertThat(failure(driver.restore(ctx, new RestoreRequest("snap", request("ReadWriteOnce")))).error())
        .isEqualTo(DriverError.UNSUPPORTED);
    assertThat(failure(driver.deleteSnapshot(ctx, "snap")).error()).isEqualTo(DriverError.UNSUPPORTED);
    assertThat(failure(driver.expand(ctx, handle, 1L << 30)).error()).isEqualTo(DriverError.UNSUPPORTED);
  }

  @Test
  void attachAndMountCheckTheDirectoryAgain() throws IOException {
    Path data = allow.resolve("data");
    String handle = provision(data).handle();
    DriverContext ctx = ctx(handle, false);

    assertThat(await(driver.attach(ctx, handle, NODE))).isEqualTo(data.toString());
    assertThat(await(driver.mount(ctx, new MountRequest(handle, NODE, handle, "/data", true, null))))
        .isEqualTo(data.toString());
    await(driver.unmount(ctx, "/data"));
    await(driver.detach(ctx, handle, NODE));

    DriverException wrongNode = failure(driver.attach(ctx, handle, "node-b"));
    assertThat(wrongNode.error()).isEqualTo(DriverError.PERMANENT);
    assertThat(wrongNode.getMessage()).contains("lives on node node-a, not node-b");

    Files.delete(data);
    assertThat(failure(driver.attach(ctx, handle, NODE)).error()).isEqualTo(DriverError.NOT_FOUND);
    assertThat(failure(driver.mount(ctx, new MountRequest(handle, NODE, handle, "/data", false, null))).error())
        .isEqualTo(DriverError.NOT_FOUND);

    // Swapped for a link since it was provisioned: to outside, or to another allowed directory.
    Files.createSymbolicLink(data, outside);
    assertThat(failure(driver.attach(ctx, handle, NODE)).error()).isEqualTo(DriverError.INVALID_CONFIG);
    Files.delete(data);
    Files.createSymbolicLink(data, Files.createDirectories(allow.resolve("other")));
    DriverException swapped = failure(driver.mount(ctx, new MountRequest(handle, NODE, handle, "/data", false, null)));
    assertThat(swapped.error()).isEqualTo(DriverError.INVALID_CONFIG);
    assertThat(swapped.getMessage()).contains("through a symbolic link");

    assertThat(failure(driver.attach(ctx, outside.toString(), NODE)).error()).isEqualTo(DriverError.INVALID_CONFIG);
  }

  @Test
  void usageCountsTheBytesOfRegularFiles() throws IOException {
    Path data = allow.resolve("data");
    Files.write(data.resolve("a.bin"), new byte[700]);
    Files.createDirectories(data.resolve("sub"));
    Files.write(data.resolve("sub/b.bin"), new byte[300]);
    Files.createSymbolicLink(data.resolve("to-outside"), outside);
    String handle = provision(data).handle();

    var usage = await(driver.usage(ctx(handle, false), handle));
    assertThat(usage.usedBytes()).isEqualTo(1000);
    assertThat(usage.capacityBytes()).isEqualTo(Files.getFileStore(data).getTotalSpace());
  }

  @Test
  void faultsOfOneHostDirectoryAreThatVolumesWithAReasonWord() throws IOException {
    Path data = allow.resolve("data");
    String handle = provision(data).handle();
    DriverContext ctx = ctx(handle, false);
    Files.move(data, allow.resolve("data.moved"));
    Files.createSymbolicLink(data, Files.createDirectories(allow.resolve("other")));

    DriverException swapped = failure(driver.mount(ctx, new MountRequest(handle, NODE, handle, "/data", false, null)));
    assertThat(swapped.blame()).isEqualTo(DriverException.Blame.OBJECT);
    assertThat(swapped.reason()).isEqualTo("HostPathRefused");
    assertThat(swapped.getMessage()).isEqualTo("host directory " + data + " now leads to " + allow.resolve("other")
        + " through a symbolic link; refusing to hand it out: put the directory back in place of the link, then run"
        + " retry");

    DriverException missing = refused(driver, allow.resolve("not-there").toString(), false);
    assertThat(missing.reason()).isEqualTo("HostPathMissing");
    assertThat(missing.blamesBackend()).isFalse();
    DriverException notAllowed = refused(driver, outside.toString(), false);
    assertThat(notAllowed.reason()).isEqualTo("HostPathNotAllowed");
    assertThat(notAllowed.blamesBackend()).isFalse();
  }

  @Test
  void findGivesTheHostDirectoryOnlyWhenItExistsAndNeverCreatesIt() throws Exception {
    Path data = allow.resolve("data");
    String handle = provision(data).handle();
    assertThat(await(driver.find(ctx(data.toString(), false), request("ReadWriteOnce")))).isEqualTo(handle);

    Path missing = allow.resolve("missing");
    LocalHostDriver allowing = driver(true);
    try {
      assertThat(await(allowing.find(ctx(missing.toString(), true), request("ReadWriteOnce")))).isNull();
    } finally {
      allowing.close().await(10, TimeUnit.SECONDS);
    }
    assertThat(missing).doesNotExist();
    assertThat(await(driver.find(ctx(outside.toString(), false), request("ReadWriteOnce")))).isNull();
    assertThat(await(driver.find(ctx(null, false), request("ReadWriteOnce")))).isNull();
  }
}
