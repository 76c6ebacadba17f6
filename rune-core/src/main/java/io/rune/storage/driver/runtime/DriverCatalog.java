package io.rune.storage.driver.runtime;

import io.rune.storage.driver.DriverCapabilities;
import io.rune.storage.driver.DriverProvider;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The drivers this server has, by name: the providers java.util.ServiceLoader finds on the
 * class path. Write-time validation consults their capabilities; the server runs one
 * driver verticle for each.
 */
public final class DriverCatalog {
  private final Map<String, DriverProvider> providers;

  public DriverCatalog(List<DriverProvider> providers) {
    Map<String, DriverProvider> byName = new TreeMap<>();
    for (DriverProvider provider : providers) {
      DriverProvider clash = byName.put(provider.name(), provider);
      if (clash != null) {
        throw new IllegalStateException("two drivers are named '" + provider.name() + "': "
            + clash.getClass().getName() + " and " + provider.getClass().getName());
      }
    }
    this.providers = Collections.unmodifiableMap(byName);
  }

  /** Every driver on the class path of {@code loader}. */
  public static DriverCatalog discover(ClassLoader loader) {
    return new DriverCatalog(ServiceLoader.load(DriverProvider.class, loader).stream()
        .map(ServiceLoader.Provider::get).toList());
  }

  public static DriverCatalog discover() {
    return discover(DriverCatalog.class.getClassLoader());
  }

  public Optional<DriverCapabilities> capabilities(String driver) {
    return provider(driver).map(DriverProvider::capabilities);
  }

  public Optional<DriverProvider> provider(String driver) {
    return Optional.ofNullable(providers.get(driver));
  }

  public Set<String> names() {
    return providers.keySet();
  }

  public List<DriverProvider> providers() {
    return List.copyOf(providers.values());
  }

  /**
   * The event-bus address of a driver: per node for node-local drivers, one for the whole
   * cluster otherwise.
   */
  public static String address(String driver, boolean nodeLocal, String node) {
    return nodeLocal ? "rune.driver." + driver + "." + node : "rune.driver." + driver;
  }
}
