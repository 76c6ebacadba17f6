package io.rune.storage.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** The JSON value formats the status records share: absent fields, instants, lists of words, the rest. */
final class StatusFields {
  private StatusFields() {}

  /** Puts {@code value} (an Instant as its ISO-8601 text) unless it is null: a null field is absent. */
  static void put(JsonObject json, String name, Object value) {
    if (value != null) {
      json.put(name, value instanceof Instant at ? at.toString() : value);
    }
  }

  static Instant instant(JsonObject json, String name) {
    String text = json.getString(name);
    return text == null ? null : Instant.parse(text);
  }

  static List<String> strings(JsonArray array) {
    return array == null ? null : array.stream().map(String::valueOf).toList();
  }

  /** The fields of {@code json} not in {@code named}, as they are. */
  static JsonObject rest(JsonObject json, Set<String> named) {
    JsonObject rest = new JsonObject();
    json.forEach(e -> {
      if (!named.contains(e.getKey())) {
        rest.put(e.getKey(), e.getValue());
      }
    });
    return rest;
  }
}
