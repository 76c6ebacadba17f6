package io.rune.storage.driver.conformance;

import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.ProvisionRequest;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A {@link DirectoryDriver} (or one of the broken drivers built on it) as the suite sees it:
 * storage exists when its directory does, mounts go under {@code root/mounts}.
 */
public record DirectoryTarget(DirectoryDriver driver, Path root) implements ConformanceTarget {
  private static final String NODE = "node-1";
  private static final long ONE_MIB = 1L << 20;

  @Override
  public String driverName() {
    return DirectoryDriver.NAME;
  }

  @Override
  public String node() {
    return NODE;
  }

  @Override
  public ProvisionRequest newVolume(String uid, String name) {
    return new ProvisionRequest(uid, name, "conformance", ONE_MIB, "ReadWriteOnce", Map.of(),
        Map.of(DirectoryDriver.NODE_KEY, NODE), Instant.now().plusSeconds(60));
  }

  @Override
  public DriverContext contextFor(ProvisionRequest request) {
    JsonObject storageClass = new JsonObject().put("name", "conformance").put("driver", DirectoryDriver.NAME);
    JsonObject volume = new JsonObject().put("uid", request.uid()).put("name", request.name())
        .put("namespace", request.namespace());
    return new DriverContext(storageClass, volume, request.parameters(), NODE);
  }

  @Override
  public boolean storageExists(String handle) {
    return Files.exists(driver.volumeDirectory(handle));
  }

  @Override
  public String mountTarget() {
    return root.resolve("mounts").resolve(UUID.randomUUID().toString()).toString();
  }
}
