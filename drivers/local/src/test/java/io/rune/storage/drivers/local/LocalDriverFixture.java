package io.rune.storage.drivers.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.rune.storage.config.RuneConfig;
import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.DriverException;
import io.rune.storage.driver.MadeSnapshot;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.ProvisionedVolume;
import io.rune.storage.driver.SnapshotRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A local driver on a temporary root, with a directory outside it that must survive everything. */
abstract class LocalDriverFixture {

  static final String NODE = "node-a";
  static final DriverContext CTX = new DriverContext(null, null, Map.of(), NODE);

  @TempDir Path tmp;

  Path root;
  Path outside;
  Vertx vertx;
  LocalDriver driver;

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

  LocalDriver driver(boolean preserveOnDelete) {
    RuneConfig config = new RuneConfig(tmp.resolve("data"), "127.0.0.1", 0, NODE, false, null,
        new RuneConfig.Storage("local", root, List.of(), false, preserveOnDelete), null, null, null);
    return new LocalDriver(config.driverEnvironment(vertx, LocalDriver.NAME));
  }

  /** The handle of the snapshot the driver takes (what most tests look at). */
  Future<String> snapshot(DriverContext ctx, SnapshotRequest request) {
    return driver.snapshot(ctx, request).map(MadeSnapshot::handle);
  }

  /** A driver on {@code volumes} with {@code settings} as its runefile section. */
  LocalDriver driver(Path volumes, Map<String, String> settings) {
    RuneConfig config = new RuneConfig(tmp.resolve("data"), "127.0.0.1", 0, NODE, false, null,
        new RuneConfig.Storage("local", volumes, List.of(), false, false), null, null, null, null, Map.of(),
        Map.of(LocalDriver.NAME, settings));
    return new LocalDriver(config.driverEnvironment(vertx, LocalDriver.NAME));
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("driver call did not finish in 30 s", e);
    }
  }

  static DriverException failure(Future<?> future) {
    Throwable thrown = catchThrowable(() -> await(future));
    assertThat(thrown).isInstanceOf(DriverException.class);
    return (DriverException) thrown;
  }

  static ProvisionRequest request(String namespace, String name, String uid) {
    return new ProvisionRequest(uid, name, namespace, 1 << 20, "ReadWriteOnce", Map.of(), Map.of(),
        Instant.now().plusSeconds(60));
  }

  ProvisionedVolume provision(String namespace, String name, String uid) {
    return await(driver.provision(CTX, request(namespace, name, uid)));
  }

  static String uid() {
    return UUID.randomUUID().toString();
  }

}
