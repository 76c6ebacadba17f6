package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.rune.storage.model.ServiceStatus;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;

/** One change as a line of {@code rune watch}'s table: fixed columns, since rows come one at a time. */
final class WatchLine {
  private static final String FORMAT_WITH_NAMESPACE = "%-7s   %-8s   %-14s   %-34s   %s";
  private static final String FORMAT = "%-7s   %-8s   %-34s   %s";

  private WatchLine() {}

  static String header(boolean withNamespace) {
    return line(withNamespace, "SEQ", "EVENT", "NAMESPACE", "OBJECT", "PHASE");
  }

  static String of(JsonNode frame, ResourceType type, boolean withNamespace) {
    JsonNode object = frame.path("object");
    String namespace = type.namespaced() ? object.path("namespace").asText() : "";
    return line(withNamespace, frame.path("seq").asText(), frame.path("type").asText(), namespace,
        type.qualified(object.path("name").asText()), situation(type, object));
  }

  /** The phase (with the reason when something went wrong), a copy's progress, a service's ready replicas. */
  private static String situation(ResourceType type, JsonNode object) {
    if (type == ResourceType.STORAGE_CLASS) {
      return object.path("default").asBoolean(false) ? "default" : "";
    }
    if (type == ResourceType.SECRET) {
      return "keys " + new JsonArray(new ArrayList<Object>(ServedStatus.secret(object).keys())).encode();
    }
    String phase = ResourceColumns.phase(type, object);
    if (type == ResourceType.SERVICE) {
      ServiceStatus status = ServedStatus.service(object);
      int ready = status != null ? status.readyReplicas() : 0;
      return phase + " " + ready + "/" + object.path("scale").asInt(1) + " ready";
    }
    CopyProgress progress = CopyProgress.of(type, object);
    return progress == null ? phase : phase + " " + progress.text();
  }

  private static String line(boolean withNamespace, String seq, String event, String namespace, String object,
      String phase) {
    String line = withNamespace ? String.format(FORMAT_WITH_NAMESPACE, seq, event, namespace, object, phase)
        : String.format(FORMAT, seq, event, object, phase);
    return line.stripTrailing();
  }
}
