package io.rune.storage.cli;

import io.rune.storage.model.ObjectStatus;
import io.rune.storage.model.ServiceStatus;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.model.VolumeStatus;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One object {@code --wait} follows, and what "done" means for it: created objects until
 * they are ready (or fail for good), deleted ones until they are gone.
 */
final class WaitTarget {
  /** Where a target stands after a frame. */
  enum State { WORKING, DONE, FAILED }

  private final ResourceType type;
  private final String namespace;
  private final String name;
  private final boolean deletion;
  private JsonNode object;
  private long version;
  private boolean gone;

  private WaitTarget(ResourceType type, JsonNode object, boolean deletion) {
    this.type = type;
    this.namespace = type.namespaced() ? object.path("namespace").asText() : null;
    this.name = object.path("name").asText();
    this.deletion = deletion;
    this.object = object;
    this.version = object.path("resourceVersion").asLong(0);
  }

  /** An object just created or changed, to be followed until it is ready. */
  static WaitTarget untilReady(ResourceType type, JsonNode object) {
    return new WaitTarget(type, object, false);
  }

  /** An object being deleted, to be followed until it is gone. */
  static WaitTarget untilGone(ResourceType type, JsonNode object) {
    return new WaitTarget(type, object, true);
  }

  ResourceType type() {
    return type;
  }

  /** {@code volume/pgdata}. */
  String label() {
    return type.qualified(name);
  }

  /** The resourceVersion last seen: the stream is read after the lowest of these. */
  long version() {
    return version;
  }

  JsonNode object() {
    return object;
  }

  /** Whether a watch frame is about this object. */
  boolean matches(JsonNode frame) {
    JsonNode changed = frame.path("object");
    return type.kindName().equals(frame.path("kind").asText())
        && name.equals(changed.path("name").asText())
        && (namespace == null || namespace.equals(changed.path("namespace").asText()));
  }

  /** Takes a frame about this object; frames older than what was already seen are ignored. */
  void apply(JsonNode frame) {
    long frameSeq = frame.path("seq").asLong();
    if (frameSeq <= version) {
      return;
    }
    version = frameSeq;
    if ("DELETED".equals(frame.path("type").asText())) {
      gone = true;
    } else {
      object = frame.path("object");
    }
  }

  State state() {
    if (deletion) {
      return gone ? State.DONE : State.WORKING;
    }
    if (gone) {
      return State.FAILED;
    }
    if (type == ResourceType.STORAGE_CLASS || type == ResourceType.SECRET) {
      return State.DONE;
    }
    ObjectStatus<?> status = ServedStatus.of(type, object);
    if (status instanceof VolumeStatus volume) {
      return switch (volume.phase()) {
        case Available, Bound, Released -> State.DONE;
        case Stalled, Deleting -> State.FAILED;
        case Failed -> volume.nextAttemptAt() != null ? State.WORKING : State.FAILED;
        default -> State.WORKING;
      };
    }
    if (status instanceof SnapshotStatus snapshot) {
      return switch (snapshot.phase()) {
        case Ready -> State.DONE;
        case Deleting -> State.FAILED;
        case Failed -> snapshot.nextAttemptAt() != null ? State.WORKING : State.FAILED;
        default -> State.WORKING;
      };
    }
    if (status instanceof ServiceStatus service) {
      return service.deleting() ? State.FAILED
          : service.readyReplicas() >= object.path("scale").asInt(1) ? State.DONE : State.WORKING;
    }
    return State.WORKING; // a phase this CLI has no constant for (a newer server's): work in progress
  }

  /** What the object is doing now, for a progress line: "Provisioning", "Failed (Reason): message; retrying". */
  String situation() {
    if (gone) {
      return deletion ? "deleted" : "was deleted";
    }
    ObjectStatus<?> typed = ServedStatus.of(type, object);
    if (typed instanceof ServiceStatus service && !service.deleting()) {
      return service.readyReplicas() + "/" + object.path("scale").asInt(1) + " replicas ready";
    }
    StringBuilder line = new StringBuilder(String.valueOf(ServedStatus.phaseWord(type, object)));
    if (typed != null && typed.troubled()) {
      line.append(" (").append(typed.reason() != null ? typed.reason() : "").append(")");
      String message = typed.message();
      if (message != null && !message.isEmpty()) {
        line.append(": ").append(message);
      }
    }
    return line.toString();
  }

  /** The copy's progress while it copies, else null. */
  CopyProgress progress() {
    return gone ? null : CopyProgress.of(type, object);
  }
}
