package io.rune.storage.driver;

import java.util.Map;

/**
 * What provisioning (or restoring) made.
 *
 * @param handle the driver's name for the storage, given back on every later call
 * @param topology where the storage is (rune.io/node, rune.io/host-path-root, …)
 */
public record ProvisionedVolume(String handle, Map<String, String> topology) {

  public ProvisionedVolume {
    topology = topology == null ? Map.of() : Map.copyOf(topology);
  }
}
