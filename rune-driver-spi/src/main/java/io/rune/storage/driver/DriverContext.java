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
 * @param secrets the values of the parameters that reference a Secret ({@code
 *     apiTokenSecretRef}), resolved, by parameter name; kept out of {@link #toString()}
 */
public record DriverContext(JsonObject storageClass, JsonObject volume, Map<String, String> parameters,
    String node, Progress progress, Map<String, String> secrets) {

  /** Parameters whose name ends so hold a reference to a Secret, resolved into {@link #secrets}. */
  public static final String SECRET_REF_SUFFIX = "SecretRef";

  public DriverContext {
    parameters = parameters == null ? Map.of() : Map.copyOf(parameters);
    progress = progress == null ? Progress.NONE : progress;
    secrets = secrets == null ? Map.of() : Map.copyOf(secrets);
  }

  public DriverContext(JsonObject storageClass, JsonObject volume, Map<String, String> parameters, String node) {
    this(storageClass, volume, parameters, node, Progress.NONE, Map.of());
  }

  public DriverContext withProgress(Progress listener) {
    return new DriverContext(storageClass, volume, parameters, node, listener, secrets);
  }

  public DriverContext withSecrets(Map<String, String> resolved) {
    return new DriverContext(storageClass, volume, parameters, node, progress, resolved);
  }

  /** The resolved value of the secret reference in parameter {@code parameter}, or null. */
  public String secret(String parameter) {
    return secrets.get(parameter);
  }

  /** Everything but the secrets' values: contexts end up in log lines and error messages. */
  @Override
  public String toString() {
    return "DriverContext[storageClass=" + (storageClass == null ? null : storageClass.getString("name"))
        + ", volume=" + (volume == null ? null : volume.getString("namespace") + "/" + volume.getString("name"))
        + ", parameters=" + parameters + ", node=" + node + ", secrets=" + secrets.keySet() + "]";
  }

  /** A string field of the volume, or null (e.g. local-host's hostPath). */
  public String volumeField(String field) {
    return volume == null ? null : volume.getString(field);
  }

  /** The JSON sent over the bus; progress goes as the address where reports are to be sent. */
  public JsonObject toJson(String progressAddress) {
    return new JsonObject().put("storageClass", storageClass).put("volume", volume)
        .put("parameters", new JsonObject(Map.<String, Object>copyOf(parameters))).put("node", node)
        .put("progressAddress", progressAddress)
        .put("secrets", new JsonObject(Map.<String, Object>copyOf(secrets)));
  }

  /** The context a driver gets; its progress reports go to {@code progress}. */
  public static DriverContext fromJson(JsonObject json, Progress progress) {
    JsonObject params = json.getJsonObject("parameters", new JsonObject());
    Map<String, String> parameters = new java.util.HashMap<>();
    params.forEach(e -> parameters.put(e.getKey(), String.valueOf(e.getValue())));
    Map<String, String> secrets = new java.util.HashMap<>();
    json.getJsonObject("secrets", new JsonObject()).forEach(e -> secrets.put(e.getKey(), String.valueOf(e.getValue())));
    return new DriverContext(json.getJsonObject("storageClass"), json.getJsonObject("volume"), parameters,
        json.getString("node"), progress, secrets);
  }
}
