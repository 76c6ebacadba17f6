package io.rune.storage.driver;

import io.rune.storage.model.VolumeOwnership;
import java.time.Instant;
import java.util.Map;

/**
 * A volume to provision. {@code uid} is the volume's uid: handles derive from it, so the
 * same request always yields the same handle and a new volume never adopts old storage.
 *
 * @param topology the requested topology labels (rune.io/node, rune.io/region, …)
 * @param deadline when the caller stops waiting; work past it is wasted
 * @param ownership the owner and mode of the volume's root directory, or null for the
 *     driver's own; admission lets it reach only drivers that advertise
 *     {@link DriverCapabilities#ownership()}
 */
public record ProvisionRequest(String uid, String name, String namespace, long sizeBytes, String accessMode,
    Map<String, String> parameters, Map<String, String> topology, Instant deadline, VolumeOwnership ownership) {

  public ProvisionRequest {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    topology = topology == null ? Map.of() : Map.copyOf(topology);
  }

  /** A request with no ownership asked for. */
  public ProvisionRequest(String uid, String name, String namespace, long sizeBytes, String accessMode,
      Map<String, String> parameters, Map<String, String> topology, Instant deadline) {
    this(uid, name, namespace, sizeBytes, accessMode, parameters, topology, deadline, null);
  }
}
