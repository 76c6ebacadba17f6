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
import java.util.regex.Pattern;

/**
 * The drivers this server has, by name: the providers java.util.ServiceLoader finds on the
 * class path. Write-time validation consults their capabilities; the server runs one
 * driver verticle for each.
 */
public final class DriverCatalog {
  private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
  private static final String RESERVED = "progress";
  private final Map<String, DriverProvider> providers;

  public DriverCatalog(List<DriverProvider> providers) {
    Map<String, DriverProvider> byName = new TreeMap<>();
    for (DriverProvider provider : providers) {
      checkName(provider);
      DriverProvider clash = byName.put(provider.name(), provider);
      if (clash != null) {
        throw new IllegalStateException("two drivers are named '" + provider.name() + "': "
            + clash.getClass().getName() + " and " + provider.getClass().getName());
      }
    }
    this.providers = Collections.unmodifiableMap(byName);
  }

  /**
   * A driver's name is one segment of its event-bus address ({@code rune.driver.<name>}) and a
   * word in StorageClasses: lower-case letters, digits and inner dashes; and not
   * {@code progress}, the segment of the progress reports' addresses.
   */
  private static void checkName(DriverProvider provider) {
    String name = provider.name();
    if (name == null || !NAME.matcher(name).matches() || name.equals(RESERVED)) {
      throw new IllegalStateException("driver " + provider.getClass().getName() + " is named '" + name
          + "': a driver's name is lower-case letters, digits and inner dashes (at most 63), and not '"
          + RESERVED + "'");
    }
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
