package io.rune.storage.driver;

import io.rune.storage.model.AccessMode;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The drivers this server knows, by name, with their capabilities: what write-time
 * validation consults. The built-in entries describe the drivers that ship with Rune.
 */
public final class DriverCatalog {
  public static final String LOCAL = "local";
  public static final String LOCAL_HOST = "local-host";
  public static final String DO_VOLUME = "do-volume";

  static final List<String> NODE_LOCAL_TOPOLOGY = List.of("rune.io/node");

  private final Map<String, DriverCapabilities> drivers;

  public DriverCatalog(Map<String, DriverCapabilities> drivers) {
    this.drivers = Collections.unmodifiableMap(new TreeMap<>(drivers));
  }

  public static DriverCatalog builtIn() {
    return new DriverCatalog(Map.of(
        LOCAL, new DriverCapabilities(Set.of(AccessMode.ReadWriteOnce), true, false, false, true,
            NODE_LOCAL_TOPOLOGY),
        LOCAL_HOST, new DriverCapabilities(Set.of(AccessMode.ReadWriteOnce, AccessMode.ReadOnlyMany),
            false, false, false, false, List.of("rune.io/node", "rune.io/host-path-root")),
        DO_VOLUME, new DriverCapabilities(Set.of(AccessMode.ReadWriteOnce), true, true, false, true,
            List.of("rune.io/region"))));
  }

  public Optional<DriverCapabilities> capabilities(String driver) {
    return Optional.ofNullable(drivers.get(driver));
  }

  public Set<String> names() {
    return drivers.keySet();
  }
}
