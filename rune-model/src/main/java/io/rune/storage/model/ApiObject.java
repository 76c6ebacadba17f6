package io.rune.storage.model;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/**
 * One stored resource: identity and version kept by the server, the user-written spec and
 * the server-written status. Its JSON form is flat, as API.md shows it: metadata and spec
 * fields side by side, status under "status".
 */
public record ApiObject(
    Kind kind,
    String namespace,
    String name,
    String uid,
    long resourceVersion,
    Map<String, String> labels,
    JsonObject spec,
    JsonObject status,
    Instant createdAt,
    Instant updatedAt) {

  public ApiObject {
    namespace = namespace == null ? "" : namespace;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    spec = spec == null ? new JsonObject() : spec;
    status = status == null ? new JsonObject() : status;
  }

  public ApiObject withSpec(JsonObject newSpec, Map<String, String> newLabels) {
    return new ApiObject(kind, namespace, name, uid, resourceVersion, newLabels, newSpec, status,
        createdAt, updatedAt);
  }

  public ApiObject withStatus(JsonObject newStatus) {
    return new ApiObject(kind, namespace, name, uid, resourceVersion, labels, spec, newStatus,
        createdAt, updatedAt);
  }

  public ApiObject stamped(long newVersion, Instant now) {
    return new ApiObject(kind, namespace, name, uid, newVersion, labels, spec, status,
        createdAt == null ? now : createdAt, now);
  }

  /** "namespace/name", or just the name for cluster-scoped kinds. */
  public String key() {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }

  /** Metadata fields of {@link #toJson()}: everything else at its top level is the spec. */
  private static final java.util.Set<String> METADATA = java.util.Set.of("name", "namespace", "uid",
      "resourceVersion", "createdAt", "updatedAt", "labels", "status");

  /**
   * The object of {@link #toJson()}'s form (the stored rendering, as the change feed carries
   * it) of kind {@code kind}: the inverse of toJson. It reads a copy of {@code json} in plain
   * maps and lists, as a row read from the database holds them (Jackson converts those into
   * records; a JsonObject nested in a list it would read as a bean), and shares nothing with it.
   */
  public static ApiObject fromJson(Kind kind, JsonObject json) {
    Map<String, Object> plain = new JsonObject(json.encode()).getMap();
    Map<String, Object> spec = new java.util.LinkedHashMap<>();
    plain.forEach((field, value) -> {
      if (!METADATA.contains(field)) {
        spec.put(field, value);
      }
    });
    Map<String, String> labels = new java.util.LinkedHashMap<>();
    if (plain.get("labels") instanceof Map<?, ?> given) {
      given.forEach((key, value) -> labels.put(String.valueOf(key), String.valueOf(value)));
    }
    String version = (String) plain.get("resourceVersion");
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) plain.get("status");
    return new ApiObject(kind, (String) plain.get("namespace"), (String) plain.get("name"), (String) plain.get("uid"),
        version == null ? 0 : Long.parseLong(version), labels, new JsonObject(spec),
        status == null ? null : new JsonObject(status), instant((String) plain.get("createdAt")),
        instant((String) plain.get("updatedAt")));
  }

  private static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("name", name);
    if (kind.namespaced()) {
      json.put("namespace", namespace);
    }
    json.put("uid", uid)
        .put("resourceVersion", Long.toString(resourceVersion))
        .put("createdAt", createdAt == null ? null : createdAt.toString())
        .put("updatedAt", updatedAt == null ? null : updatedAt.toString())
        .put("labels", new JsonObject(new java.util.LinkedHashMap<String, Object>(labels)));
    spec.forEach(e -> json.put(e.getKey(), e.getValue()));
    if (kind != Kind.STORAGE_CLASS) {
      json.put("status", status.copy());
    }
    return json;
  }
}
