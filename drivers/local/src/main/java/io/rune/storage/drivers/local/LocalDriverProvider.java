package io.rune.storage.drivers.local;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.model.AccessMode;
import java.util.List;
import java.util.Set;

/**
 * The {@code local} driver: one managed directory per volume under {@code [storage]
 * localVolumeRoot} of the node it lives on.
 */
public final class LocalDriverProvider implements DriverProvider {

  /**
   * A directory lives on one node, so it cannot be shared across nodes; it can grow at any
   * time, in use or not, as its size is only a limit the driver keeps. It makes the directory,
   * so it gives it the owner and mode the volume asks for.
   */
  static final DriverCapabilities CAPABILITIES = new DriverCapabilities(
      Set.of(AccessMode.ReadWriteOnce), true, true, true, true, List.of(LocalDriver.NODE_LABEL), false, true);

  @Override
  public String name() {
    return LocalDriver.NAME;
  }

  @Override
  public DriverCapabilities capabilities() {
    return CAPABILITIES;
  }

  @Override
  public boolean nodeLocal() {
    return true;
  }

  @Override
  public StorageDriver create(DriverEnvironment environment) {
    return new LocalDriver(environment);
  }

  /** {@code local} is seeded on first boot: it needs no parameters. */
  @Override
  public boolean builtInClass() {
    return true;
  }

  /** ... and is the default class unless the runefile names another (STORAGE.md). */
  @Override
  public boolean builtInDefault() {
    return true;
  }
}
