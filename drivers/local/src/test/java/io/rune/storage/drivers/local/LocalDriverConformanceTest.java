package io.rune.storage.drivers.local;

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
 * The local driver against the driver conformance suite, on a volume root in a temporary
 * directory. The driver is found the way the server finds it (ServiceLoader, through
 * {@link DriverCatalog}) and made by its provider; each test gets a fresh root, Vert.x and
 * driver, closed after it.
 */
class LocalDriverConformanceTest extends DriverConformanceTest {

  private static final String NODE = "node-a";
  private static final long ONE_MIB = 1L << 20;

  @TempDir Path tmp;

  private DriverUnderTest underTest;
  private Target target;

  @BeforeEach
  void start() throws IOException {
    tmp = tmp.toRealPath();
    Path volumeRoot = volumeRoot(tmp);
    RuneConfig config = new RuneConfig(tmp.resolve("data"), "127.0.0.1", 0, NODE, false, null,
        new RuneConfig.Storage("local", volumeRoot, List.of(), false, false), null, null, null, null, Map.of(),
        Map.of(LocalDriver.NAME, settings()));
    underTest = DriverUnderTest.start(LocalDriverProvider.class, vertx -> config.driverEnvironment(vertx, LocalDriver.NAME));
    target = new Target(underTest.driver(), underTest.name(), volumeRoot, tmp.resolve("mounts"));
  }

  @AfterEach
  void stop() throws Exception {
    if (underTest != null) {
      underTest.close();
    }
  }

  /** Where the volumes go: a directory of {@code tmp} here; an enforcement mode's file system in subclasses. */
  Path volumeRoot(Path tmp) throws IOException {
    return tmp.resolve("volumes");
  }

  /** The driver's runefile section: none here (auto, which is none on the test machine's disk). */
  Map<String, String> settings() {
    return Map.of();
  }

  @Override
  protected ConformanceTarget target() {
    return target;
  }

  /** It advertises snapshots and expand: no operation is left to answer UNSUPPORTED, which is checked. */
  @Override
  @Test
  public void unadvertisedOperationsFailWithUnsupported() {
    assertThat(new DriverConformance(target(), callTimeout()).checkUnsupportedOperations()).isEmpty();
  }

  /**
   * Volumes are directories {@code <root>/<namespace>/<name>_<uid>}: the handle is that
   * relative path, so the storage is looked up by resolving it against the root directly,
   * not through the driver.
   */
  private record Target(StorageDriver driver, String driverName, Path volumeRoot, Path mounts)
      implements ConformanceTarget {

    @Override
    public String node() {
      return NODE;
    }

    @Override
    public ProvisionRequest newVolume(String uid, String name) {
      return new ProvisionRequest(uid, name, "conformance", ONE_MIB, "ReadWriteOnce", Map.of(),
          Map.of(LocalDriver.NODE_LABEL, NODE), Instant.now().plusSeconds(60));
    }

    @Override
    public DriverContext contextFor(ProvisionRequest request) {
      JsonObject storageClass = new JsonObject().put("name", "conformance").put("driver", driverName);
      JsonObject volume = new JsonObject().put("uid", request.uid()).put("name", request.name())
          .put("namespace", request.namespace());
      return new DriverContext(storageClass, volume, request.parameters(), NODE);
    }

    @Override
    public boolean storageExists(String handle) {
      Path dir = volumeRoot.resolve(handle).normalize();
      if (!dir.startsWith(volumeRoot)) {
        throw new AssertionError("volume handle '" + handle + "' does not name a path under " + volumeRoot);
      }
      return Files.exists(dir, LinkOption.NOFOLLOW_LINKS);
    }

    /** The local driver hands back the volume's own directory; the target is only echoed. */
    @Override
    public String mountTarget() {
      return mounts.resolve(UUID.randomUUID().toString()).toString();
    }
  }
}
