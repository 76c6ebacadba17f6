package io.rune.storage.testing.drivers;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.drivers.local.LocalDriverProvider;
import java.util.HashMap;
import java.util.Map;

/**
 * The local driver under the name {@code test-counting}, which writes down every call it
 * answers (see {@link CountingDriver}), so that tests with several real runed processes can
 * count, from one file, how often each volume was provisioned and on which node. It exists
 * only on the test class path; runed loads it through RUNE_EXTRA_CLASSPATH.
 */
public final class CountingDriverProvider implements DriverProvider {
  public static final String NAME = "test-counting";

  private final LocalDriverProvider local = new LocalDriverProvider();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public DriverCapabilities capabilities() {
    return local.capabilities();
  }

  @Override
  public boolean nodeLocal() {
    return local.nodeLocal();
  }

  @Override
  public StorageDriver create(DriverEnvironment environment) {
    // The counting keys are this driver's; the local driver refuses keys it does not know.
    Map<String, String> localSettings = new HashMap<>(environment.settings());
    localSettings.keySet().removeAll(CountingDriver.SETTINGS);
    return new CountingDriver(environment, local.create(new DriverEnvironment(environment.vertx(),
        environment.node(), environment.nodeLabels(), environment.storage(), localSettings)));
  }
}
