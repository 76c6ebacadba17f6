package io.rune.storage.driver;

import java.util.Map;
import java.util.Optional;

/**
 * The java.util.ServiceLoader entry of a driver. A driver is one Maven module under
 * {@code drivers/<name>/} that names its provider in its own
 * {@code src/main/resources/META-INF/services/io.rune.storage.driver.DriverProvider}; on the
 * server's class path (one dependency in rune-server's pom, or RUNE_EXTRA_CLASSPATH), that is
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

  /**
   * Checks a StorageClass's parameters before the class is stored: the first problem, or
   * empty when they are fine. The default accepts any.
   */
  default Optional<ParameterProblem> checkClassParameters(Map<String, String> parameters) {
    return Optional.empty();
  }

  /**
   * Checks the parameters a Volume adds to its class's: the first problem, or empty. The
   * default accepts any, except references to Secrets, which only an admin's class may make
   * (a volume naming another namespace's secret would borrow its credentials).
   */
  default Optional<ParameterProblem> checkVolumeParameters(Map<String, String> parameters) {
    return parameters.keySet().stream().filter(name -> name.endsWith(DriverContext.SECRET_REF_SUFFIX)).findFirst()
        .map(name -> new ParameterProblem(name, "a volume cannot name a secret; secret references are"
            + " StorageClass parameters, set by an admin"));
  }

  /**
   * The topology every volume of a class with these parameters has (a cloud driver's
   * region): checked against the class's allowedTopologies, with the volume's own.
   */
  default Map<String, String> classTopology(Map<String, String> parameters) {
    return Map.of();
  }

  /**
   * What, beside the node, a call's circuit breaker is kept for: empty for one breaker per
   * driver (and node), or, say, the cloud region and a fingerprint of the account's token,
   * so that one failing region or account does not cut off the others. Never a secret.
   */
  default String breakerScope(DriverContext ctx) {
    return "";
  }

  /**
   * Whether the first boot of a database creates a StorageClass named after this driver, with
   * no parameters: a driver that needs none to work (local directories) gives its users a class
   * to start with; a cloud driver, which needs a region and a token, does not.
   */
  default boolean builtInClass() {
    return false;
  }

  /**
   * Whether that built-in class is the default StorageClass when the runefile names none
   * ({@code [storage] defaultStorageClass}). At most one driver of a server should say so; if
   * several do, the first in name order wins.
   */
  default boolean builtInDefault() {
    return false;
  }

  /** One parameter at fault and what is wrong with it. */
  record ParameterProblem(String parameter, String message) {}
}
