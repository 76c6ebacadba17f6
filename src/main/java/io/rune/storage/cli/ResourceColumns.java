package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;

/** The table columns of each kind, chosen to fit an 80-column terminal; wide adds the rest. */
final class ResourceColumns {
  static final String NONE = "<none>";
  private static final Map<String, String> MODES =
      Map.of("ReadWriteOnce", "RWO", "ReadOnlyMany", "ROX", "ReadWriteMany", "RWX");

  private ResourceColumns() {}

  static List<Column> of(ResourceType type, boolean wide, boolean withNamespace, Instant now) {
    List<Column> columns = new ArrayList<>();
    if (withNamespace && type.namespaced()) {
      columns.add(new Column("NAMESPACE", o -> text(o.path("namespace"))));
    }
    columns.add(new Column("NAME", o -> text(o.path("name"))));
    Column age = new Column("AGE", o -> Age.since(o.path("createdAt").asText(null), now));
    switch (type) {
      case STORAGE_CLASS -> {
        columns.add(new Column("DRIVER", o -> text(o.path("driver"))));
        columns.add(new Column("DEFAULT", o -> o.path("default").asBoolean(false) ? "yes" : "no"));
        columns.add(new Column("RECLAIM", o -> text(o.path("reclaimPolicy"))));
        columns.add(age);
        if (wide) {
          columns.add(new Column("PARAMETERS", o -> pairs(o.path("parameters"))));
        }
      }
      case VOLUME -> {
        columns.add(new Column("CLASS", o -> text(o.path("storageClassName"))));
        columns.add(new Column("SIZE", o -> text(o.path("size"))));
        columns.add(new Column("MODE", o -> MODES.getOrDefault(o.path("accessMode").asText(), text(o.path("accessMode")))));
        columns.add(new Column("PHASE", ResourceColumns::phase));
        columns.add(age);
        if (wide) {
          columns.add(new Column("RECLAIM", o -> text(o.path("reclaimPolicy"))));
          columns.add(new Column("NODE", o -> text(o.path("status").path("node").isMissingNode()
              ? o.path("status").path("boundNode") : o.path("status").path("node"))));
          columns.add(new Column("REASON", o -> text(o.path("status").path("reason"))));
        }
      }
      case SNAPSHOT -> {
        columns.add(new Column("VOLUME", ResourceColumns::snapshotSource));
        columns.add(new Column("PHASE", ResourceColumns::phase));
        columns.add(age);
        if (wide) {
          columns.add(new Column("SIZE", o -> bytes(o.path("status").path("sizeBytes"))));
          columns.add(new Column("REASON", o -> text(o.path("status").path("reason"))));
        }
      }
    }
    return columns;
  }

  /** The phase, with the reason beside it when something went wrong: {@code Failed (ProvisionFailedWillRetry)}. */
  static String phase(JsonNode object) {
    JsonNode status = object.path("status");
    String phase = text(status.path("phase"));
    String reason = status.path("reason").asText("");
    boolean troubled = phase.equals("Failed") || phase.equals("Stalled");
    return troubled && !reason.isEmpty() ? phase + " (" + reason + ")" : phase;
  }

  /** The source volume, qualified with its namespace when it is not the snapshot's own. */
  private static String snapshotSource(JsonNode snapshot) {
    JsonNode source = snapshot.path("source");
    String volume = text(source.path("volume"));
    String namespace = source.path("namespace").asText("");
    return namespace.isEmpty() || namespace.equals(snapshot.path("namespace").asText()) ? volume
        : namespace + "/" + volume;
  }

  private static String text(JsonNode value) {
    return value.isValueNode() && !value.isNull() && !value.asText().isEmpty() ? value.asText() : NONE;
  }

  private static String pairs(JsonNode map) {
    if (!map.isObject() || map.isEmpty()) {
      return NONE;
    }
    StringJoiner joined = new StringJoiner(",");
    map.properties().forEach(e -> joined.add(e.getKey() + "=" + e.getValue().asText()));
    return joined.toString();
  }

  /** Bytes in the binary units sizes are written in (512Mi, 5Gi), to one decimal. */
  private static String bytes(JsonNode value) {
    if (!value.canConvertToLong()) {
      return NONE;
    }
    double amount = value.asLong();
    String[] units = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
    int unit = 0;
    while (amount >= 1024 && unit < units.length - 1) {
      amount /= 1024;
      unit++;
    }
    return unit == 0 ? value.asLong() + "" : (amount == Math.floor(amount)
        ? String.format(Locale.ROOT, "%.0f%s", amount, units[unit]) : String.format(Locale.ROOT, "%.1f%s", amount, units[unit]));
  }
}
