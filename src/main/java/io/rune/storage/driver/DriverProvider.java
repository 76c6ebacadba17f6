package io.rune.storage.driver;

/**
 * The java.util.ServiceLoader entry of a driver. A driver is one package under
 * {@code drivers/<name>/} (a source root in pom.xml) and one line naming its provider in
 * {@code src/main/resources/META-INF/services/io.rune.storage.driver.DriverProvider}: that is
 * all it takes for the API to accept classes of it and for the server to run it.
 */
public interface DriverProvider {

  /** The name StorageClasses give in {@code driver}. */
  String name();

  /** What its volumes may ask for; the API checks writes against this before storing them. */
  DriverCapabilities capabilities();

  /**
   * Whether its storage lives on one node (local directories), so that each node runs its
   * own instance on {@code rune.driver.<name>.<node>}, or is reachable from anywhere (a
   * cloud API) on {@code rune.driver.<name>}.
   */
  boolean nodeLocal();

  /** Makes the driver for this server; called once, when its verticle starts. */
  StorageDriver create(DriverEnvironment environment);
}
