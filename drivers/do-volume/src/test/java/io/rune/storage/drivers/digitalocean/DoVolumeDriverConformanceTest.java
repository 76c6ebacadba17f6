package io.rune.storage.drivers.digitalocean;

import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.driver.runtime.DriverCatalog;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.driver.conformance.ConformanceTarget;
import io.rune.storage.driver.conformance.DriverConformanceTest;
import io.rune.storage.drivers.digitalocean.fake.DigitalOceanFake;
import io.rune.storage.drivers.digitalocean.fake.DoSnapshot;
import io.rune.storage.driver.fakecloud.RecordedRequest;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * do-volume against the driver conformance suite, talking to the local DigitalOcean API
 * (every request and answer checked against DigitalOcean's OpenAPI description) and
 * mounting through a simulated droplet. The fake holds no data, so the probe file lives in
 * a map per DigitalOcean volume, and a volume made from a snapshot reads the data of the
 * snapshot's volume: that is what a block copy would give.
 */
class DoVolumeDriverConformanceTest extends DriverConformanceTest {
  static final String TOKEN = "dop_v1_conformance0123456789abcdef";
  static final long DROPLET = 4242;
  static final String REGION = "fra1";
  private static final String NODE = "node-a";

  @TempDir Path mounts;

  private Vertx vertx;
  private DigitalOceanFake fake;
  private DoVolumeDriver driver;
  private Target target;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    fake = DigitalOceanFake.start(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
        .acceptToken(TOKEN).addDroplet(DROPLET, REGION);
    target = new Target(fake, mounts);
    driver = newDriver(vertx, fake, target.droplet);
    target.driver = driver;
  }

  @AfterEach
  void stop() throws Exception {
    if (fake != null) {
      assertThat(fake.contractViolations()).as("requests and answers outside DigitalOcean's contract").isEmpty();
      fake.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
    if (driver != null) {
      driver.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A driver as the provider makes it, but on the fake's URL, polling fast, on a simulated droplet. */
  static DoVolumeDriver newDriver(Vertx vertx, DigitalOceanFake fake, CommandExecutor droplet) {
    DoVolumeSettings settings = new DoVolumeSettings(fake.baseUrl(), Duration.ofSeconds(10), Duration.ofMillis(20),
        Duration.ofSeconds(20));
    DoApi api = new DoApi(vertx, settings, Clock.systemUTC());
    return new DoVolumeDriver(api, new DoActions(vertx, api, settings), new BlockDeviceMounter(droplet),
        new DoNode(NODE, Map.of(DoNode.DROPLET_LABEL, Long.toString(DROPLET))));
  }

  /** The context of a call with the class's parameters and its resolved token. */
  static DriverContext context(String token, JsonObject volume) {
    Map<String, String> parameters = Map.of(DoClass.REGION, REGION, DoClass.TOKEN_REF, "ops/do-token",
        DoClass.FS_TYPE, "ext4");
    return new DriverContext(new JsonObject().put("name", "do").put("driver", DoVolumeDriverProvider.NAME),
        volume, parameters, NODE).withSecrets(Map.of(DoClass.TOKEN_REF, token));
  }

  @Override
  protected ConformanceTarget target() {
    return target;
  }

  @Test
  void theProviderIsRegisteredAsTheServerFindsDrivers() {
    assertThat(DriverCatalog.discover().provider(DoVolumeDriverProvider.NAME)).get()
        .isInstanceOf(DoVolumeDriverProvider.class);
  }

  private static final class Target implements ConformanceTarget {
    private final DigitalOceanFake fake;
    private final Path mounts;
    private final SimulatedDroplet droplet;
    /** The probe file's content, by the DigitalOcean volume name it was written to. */
    private final Map<String, byte[]> disks = new ConcurrentHashMap<>();
    private final Map<String, String> namesById = new ConcurrentHashMap<>();
    private StorageDriver driver;

    Target(DigitalOceanFake fake, Path mounts) {
      this.fake = fake;
      this.mounts = mounts;
      this.droplet = new SimulatedDroplet(device -> fake.volumes().stream().anyMatch(v ->
          DoNames.device(v.name()).equals(device) && v.dropletIds().contains(DROPLET)));
    }

    @Override
    public StorageDriver driver() {
      return driver;
    }

    @Override
    public String driverName() {
      return DoVolumeDriverProvider.NAME;
    }

    @Override
    public String node() {
      return NODE;
    }

    @Override
    public ProvisionRequest newVolume(String uid, String name) {
      return new ProvisionRequest(uid, name, "conformance", 1L << 30, "ReadWriteOnce", Map.of(),
          Map.of(DoVolumeDriverProvider.REGION_LABEL, REGION), Instant.now().plusSeconds(60));
    }

    @Override
    public DriverContext contextFor(ProvisionRequest request) {
      return context(TOKEN, new JsonObject().put("uid", request.uid()).put("name", request.name())
          .put("namespace", request.namespace()));
    }

    @Override
    public boolean storageExists(String handle) {
      return fake.volumes().stream().anyMatch(v -> v.id().equals(handle))
          || fake.snapshots().stream().anyMatch(s -> s.id().equals(handle));
    }

    @Override
    public String mountTarget() {
      return mounts.resolve(UUID.randomUUID().toString()).toString();
    }

    @Override
    public void writeProbe(String mountedPath, String fileName, byte[] content) {
      disks.put(volumeMountedAt(mountedPath), content);
    }

    @Override
    public byte[] readProbe(String mountedPath, String fileName) {
      String name = volumeMountedAt(mountedPath);
      for (int hops = 0; hops < 10 && name != null; hops++) {
        if (disks.containsKey(name)) {
          return disks.get(name);
        }
        name = sourceOf(name);
      }
      throw new AssertionError("no data on the volume mounted at " + mountedPath);
    }

    /** DigitalOcean ids are UUIDs it chose: one it never issued stands for an unknown volume or snapshot. */
    @Override
    public String unknownHandle(String knownHandle, String knownUid, String freshUid) {
      return UUID.randomUUID().toString();
    }

    private String volumeMountedAt(String mountedPath) {
      String device = droplet.mountedAt(mountedPath);
      if (device == null) {
        throw new AssertionError("nothing is mounted at " + mountedPath);
      }
      return device.substring(DoNames.device("").length());
    }

    /** The volume whose snapshot the named volume was made from (the create request says), or null. */
    private String sourceOf(String name) {
      fake.volumes().forEach(v -> namesById.put(v.id(), v.name()));
      for (RecordedRequest request : fake.requests()) {
        if (request.method().equals("POST") && request.path().equals("/v2/volumes") && request.status() == 201) {
          JsonObject body = new JsonObject(request.body());
          if (name.equals(body.getString("name")) && body.getString("snapshot_id") != null) {
            return fake.snapshots().stream().filter(s -> s.id().equals(body.getString("snapshot_id")))
                .map(DoSnapshot::volumeId).map(namesById::get).findFirst().orElse(null);
          }
        }
      }
      return null;
    }
  }
}
