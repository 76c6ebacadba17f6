package io.rune.storage.drivers.digitalocean;

import io.rune.storage.driver.DriverError;
import io.rune.storage.driver.DriverException;
import java.util.Map;

/**
 * The droplet this node is, from its runefile labels ({@code rune.io/droplet-id},
 * {@code rune.io/region}). The driver runs on each node and attaches to its own droplet.
 */
record DoNode(String name, Map<String, String> labels) {
  static final String DROPLET_LABEL = "rune.io/droplet-id";
  static final String REGION_LABEL = "rune.io/region";

  /**
   * Refuses a volume of another region before DigitalOcean is asked: a droplet attaches
   * only volumes of its own region. Without a region label, DigitalOcean's answer decides.
   */
  void checkRegion(String volumeRegion) {
    String region = labels.get(REGION_LABEL);
    if (region != null && !region.equals(volumeRegion)) {
      throw DriverException.objectFault(DriverError.PERMANENT, DoFaults.REGION_MISMATCH, "node " + name + " is a droplet in "
          + region + " (its " + REGION_LABEL + " label); a volume in " + volumeRegion + " cannot be attached there");
    }
  }

  long dropletId(String node) {
    if (!name.equals(node)) {
      throw new DriverException(DriverError.INVALID_CONFIG, "the do-volume driver of node " + name
          + " was asked to attach on node " + node + "; each node attaches to its own droplet");
    }
    String id = labels.get(DROPLET_LABEL);
    if (id == null) {
      throw new DriverException(DriverError.INVALID_CONFIG, "node " + name + " has no " + DROPLET_LABEL
          + " label: set it in the runefile's [server.labels] to this droplet's id");
    }
    try {
      return Long.parseLong(id.strip());
    } catch (NumberFormatException e) {
      throw new DriverException(DriverError.INVALID_CONFIG, "node " + name + "'s " + DROPLET_LABEL + " label '"
          + id + "' is not a droplet id (a number)");
    }
  }
}
