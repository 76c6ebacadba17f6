package io.rune.storage.drivers.digitalocean;

import static io.rune.storage.drivers.digitalocean.DoVolumeDriverConformanceTest.DROPLET;
import static io.rune.storage.drivers.digitalocean.DoVolumeDriverConformanceTest.TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverException;
import io.rune.storage.drivers.digitalocean.fake.DigitalOceanFake;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the driver's tests against the local DigitalOcean API share: a fresh account with one
 * droplet in fra1 for each test, the driver on it, a simulated droplet for its block-device
 * tools, and the check that every request and answer kept to DigitalOcean's contract.
 */
abstract class FakeAccountTest {
  protected Vertx vertx;
  protected DigitalOceanFake fake;
  protected DoVolumeDriver driver;
  protected final SimulatedDroplet droplet = new SimulatedDroplet();

  @BeforeEach
  void startAccount() throws Exception {
    vertx = Vertx.vertx();
    fake = get(DigitalOceanFake.start(vertx)).acceptToken(TOKEN).addDroplet(DROPLET, "fra1");
    driver = DoVolumeDriverConformanceTest.newDriver(vertx, fake, droplet);
  }

  @AfterEach
  void stopAccount() throws Exception {
    assertThat(fake.contractViolations()).isEmpty();
    get(fake.close());
    driver.close();
    get(vertx.close());
  }

  static DriverContext ctx() {
    return DoVolumeDriverConformanceTest.context(TOKEN, new JsonObject());
  }

  static <T> T get(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  static DriverException failure(Future<?> future) throws Exception {
    try {
      get(future);
    } catch (ExecutionException e) {
      return (DriverException) e.getCause();
    }
    throw new AssertionError("the call succeeded");
  }
}
