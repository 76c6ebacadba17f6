package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.rune.storage.model.ObjectStatus;
import io.rune.storage.model.PhaseField;
import io.rune.storage.model.SecretStatus;
import io.rune.storage.model.ServiceStatus;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.model.VolumeStatus;
import io.vertx.core.json.JsonObject;

/**
 * The status of an object the server sent, read into the status record of its kind (the
 * server's own), so that the CLI decides by phase constants, never by comparing words.
 */
final class ServedStatus {
  private ServedStatus() {}

  /**
   * The object's status as its kind's record; null for a kind without one (a class, a
   * secret), or a phase this CLI has no constant for (a newer server's), which it then only
   * shows.
   */
  static ObjectStatus<?> of(ResourceType type, JsonNode object) {
    JsonObject status = json(object);
    try {
      return switch (type) {
        case VOLUME -> VolumeStatus.from(status);
        case SNAPSHOT -> SnapshotStatus.from(status);
        case SERVICE -> ServiceStatus.from(status);
        default -> null;
      };
    } catch (IllegalArgumentException unknownPhase) {
      return null;
    }
  }

  /** Whether the server answered with the object being deleted (its controller cleans up first). */
  static boolean deleting(ResourceType type, JsonNode object) {
    ObjectStatus<?> status = of(type, object);
    return status != null && status.deleting();
  }

  static VolumeStatus volume(JsonNode object) {
    return of(ResourceType.VOLUME, object) instanceof VolumeStatus status ? status : null;
  }

  static SnapshotStatus snapshot(JsonNode object) {
    return of(ResourceType.SNAPSHOT, object) instanceof SnapshotStatus status ? status : null;
  }

  static ServiceStatus service(JsonNode object) {
    return of(ResourceType.SERVICE, object) instanceof ServiceStatus status ? status : null;
  }

  static SecretStatus secret(JsonNode object) {
    return SecretStatus.from(json(object));
  }

  /**
   * The phase, for display: its constant's name (the first phase when the status has none
   * yet), or the word as the server sent it when this CLI has no constant for it; null for a
   * kind without phases.
   */
  static String phaseWord(ResourceType type, JsonNode object) {
    ObjectStatus<?> status = of(type, object);
    return status != null ? status.phase().name() : PhaseField.word(json(object));
  }

  private static JsonObject json(JsonNode object) {
    JsonNode status = object.path("status");
    return status.isObject() ? new JsonObject(status.toString()) : new JsonObject();
  }
}
