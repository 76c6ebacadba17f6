package io.rune.storage.store;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** One change of a known object, from the change log: what happened, its sequence number, when, and the object after it. */
public record ObjectChange(long seq, Change.Type type, Instant at, JsonObject object) {

  /** An item of API.md's {@code .../changes} answer. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("type", type.name())
        .put("seq", seq)
        .put("at", at.toString())
        .put("object", object);
  }
}
