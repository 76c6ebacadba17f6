package io.rune.storage.driver;

import java.time.Instant;
import java.util.Map;

/**
 * A volume to provision. {@code uid} is the volume's uid: handles derive from it, so the
 * same request always yields the same handle and a new volume never adopts old storage.
 *
 * @param topology the requested topology labels (rune.io/node, rune.io/region, …)
 * @param deadline when the caller stops waiting; work past it is wasted
 */
public record ProvisionRequest(String uid, String name, String namespace, long sizeBytes, String accessMode,
    Map<String, String> parameters, Map<String, String> topology, Instant deadline) {

  public ProvisionRequest {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    topology = topology == null ? Map.of() : Map.copyOf(topology);
  }
}
