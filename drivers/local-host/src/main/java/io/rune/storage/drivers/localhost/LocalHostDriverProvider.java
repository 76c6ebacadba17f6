package io.rune.storage.drivers.localhost;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverEnvironment;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.model.AccessMode;
import java.util.List;
import java.util.Set;

/**
 * The {@code local-host} driver: a volume is an existing host directory, inside {@code
 * [storage] hostPathAllowlist}, of the node it lives on.
 */
public final class LocalHostDriverProvider implements DriverProvider {

  /**
   * The directories are the operator's, not ours: never removed (reclaimPolicy delete is
   * refused at write time), never copied into snapshots, never resized.
   */
  static final DriverCapabilities CAPABILITIES = new DriverCapabilities(
      Set.of(AccessMode.ReadWriteOnce, AccessMode.ReadOnlyMany), false, false, false, false,
      List.of(LocalHostDriver.NODE_LABEL, LocalHostDriver.ROOT_LABEL), true);

  @Override
  public String name() {
    return LocalHostDriver.NAME;
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
    return new LocalHostDriver(environment);
  }

  /** {@code local-host} is seeded on first boot: a volume names its directory, not the class. */
  @Override
  public boolean builtInClass() {
    return true;
  }
}
