package io.rune.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.driver.VolumeUsage;
import io.rune.storage.driver.runtime.RemoteDriver;
import io.rune.storage.drivers.local.LocalDriverProvider;
import io.rune.storage.testing.Http;
import io.rune.storage.testing.LoopFileSystem;
import io.rune.storage.testing.LoopFileSystem.Written;
import io.rune.storage.testing.TestServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The local driver's enforcement modes through the real server, on file systems the test
 * makes and loop-mounts itself (btrfs for btrfs mode, ext4 for loop mode): a 64Mi volume
 * refuses its 65th MiB with ENOSPC or EDQUOT inside the volume, grows to 128Mi online through
 * the API and then takes it, reports usage close to du, and leaves no mount, loop device,
 * image or subvolume behind once deleted; the mode is in /readyz; a mode the node cannot do
 * stops the server with the reason. Restarts and kill -9: {@link LocalEnforcementCrashIT}.
 */
class LocalEnforcementIT {

  static final long MIB = 1 << 20;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String NS = "enforce";

  @ParameterizedTest
  @CsvSource({"btrfs, btrfs", "loop, ext4"})
  void aVolumeKeepsItsSizeGrowsOnlineAndLeavesNothingBehind(String mode, String fileSystem) throws Exception {
    Path tmp = TestServer.tempDir("enforce-" + mode);
    try (LoopFileSystem fs = LoopFileSystem.make(tmp, fileSystem, 768 * MIB, "")) {
      Path root = fs.mountPoint().resolve("volumes");
      try (TestServer server = TestServer.start(tmp.resolve("data"), runefile(root, mode))) {
        Http admin = server.admin();
        assertThat(admin.get("/readyz").json().getJsonObject("drivers").getJsonObject("local")
            .getString("enforcement")).isEqualTo(mode);
        StorageDriver driver = new RemoteDriver(server.vertx(), new LocalDriverProvider(), server.node(), WAIT);
        DriverContext ctx = new DriverContext(null, null, Map.of(), server.node());

        create(admin, "data", "64Mi");
        String handle = awaitStatus(admin, "data", s -> "Available".equals(s.getString("phase")))
            .getString("handle");
        Path dir = Path.of(TestServer.await(driver.attach(ctx, handle, server.node())));
        assertThat(dir).isEqualTo(root.resolve(handle).toRealPath());
        long outsideFreeBefore = Files.getFileStore(fs.mountPoint()).getUnallocatedSpace();

        Written refused = LoopFileSystem.dd(dir.resolve("fill"), 0, 100);
        assertThat(refused.error()).as("dd of 100 MiB into a 64Mi volume: %s", refused)
            .containsAnyOf("No space left on device", "Disk quota exceeded");
        // ext4 keeps part of the image for its own metadata: a loop volume holds a little less.
        assertThat(refused.bytes()).as("bytes the 64Mi volume took").isBetween(56 * MIB, 64 * MIB);
        long outsideUsed = outsideFreeBefore - Files.getFileStore(fs.mountPoint()).getUnallocatedSpace();
        assertThat(outsideUsed).as("the file system outside lost no more than the volume took")
            .isLessThan(refused.bytes() + 8 * MIB);
        assertThat(filesOutside(fs.mountPoint(), dir, mode)).isEmpty();

        VolumeUsage usage = TestServer.await(driver.usage(ctx, handle));
        long du = du(dir);
        assertThat(usage.enforcement()).isEqualTo(mode);
        assertThat((double) usage.usedBytes()).as("usage %s against du %s", usage, du)
            .isBetween(du * 0.97, du * 1.05);
        assertThat(usage.capacityBytes()).isBetween(56 * MIB, 64 * MIB);
        System.out.printf("%s: dd stopped after %d bytes (%s); driver usage %d of %d bytes; du %d bytes%n", mode,
            refused.bytes(), refused.error(), usage.usedBytes(), usage.capacityBytes(), du);

        Http.Response grown = admin.send("PATCH", "/api/v1/namespaces/" + NS + "/volumes/data",
            new JsonObject().put("size", "128Mi").encode(), "application/merge-patch+json");
        assertThat(grown.status()).as(grown.toString()).isEqualTo(200);
        awaitStatus(admin, "data", s -> "128Mi".equals(s.getString("capacity")));
        Written more = LoopFileSystem.dd(dir.resolve("fill"), 64, 36);
        assertThat(more.error()).as("the 65th..100th MiB after growing to 128Mi: %s", more).isNull();
        assertThat(more.bytes()).isEqualTo(36 * MIB);
        assertThat(TestServer.await(driver.usage(ctx, handle)).capacityBytes()).isGreaterThan(120 * MIB);

        assertThat(admin.delete("/api/v1/namespaces/" + NS + "/volumes/data").status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> admin.get("/api/v1/namespaces/" + NS + "/volumes/data").status() == 404);
        assertLeftNothing(root);
      }
    }
  }

  @Test
  void anUnenforcedRootSaysSoAndHowToEnforceIt() {
    Path tmp = TestServer.tempDir("enforce-none");
    try (TestServer server = TestServer.start(tmp.resolve("data"), new JsonObject())) {
      JsonObject local = server.admin().get("/readyz").json().getJsonObject("drivers").getJsonObject("local");
      assertThat(local.getString("enforcement")).isEqualTo("none");
      assertThat(local.getString("note")).contains("size is not enforced: the volume root "
          + tmp.resolve("data").resolve("volumes") + " is on ext4", "enforcement = \"loop\"");
    }
  }

  @Test
  void aModeTheNodeCannotDoOrAnUnknownSettingStopsTheServerWithTheReason() throws Exception {
    Path tmp = TestServer.tempDir("enforce-refused");
    Path root = tmp.resolve("volumes");
    assertThat(refusal(tmp, runefile(root, "btrfs"))).contains("'storage.drivers.local.enforcement' is \"btrfs\"",
        "the volume root is on ext4, not btrfs");
    assertThat(refusal(tmp, runefile(root, "zfs"))).contains("'storage.drivers.local.enforcement' must be one of"
        + " auto, btrfs, xfs-quota, loop, none, got \"zfs\"");
    JsonObject typo = runefile(root, "loop");
    typo.getJsonObject("storage").getJsonObject("drivers").getJsonObject("local").put("enforce", "loop");
    assertThat(refusal(tmp, typo)).contains("unknown key 'storage.drivers.local.enforce'", "known keys: enforcement");
    // XFS without project quotas (this kernel has no XFS quota support at all: mounting with
    // prjquota fails, so xfs-quota mode can only be refused here).
    try (LoopFileSystem xfs = LoopFileSystem.make(tmp, "xfs", 320 * MIB, "")) {
      assertThat(refusal(tmp, runefile(xfs.mountPoint().resolve("volumes"), "xfs-quota")))
          .contains("'storage.drivers.local.enforcement' is \"xfs-quota\"", "mounted without project quotas");
    }
  }

  static JsonObject runefile(Path root, String mode) {
    return new JsonObject().put("storage", new JsonObject().put("localVolumeRoot", root.toString())
        .put("drivers", new JsonObject().put("local", new JsonObject().put("enforcement", mode))));
  }

  private static String refusal(Path tmp, JsonObject runefile) {
    // A data directory of its own each: the lock of a server that did not start may linger.
    Path dataDir = tmp.resolve("data-" + java.util.UUID.randomUUID());
    Throwable refused = catchThrowable(() -> TestServer.start(dataDir, runefile).close());
    assertThat(refused).as("the server refused to start").isNotNull();
    StringBuilder message = new StringBuilder();
    for (Throwable t = refused; t != null; t = t.getCause()) {
      message.append(t.getMessage()).append(" | ");
    }
    return message.toString();
  }

  static void create(Http admin, String name, String size) {
    Http.Response created = admin.post("/api/v1/namespaces/" + NS + "/volumes",
        new JsonObject().put("name", name).put("size", size).put("reclaimPolicy", "delete"));
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
  }

  static JsonObject awaitStatus(Http admin, String name, java.util.function.Predicate<JsonObject> wanted) {
    return await().atMost(WAIT).until(
        () -> admin.get("/api/v1/namespaces/" + NS + "/volumes/" + name).json().getJsonObject("status"), wanted);
  }

  /** After every volume is deleted: no mount, no loop device, no file left below the root. */
  static void assertLeftNothing(Path root) throws IOException {
    assertThat(LoopFileSystem.mountsBelow(root)).as("mounts below %s", root).isEmpty();
    assertThat(LoopFileSystem.loopDevicesBelow(root)).as("loop devices of images below %s", root).isEmpty();
    try (Stream<Path> left = Files.walk(root)) {
      assertThat(left.filter(p -> !Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList())
          .as("files (images, volume files) left below %s", root).isEmpty();
    }
    try (Stream<Path> namespaces = Files.list(root.resolve(NS))) {
      assertThat(namespaces.toList()).as("volume directories or subvolumes left").isEmpty();
    }
  }

  /** Regular files on the outer file system that are not the volume's (nor a loop volume's image). */
  private static List<Path> filesOutside(Path mountPoint, Path volume, String mode) throws IOException {
    try (Stream<Path> all = Files.walk(mountPoint)) {
      return all.filter(p -> !p.startsWith(volume) && Files.isRegularFile(p))
          .filter(p -> !(mode.equals("loop") && p.toString().endsWith(".img"))).toList();
    }
  }

  /** {@code du -sb}: the bytes the volume's files take, as the tenant sees them. */
  static long du(Path dir) throws Exception {
    Process du = new ProcessBuilder("du", "-sb", dir.toString()).redirectErrorStream(true).start();
    String out = new String(du.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(du.waitFor()).as(out).isZero();
    return Long.parseLong(out.split("\\s+")[0]);
  }
}
