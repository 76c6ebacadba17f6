package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.rune.storage.model.ObjectStatus;
import io.rune.storage.model.ServiceStatus;
import io.rune.storage.model.SnapshotStatus;
import io.rune.storage.model.UsageStatus;
import io.rune.storage.model.VolumeStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

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
        columns.add(new Column("PHASE", o -> phase(ResourceType.VOLUME, o)));
        columns.add(new Column("BOUND", ResourceColumns::boundTo));
        columns.add(age);
        if (wide) {
          columns.add(new Column("RECLAIM", o -> text(o.path("reclaimPolicy"))));
          columns.add(new Column("NODE", o -> shown(ServedStatus.volume(o),
              s -> s.node() != null ? s.node() : s.boundNode())));
          columns.add(new Column("USED", o -> usage(o, UsageStatus::usedBytes)));
          columns.add(new Column("CAPACITY", o -> usage(o, UsageStatus::capacityBytes)));
          columns.add(new Column("REASON", o -> shown(ServedStatus.volume(o), VolumeStatus::reason)));
        }
      }
      case SNAPSHOT -> {
        columns.add(new Column("VOLUME", ResourceColumns::snapshotSource));
        columns.add(new Column("PHASE", o -> phase(ResourceType.SNAPSHOT, o)));
        columns.add(age);
        if (wide) {
          columns.add(new Column("SIZE", o -> shown(ServedStatus.snapshot(o),
              s -> s.sizeBytes() == null ? null : Sizes.bytes(s.sizeBytes()))));
          columns.add(new Column("METHOD", o -> shown(ServedStatus.snapshot(o), SnapshotStatus::method)));
          columns.add(new Column("REASON", o -> shown(ServedStatus.snapshot(o), SnapshotStatus::reason)));
        }
      }
      case SECRET -> {
        columns.add(new Column("KEYS", o -> {
          List<String> keys = ServedStatus.secret(o).keys();
          return keys.isEmpty() ? NONE : String.join(",", keys);
        }));
        columns.add(age);
      }
      case SERVICE -> {
        columns.add(new Column("READY", o -> shown(ServedStatus.service(o), ServiceStatus::readyReplicas) + "/"
            + o.path("scale").asInt(1)));
        columns.add(new Column("VOLUMES", ResourceColumns::serviceVolumes));
        columns.add(new Column("PHASE", o -> phase(ResourceType.SERVICE, o)));
        columns.add(age);
        if (wide) {
          columns.add(new Column("NODES", ResourceColumns::replicaNodes));
        }
      }
    }
    return columns;
  }

  /** A figure of the volume's last measured usage in binary units, {@code -} while there is none. */
  private static String usage(JsonNode volume, java.util.function.ToLongFunction<UsageStatus> figure) {
    VolumeStatus status = ServedStatus.volume(volume);
    return status == null || status.usage() == null ? "-" : Sizes.bytes(figure.applyAsLong(status.usage()));
  }

  /** The claim a Bound volume serves ({@code ns/service-0}), several for a shared one. */
  private static String boundTo(JsonNode volume) {
    VolumeStatus status = ServedStatus.volume(volume);
    if (status == null || status.phase() != VolumeStatus.Phase.Bound || status.claims().isEmpty()) {
      return NONE;
    }
    StringJoiner claims = new StringJoiner(",");
    status.claims().forEach(claim -> claims.add(shortClaim(volume, claim)));
    return claims.toString();
  }

  /** A claim without its namespace when it is the volume's own, to keep the column narrow. */
  private static String shortClaim(JsonNode volume, String claim) {
    String own = volume.path("namespace").asText() + "/";
    return claim.startsWith(own) ? claim.substring(own.length()) : claim;
  }

  /** The service's volumes by their entry names, a template marked with its per-replica form. */
  private static String serviceVolumes(JsonNode service) {
    StringJoiner names = new StringJoiner(",");
    service.path("volumes").forEach(v -> names.add(v.path("name").asText()
        + (v.has("claimTemplate") ? "(template)" : "")));
    return names.length() == 0 ? NONE : names.toString();
  }

  private static String replicaNodes(JsonNode service) {
    java.util.Set<String> nodes = new java.util.TreeSet<>();
    ServiceStatus status = ServedStatus.service(service);
    if (status != null) {
      status.replicas().forEach(r -> nodes.add(String.valueOf(r.node())));
    }
    return nodes.isEmpty() ? NONE : String.join(",", nodes);
  }

  /** The phase, with the reason beside it when something went wrong: {@code Failed (ProvisionFailedWillRetry)}. */
  static String phase(ResourceType type, JsonNode object) {
    String word = ServedStatus.phaseWord(type, object);
    String phase = word == null || word.isEmpty() ? NONE : word;
    // A deletion that stopped shows it: Deleting (DeleteRetriesExhausted).
    ObjectStatus<?> status = ServedStatus.of(type, object);
    boolean withReason = status != null && status.troubled() && status.reason() != null && !status.reason().isEmpty();
    return withReason ? phase + " (" + status.reason() + ")" : phase;
  }

  /** The source volume, qualified with its namespace when it is not the snapshot's own. */
  private static String snapshotSource(JsonNode snapshot) {
    JsonNode source = snapshot.path("source");
    String volume = text(source.path("volume"));
    String namespace = source.path("namespace").asText("");
    return namespace.isEmpty() || namespace.equals(snapshot.path("namespace").asText()) ? volume
        : namespace + "/" + volume;
  }

  /** A field of a status, or {@value #NONE} when it (or a status this CLI can read) is absent. */
  private static <S> String shown(S status, Function<S, Object> field) {
    Object value = status == null ? null : field.apply(status);
    return value == null || value.toString().isEmpty() ? NONE : value.toString();
  }

  static String text(JsonNode value) {
    return value.isValueNode() && !value.isNull() && !value.asText().isEmpty() ? value.asText() : NONE;
  }

  /** A map as {@code k=v,k2=v2}, or {@value #NONE}. */
  static String pairs(JsonNode map) {
    if (!map.isObject() || map.isEmpty()) {
      return NONE;
    }
    StringJoiner joined = new StringJoiner(",");
    map.properties().forEach(e -> joined.add(e.getKey() + "=" + e.getValue().asText()));
    return joined.toString();
  }
}
