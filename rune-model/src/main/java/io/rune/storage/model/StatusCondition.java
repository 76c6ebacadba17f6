package io.rune.storage.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of {@code status.conditions}: a fact about the object that holds whatever its
 * phase (such as OverCapacity), present while it holds.
 *
 * @param status "True" while the fact holds (an entry is removed once it no longer does)
 * @param lastTransitionAt when the fact began to hold
 */
public record StatusCondition(String type, String status, String reason, String message, Instant lastTransitionAt) {
  public static final String TRUE = "True";

  /** The stored {@code status.conditions}, or null when there are none. */
  static List<StatusCondition> from(JsonArray conditions) {
    if (conditions == null) {
      return null;
    }
    List<StatusCondition> read = new ArrayList<>();
    for (Object entry : conditions) {
      JsonObject json = (JsonObject) entry;
      read.add(new StatusCondition(json.getString("type"), json.getString("status"), json.getString("reason"),
          json.getString("message"), StatusFields.instant(json, "lastTransitionAt")));
    }
    return List.copyOf(read);
  }

  static JsonArray toJson(List<StatusCondition> conditions) {
    JsonArray array = new JsonArray();
    for (StatusCondition c : conditions) {
      JsonObject json = new JsonObject();
      StatusFields.put(json, "type", c.type());
      StatusFields.put(json, "status", c.status());
      StatusFields.put(json, "reason", c.reason());
      StatusFields.put(json, "message", c.message());
      StatusFields.put(json, "lastTransitionAt", c.lastTransitionAt());
      array.add(json);
    }
    return array;
  }
}
