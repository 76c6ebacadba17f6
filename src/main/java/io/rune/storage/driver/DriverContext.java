package io.rune.storage.driver;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * What a driver call is about, beside its request.
 *
 * @param storageClass the StorageClass as the API renders it; null when it is gone (an
 *     orphan being deleted)
 * @param volume the Volume as the API renders it; null for calls about no single volume
 * @param parameters the class's parameters overlaid with the volume's
 * @param node the node the call is made for
 */
public record DriverContext(JsonObject storageClass, JsonObject volume, Map<String, String> parameters,
    String node) {

  public DriverContext {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
  }

  /** A string field of the volume, or null (e.g. local-host's hostPath). */
  public String volumeField(String field) {
    return volume == null ? null : volume.getString(field);
  }

  public JsonObject toJson() {
    return new JsonObject().put("storageClass", storageClass).put("volume", volume)
        .put("parameters", new JsonObject(Map.<String, Object>copyOf(parameters))).put("node", node);
  }

  public static DriverContext fromJson(JsonObject json) {
    JsonObject params = json.getJsonObject("parameters", new JsonObject());
    Map<String, String> parameters = new java.util.HashMap<>();
    params.forEach(e -> parameters.put(e.getKey(), String.valueOf(e.getValue())));
    return new DriverContext(json.getJsonObject("storageClass"), json.getJsonObject("volume"), parameters,
        json.getString("node"));
  }
}
