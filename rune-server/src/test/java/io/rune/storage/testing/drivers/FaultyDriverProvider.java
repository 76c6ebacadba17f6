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
public class FaultyDriverProvider implements DriverProvider {
  public static final String NAME = "test-faulty";

  private final String name;
  private final boolean onlineExpand;

  public FaultyDriverProvider() {
    this(NAME, true);
  }

  /** The same driver under another name, growing volumes in use or only unused ones. */
  FaultyDriverProvider(String name, boolean onlineExpand) {
    this.name = name;
    this.onlineExpand = onlineExpand;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final DriverCapabilities capabilities() {
    return new DriverCapabilities(Set.of(AccessMode.ReadWriteOnce), true, true, onlineExpand, true, List.of(), false);
  }

  @Override
  public final boolean nodeLocal() {
    return false;
  }

  @Override
  public final StorageDriver create(DriverEnvironment environment) {
    return new FaultyDriver(environment.vertx(), this);
  }
}
