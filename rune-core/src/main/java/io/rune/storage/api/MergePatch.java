package io.rune.storage.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * JSON Merge Patch (RFC 7386): a patch object names the members to change; a member whose
 * value is null is removed, an object is merged member by member, anything else replaces.
 * A patch that is not an object replaces the whole target.
 */
final class MergePatch {
  private MergePatch() {}

  /** The target with {@code patch} applied; neither argument is changed. */
  static Object apply(Object target, Object patch) {
    if (!(patch instanceof JsonObject changes)) {
      return patch instanceof JsonArray array ? array.copy() : patch;
    }
    JsonObject result = target instanceof JsonObject object ? object.copy() : new JsonObject();
    for (String name : changes.fieldNames()) {
      Object value = changes.getValue(name);
      if (value == null) {
        result.remove(name);
      } else {
        result.put(name, apply(result.getValue(name), value));
      }
    }
    return result;
  }
}
