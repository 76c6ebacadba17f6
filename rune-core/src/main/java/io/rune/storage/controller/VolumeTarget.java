package io.rune.storage.controller;

import io.rune.storage.driver.DriverContext;
import io.rune.storage.driver.DriverProvider;
import io.rune.storage.driver.ProvisionRequest;
import io.rune.storage.driver.StorageDriver;
import io.rune.storage.model.ApiObject;
import io.rune.storage.model.Quantity;
import io.rune.storage.model.VolumeOwnership;
import io.rune.storage.model.VolumeStatus;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A volume together with what its driver calls need: the class (absent when it has been
 * deleted since), the driver, the node whose instance to call, the values of the class's
 * secret references, and the call context.
 */
record VolumeTarget(ApiObject volume, ApiObject storageClass, DriverProvider provider, StorageDriver driver,
    String node, Map<String, String> secrets) {

  String driverName() {
    return provider.name();
  }

  String reclaimPolicy() {
    return volume.spec().getString("reclaimPolicy", "retain");
  }

  /**
   * The class's parameters: from the class, or, once it is gone, as the volume recorded them
   * when provisioning started.
   */
  JsonObject classParameters() {
    return classParameters(storageClass, VolumeStatus.of(volume).classParameters());
  }

  /** The class's parameters, or those {@code recorded} (by a volume or snapshot) when the class is gone. */
  static JsonObject classParameters(ApiObject storageClass, JsonObject recorded) {
    JsonObject parameters = storageClass != null ? storageClass.spec().getJsonObject("parameters") : recorded;
    return parameters == null ? new JsonObject() : parameters.copy();
  }

  DriverContext context() {
    Map<String, String> parameters = new HashMap<>();
    strings(classParameters(), parameters);
    strings(volume.spec().getJsonObject("parameters"), parameters);
    return new DriverContext(storageClass == null ? null : storageClass.toJson(), volume.toJson(), parameters, node)
        .withSecrets(secrets);
  }

  /**
   * The provision request for this volume. The same volume always gives the same request
   * (but for the deadline), so a repeated call finds what an earlier one made.
   */
  ProvisionRequest provisionRequest(Instant deadline) {
    JsonObject spec = volume.spec();
    Map<String, String> topology = new HashMap<>();
    strings(spec.getJsonObject("topology"), topology);
    if (provider.nodeLocal()) {
      topology.put(VolumeTargets.NODE_LABEL, node);
    }
    return new ProvisionRequest(volume.uid(), volume.name(), volume.namespace(),
        Quantity.parseBytes("size", spec.getString("size")), spec.getString("accessMode"),
        context().parameters(), topology, deadline,
        VolumeOwnership.of(spec.getLong("fsUser"), spec.getLong("fsGroup"), spec.getString("fsMode")));
  }

  static void strings(JsonObject json, Map<String, String> into) {
    if (json != null) {
      json.forEach(e -> into.put(e.getKey(), String.valueOf(e.getValue())));
    }
  }
}
