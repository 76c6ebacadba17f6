package io.rune.storage.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A Secret's status: the names of its keys (never their values, which the API does not
 * serve). Fields this record does not name are kept in {@code extra}.
 */
public record SecretStatus(List<String> keys, JsonObject extra) {
  private static final Set<String> NAMED = Set.of("keys");

  public SecretStatus {
    keys = keys == null ? List.of() : List.copyOf(keys);
    extra = extra == null ? new JsonObject() : extra.copy();
  }

  public static SecretStatus from(JsonObject status) {
    JsonObject json = status == null ? new JsonObject() : status;
    List<String> keys = StatusFields.strings(json.getJsonArray("keys"));
    return new SecretStatus(keys, StatusFields.rest(json, NAMED));
  }

  public JsonObject toJson() {
    return new JsonObject().put("keys", new JsonArray(new ArrayList<Object>(keys))).mergeIn(extra.copy());
  }
}
