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
 * @param progress where a long operation reports how far it is ({@link Progress#NONE} when
 *     nobody listens); it travels over the event bus as an address, not as an object
 */
public record DriverContext(JsonObject storageClass, JsonObject volume, Map<String, String> parameters,
    String node, Progress progress) {

  public DriverContext {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    progress = progress == null ? Progress.NONE : progress;
  }

  public DriverContext(JsonObject storageClass, JsonObject volume, Map<String, String> parameters, String node) {
    this(storageClass, volume, parameters, node, Progress.NONE);
  }

  public DriverContext withProgress(Progress listener) {
    return new DriverContext(storageClass, volume, parameters, node, listener);
  }

  /** A string field of the volume, or null (e.g. local-host's hostPath). */
  public String volumeField(String field) {
    return volume == null ? null : volume.getString(field);
  }

  /** The JSON sent over the bus; progress goes as the address where reports are to be sent. */
  public JsonObject toJson(String progressAddress) {
    return new JsonObject().put("storageClass", storageClass).put("volume", volume)
        .put("parameters", new JsonObject(Map.<String, Object>copyOf(parameters))).put("node", node)
        .put("progressAddress", progressAddress);
  }

  /** The context a driver gets; its progress reports go to {@code progress}. */
  public static DriverContext fromJson(JsonObject json, Progress progress) {
    JsonObject params = json.getJsonObject("parameters", new JsonObject());
    Map<String, String> parameters = new java.util.HashMap<>();
    params.forEach(e -> parameters.put(e.getKey(), String.valueOf(e.getValue())));
    return new DriverContext(json.getJsonObject("storageClass"), json.getJsonObject("volume"), parameters,
        json.getString("node"), progress);
  }
}
