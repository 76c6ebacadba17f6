package io.rune.storage.driver.conformance;

import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.StorageDriver;
import io.vertx.core.Vertx;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.concurrent.TimeUnit;

/**
 * A driver made the way the server makes it, for a driver's conformance test: its provider
 * found through ServiceLoader (so the test also fails when it is not registered), on a Vert.x
 * of its own. Close it after each test.
 */
public final class DriverUnderTest implements AutoCloseable {
  private final Vertx vertx;
  private final DriverProvider provider;
  private final StorageDriver driver;

  private DriverUnderTest(Vertx vertx, DriverProvider provider, StorageDriver driver) {
    this.vertx = vertx;
    this.provider = provider;
    this.driver = driver;
  }

  public static DriverUnderTest start(Class<? extends DriverProvider> providerType,
      Function<Vertx, DriverEnvironment> environment) {
    DriverProvider provider = ServiceLoader.load(DriverProvider.class).stream().map(ServiceLoader.Provider::get)
        .filter(providerType::isInstance).findFirst()
        .orElseThrow(() -> new AssertionError(providerType.getSimpleName() + " is not registered in"
            + " META-INF/services/io.rune.storage.driver.DriverProvider"));
    Vertx vertx = Vertx.vertx();
    return new DriverUnderTest(vertx, provider, provider.create(environment.apply(vertx)));
  }

  public StorageDriver driver() {
    return driver;
  }

  public String name() {
    return provider.name();
  }

  @Override
  public void close() throws Exception {
    try {
      driver.close().await(10, TimeUnit.SECONDS);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
