package io.rune.storage.drivers.localhost;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.config.RuneConfig;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.driver.conformance.ConformanceTarget;
import io.rune.storage.driver.conformance.DriverConformance;
import io.rune.storage.driver.conformance.DriverConformanceTest;
import io.rune.storage.driver.conformance.DriverUnderTest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local-host driver against the driver conformance suite. The allowlist is one
 * temporary directory; each volume the suite asks for gets its own existing subdirectory,
 * named after its uid, which the volume names in {@code hostPath}. The driver never removes
 * a host directory (it does not advertise delete), so the suite is told that
 * {@link ConformanceTarget#storageExists} still tells the truth after a delete, and checks
 * the directory survives it. The driver is found the way the server finds it (ServiceLoader,
 * through {@link DriverCatalog}) and made by its provider; each test gets fresh directories,
 * Vert.x and driver, closed after it.
 */
class LocalHostDriverConformanceTest extends DriverConformanceTest {

  private static final String NODE = "node-a";
  private static final long ONE_MIB = 1L << 20;

  @TempDir Path tmp;

  private DriverUnderTest underTest;
  private Target target;

  @BeforeEach
  void start() throws IOException {
    tmp = tmp.toRealPath();
    Path allowed = Files.createDirectories(tmp.resolve("allow"));
    // The data directory and the managed volume root lie outside the allowlist: the policy
    // forbids host paths that reach them.
    RuneConfig config = new RuneConfig(tmp.resolve("data"), "127.0.0.1", 0, NODE, false, null,
        new RuneConfig.Storage("local", tmp.resolve("volumes"), List.of(allowed), false, false), null, null, null);
    underTest = DriverUnderTest.start(LocalHostDriverProvider.class, vertx -> config.driverEnvironment(vertx, LocalHostDriver.NAME));
    target = new Target(underTest.driver(), underTest.name(), allowed, tmp.resolve("mounts"));
  }

  @AfterEach
  void stop() throws Exception {
    if (underTest != null) {
      underTest.close();
    }
  }

  @Override
  protected ConformanceTarget target() {
    return target;
  }

  /** It advertises neither snapshots nor expand: all three operations must be UNSUPPORTED. */
  @Test
  void snapshotRestoreAndExpandAreUnsupported() {
    assertThat(new DriverConformance(target(), callTimeout()).checkUnsupportedOperations())
        .containsExactly("snapshot", "restore", "expand");
  }

  /** A volume's handle is the real path of its host directory, {@code <allowed>/<uid>}. */
  private record Target(StorageDriver driver, String driverName, Path allowed, Path mounts)
      implements ConformanceTarget {

    @Override
    public String node() {
      return NODE;
    }

    /** Creates the volume's host directory, as an operator would before writing the volume. */
    @Override
    public ProvisionRequest newVolume(String uid, String name) {
      try {
        Files.createDirectories(hostPath(uid));
      } catch (IOException e) {
        throw new UncheckedIOException("could not create the host directory of volume uid " + uid, e);
      }
      return new ProvisionRequest(uid, name, "conformance", ONE_MIB, "ReadWriteOnce", Map.of(),
          Map.of(LocalHostDriver.NODE_LABEL, NODE), Instant.now().plusSeconds(60));
    }

    /** Its host directory is not made: find must say there is nothing, and make nothing. */
    @Override
    public ProvisionRequest unprovisionedVolume(String uid, String name) {
      return new ProvisionRequest(uid, name, "conformance", ONE_MIB, "ReadWriteOnce", Map.of(),
          Map.of(LocalHostDriver.NODE_LABEL, NODE), Instant.now().plusSeconds(60));
    }

    @Override
    public DriverContext contextFor(ProvisionRequest request) {
      JsonObject storageClass = new JsonObject().put("name", "conformance").put("driver", driverName);
      JsonObject volume = new JsonObject().put("uid", request.uid()).put("name", request.name())
          .put("namespace", request.namespace()).put("hostPath", hostPath(request.uid()).toString())
          .put("createIfMissing", false);
      return new DriverContext(storageClass, volume, request.parameters(), NODE);
    }

    @Override
    public boolean storageExists(String handle) {
      return Files.isDirectory(Path.of(handle), LinkOption.NOFOLLOW_LINKS);
    }

    /** Delete keeps the host directory, and storageExists still sees it. */
    @Override
    public boolean probesRetainedStorage() {
      return true;
    }

    /** The driver hands back the host directory itself; the target is only echoed. */
    @Override
    public String mountTarget() {
      return mounts.resolve(UUID.randomUUID().toString()).toString();
    }

    private Path hostPath(String uid) {
      return allowed.resolve(uid);
    }
  }
}
