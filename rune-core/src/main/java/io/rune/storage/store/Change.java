package io.rune.storage.store;

import io.rune.storage.model.Kind;
import io.vertx.core.json.JsonObject;

/** One row of the change log: what happened to which object, at which sequence number. */
public record Change(long seq, Type type, Kind kind, String namespace, String name, JsonObject object) {

  public enum Type { ADDED, MODIFIED, DELETED }

  /** The watch-frame JSON of API.md, also published on the event bus. */
  public JsonObject toFrame() {
    return new JsonObject()
        .put("type", type.name())
        .put("seq", seq)
        .put("kind", kind.kindName())
        .put("object", object);
  }
}
