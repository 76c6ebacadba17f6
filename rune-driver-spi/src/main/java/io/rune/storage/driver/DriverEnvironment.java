package io.rune.storage.driver;

import io.vertx.core.Vertx;
import java.util.Map;

/**
 * What a driver is made with: the Vert.x instance it runs on, the node it runs on, the
 * server's storage settings, and its own section of the runefile.
 *
 * @param node this node's name
 * @param nodeLabels this node's labels (topology a cloud driver may read, such as its region)
 * @param storage the {@code [storage]} settings that concern drivers
 * @param settings the driver's own keys, {@code [storage.drivers.<name>]}, as written; the
 *     driver checks them and refuses unknown ones
 */
public record DriverEnvironment(Vertx vertx, String node, Map<String, String> nodeLabels, StorageSettings storage,
    Map<String, String> settings) {

  public DriverEnvironment {
    nodeLabels = nodeLabels == null ? Map.of() : Map.copyOf(nodeLabels);
    settings = settings == null ? Map.of() : Map.copyOf(settings);
  }
}
