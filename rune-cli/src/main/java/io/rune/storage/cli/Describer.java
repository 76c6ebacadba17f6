package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.rune.storage.model.UsageStatus;
import io.rune.storage.model.VolumeStatus;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code rune volume|snapshot|service describe}: one object for a reader, field by field, as
 * kubectl describe shows one: what was asked, where it stands (a volume's snapshot schedule
 * too: when it last ran, what it made, when it runs next, what went wrong), what it is tied to,
 * and its last changes from the change log.
 */
final class Describer {
  static final int CHANGES = 10;

  private final RuneCli rune;
  private final PrintWriter out;
  private final Instant now;

  Describer(RuneCli rune, Instant now) {
    this.rune = rune;
    this.out = rune.out();
    this.now = now;
  }

  void volume(String namespace, String name) {
    JsonNode volume = rune.client().get(ResourceType.VOLUME.objectPath(namespace, name), Map.of());
    JsonNode status = volume.path("status");
    Description description = new Description(now).identity(volume);
    description.row("StorageClass", Description.text(volume, "storageClassName"))
        .row("Size", Description.text(volume, "size"))
        .row("Access mode", Description.text(volume, "accessMode"))
        .row("Reclaim policy", Description.text(volume, "reclaimPolicy"))
        .row("Ownership", ownership(volume))
        .row("Restored from", source(volume.path("source")))
        .status(status)
        .row("Node", Description.text(status, "node"))
        .row("Handle", Description.text(status, "handle"))
        .row("Owner service", Description.text(status, "ownerService"))
        .row("Bound claim", Description.text(status, "boundClaim"))
        .row("Bound node", Description.text(status, "boundNode"));
    usage(description, ServedStatus.volume(volume));
    schedule(description, volume.path("snapshotSchedule"), status.path("schedule"));
    conditions(description, status.path("conditions"));
    List<List<String>> snapshots = new ArrayList<>();
    for (JsonNode snapshot : list(ResourceType.SNAPSHOT, namespace)) {
      if (name.equals(snapshot.path("source").path("volume").asText())) {
        snapshots.add(List.of(snapshot.path("name").asText(), snapshot.path("status").path("phase").asText("-"),
            description.age(snapshot)));
      }
    }
    description.section("Snapshots", List.of("NAME", "PHASE", "AGE"), snapshots)
        .changes(ChangeHistory.of(rune.client(), ResourceType.VOLUME, volume, CHANGES), CHANGES)
        .print(out);
  }

  /** What the volume asks of its root directory ("uid 1234, gid 2345, mode 0750"); null when nothing. */
  private static String ownership(JsonNode volume) {
    List<String> parts = new ArrayList<>();
    for (String[] field : new String[][] {{"fsUser", "uid"}, {"fsGroup", "gid"}, {"fsMode", "mode"}}) {
      String value = Description.text(volume, field[0]);
      if (value != null) {
        parts.add(field[1] + " " + value);
      }
    }
    return parts.isEmpty() ? null : String.join(", ", parts);
  }

  void snapshot(String namespace, String name) {
    JsonNode snapshot = rune.client().get(ResourceType.SNAPSHOT.objectPath(namespace, name), Map.of());
    JsonNode status = snapshot.path("status");
    JsonNode source = snapshot.path("source");
    String volumeNamespace = source.path("namespace").asText(namespace);
    Description description = new Description(now).identity(snapshot)
        .row("Volume", source.path("volume").asText() + (volumeNamespace.equals(namespace) ? ""
            : " (namespace " + volumeNamespace + ")"))
        .status(status)
        .row("Size", Description.text(status, "sourceSize"))
        .row("StorageClass", Description.text(status, "storageClassName"))
        .row("Node", Description.text(status, "node"))
        .row("Handle", Description.text(status, "handle"))
        .row("Method", method(status));
    List<List<String>> volume = new ArrayList<>();
    for (JsonNode candidate : list(ResourceType.VOLUME, volumeNamespace)) {
      if (candidate.path("name").asText().equals(source.path("volume").asText())) {
        volume.add(volumeRow(description, candidate));
      }
    }
    List<List<String>> restored = new ArrayList<>();
    for (JsonNode candidate : visibleVolumes(namespace)) {
      JsonNode from = candidate.path("source");
      if (name.equals(from.path("snapshot").asText())
          && namespace.equals(from.path("namespace").asText(candidate.path("namespace").asText()))) {
        restored.add(volumeRow(description, candidate));
      }
    }
    List<String> headers = List.of("NAMESPACE", "NAME", "PHASE", "SIZE", "AGE");
    description.section("Source volume", headers, volume)
        .section("Volumes restored from it", headers, restored)
        .changes(ChangeHistory.of(rune.client(), ResourceType.SNAPSHOT, snapshot, CHANGES), CHANGES)
        .print(out);
  }

  /** How the driver made the copy, and the seconds it took: {@code reflink (0.042 s)}. */
  private static String method(JsonNode status) {
    String method = Description.text(status, "method");
    return method != null && status.hasNonNull("methodSeconds")
        ? method + String.format(Locale.ROOT, " (%.3f s)", status.get("methodSeconds").asDouble()) : method;
  }

  void service(String namespace, String name) {
    JsonNode service = rune.client().get(ResourceType.SERVICE.objectPath(namespace, name), Map.of());
    JsonNode status = service.path("status");
    Description description = new Description(now).identity(service)
        .row("Scale", service.path("scale").asText("1"))
        .row("Ready", status.path("readyReplicas").asInt(0) + "/" + service.path("scale").asInt(1))
        .status(status);
    List<List<String>> replicas = new ArrayList<>();
    for (JsonNode replica : status.path("replicas")) {
      replicas.add(List.of(replica.path("ordinal").asText(), replica.path("instance").asText("-"),
          replica.path("node").asText("-"), replica.path("phase").asText("-"), replica.path("reason").asText("")));
    }
    List<List<String>> volumes = new ArrayList<>();
    for (JsonNode volume : list(ResourceType.VOLUME, namespace)) {
      if (name.equals(volume.path("status").path("ownerService").asText())) {
        JsonNode volumeStatus = volume.path("status");
        volumes.add(List.of(volume.path("name").asText(), volumeStatus.path("phase").asText("-"),
            volume.path("size").asText(), volumeStatus.path("boundClaim").asText("-"),
            volumeStatus.path("boundNode").asText("-")));
      }
    }
    description.section("Replicas", List.of("ORDINAL", "INSTANCE", "NODE", "PHASE", "REASON"), replicas)
        .section("Volumes", List.of("NAME", "PHASE", "SIZE", "CLAIM", "NODE"), volumes)
        .changes(ChangeHistory.of(rune.client(), ResourceType.SERVICE, service, CHANGES), CHANGES)
        .print(out);
  }

  private static void schedule(Description description, JsonNode schedule, JsonNode ran) {
    if (!schedule.isObject()) {
      return;
    }
    description.row("Snapshot schedule", Description.text(schedule, "cron") + " (" + (schedule.hasNonNull("timezone")
        ? schedule.get("timezone").asText() : "UTC") + ")")
        .row("  Retention", retention(schedule.path("retention")))
        .row("  Last run", description.when(Description.text(ran, "lastRunAt")))
        .row("  Last snapshot", Description.text(ran, "lastSnapshot"))
        .row("  Next run", description.when(Description.text(ran, "nextRunAt")))
        .row("  Last error", Description.text(ran, "lastError"))
        .row("  Note", Description.text(ran, "message"));
  }

  /** Used of capacity with the share, how the size is kept, and when it was measured; nothing before a measurement. */
  private static void usage(Description description, VolumeStatus status) {
    UsageStatus usage = status == null ? null : status.usage();
    if (usage == null) {
      return;
    }
    String share = usage.capacityBytes() > 0
        ? String.format(Locale.ROOT, " (%.1f%%)", 100.0 * usage.usedBytes() / usage.capacityBytes()) : "";
    description.row("Usage", Sizes.bytes(usage.usedBytes()) + " / " + Sizes.bytes(usage.capacityBytes()) + share)
        .row("  Enforcement", usage.enforcement() != null ? usage.enforcement() : "not reported by the driver")
        .row("  Observed", usage.observedAt() == null ? null : description.when(usage.observedAt().toString()));
  }

  private static void conditions(Description description, JsonNode conditions) {
    List<List<String>> rows = new ArrayList<>();
    conditions.forEach(c -> rows.add(List.of(c.path("type").asText(), c.path("status").asText(),
        c.path("reason").asText(""), c.hasNonNull("lastTransitionAt") ? description.when(c.get("lastTransitionAt")
            .asText()) : "", c.path("message").asText(""))));
    description.section("Conditions", List.of("TYPE", "STATUS", "REASON", "SINCE", "MESSAGE"), rows);
  }

  private static String source(JsonNode source) {
    return source.hasNonNull("snapshot") ? "snapshot/" + source.get("snapshot").asText()
        + (source.hasNonNull("namespace") ? " (namespace " + source.get("namespace").asText() + ")" : "") : null;
  }

  private static String retention(JsonNode retention) {
    List<String> parts = new ArrayList<>();
    if (retention.hasNonNull("keep")) {
      parts.add("keep " + retention.get("keep").asText());
    }
    if (retention.hasNonNull("maxAge")) {
      parts.add("max age " + retention.get("maxAge").asText());
    }
    return String.join(", ", parts);
  }

  private static List<String> volumeRow(Description description, JsonNode volume) {
    return List.of(volume.path("namespace").asText(), volume.path("name").asText(),
        volume.path("status").path("phase").asText("-"), volume.path("size").asText(), description.age(volume));
  }

  private JsonNode list(ResourceType type, String namespace) {
    return rune.client().list(type.collectionPath(namespace), Map.of(), null).path("items");
  }

  /** Volumes of every namespace the token may list (a restore may land in another), else of this one. */
  private JsonNode visibleVolumes(String namespace) {
    try {
      return list(ResourceType.VOLUME, null);
    } catch (ServerError refused) {
      if (refused.status() != 403) {
        throw refused;
      }
      return list(ResourceType.VOLUME, namespace);
    }
  }
}
