package io.rune.storage.testing.drivers;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.model.AccessMode;
import java.util.List;
import java.util.Set;

/**
 * A driver that exists only on the test class path (listed in the test resources'
 * META-INF/services), to drive the controller through failures a real backend would
 * produce: classes of driver {@code test-faulty} fail as their parameters say. It keeps
 * snapshots too (in memory), so that a restore across drivers has a second driver to meet,
 * and its volumes grow, online, so that expansion can fail on command too.
 */
public final class FaultyDriverProvider implements DriverProvider {
  public static final String NAME = "test-faulty";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public DriverCapabilities capabilities() {
    return new DriverCapabilities(Set.of(AccessMode.ReadWriteOnce), true, true, true, true, List.of(), false);
  }

  @Override
  public boolean nodeLocal() {
    return false;
  }

  @Override
  public StorageDriver create(DriverEnvironment environment) {
    return new FaultyDriver(environment.vertx());
  }
}
