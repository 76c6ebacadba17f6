package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rune volume describe}: one volume for a reader, field by field, as kubectl describe
 * shows an object: what was asked, where it stands and, when it has one, its snapshot schedule
 * (when it last ran, what it made, when it runs next, and what went wrong).
 */
final class VolumeDescription {
  private final PrintWriter out;
  private final Instant now;

  VolumeDescription(PrintWriter out, Instant now) {
    this.out = out;
    this.now = now;
  }

  void print(JsonNode volume) {
    JsonNode status = volume.path("status");
    List<String[]> rows = new ArrayList<>();
    add(rows, "Name", volume.path("name").asText());
    add(rows, "Namespace", volume.path("namespace").asText());
    add(rows, "StorageClass", text(volume, "storageClassName"));
    add(rows, "Size", text(volume, "size"));
    add(rows, "Access mode", text(volume, "accessMode"));
    add(rows, "Reclaim policy", text(volume, "reclaimPolicy"));
    add(rows, "Labels", labels(volume.path("labels")));
    add(rows, "Created", when(text(volume, "createdAt")));
    add(rows, "Phase", text(status, "phase"));
    add(rows, "Reason", text(status, "reason"));
    add(rows, "Message", text(status, "message"));
    add(rows, "Node", text(status, "node"));
    add(rows, "Handle", text(status, "handle"));
    add(rows, "Bound to", text(status, "boundTo"));
    JsonNode schedule = volume.path("snapshotSchedule");
    if (schedule.isObject()) {
      add(rows, "Snapshot schedule", text(schedule, "cron") + " (" + (schedule.hasNonNull("timezone")
          ? schedule.get("timezone").asText() : "UTC") + ")");
      add(rows, "  Retention", retention(schedule.path("retention")));
      JsonNode ran = status.path("schedule");
      add(rows, "  Last run", when(text(ran, "lastRunAt")));
      add(rows, "  Last snapshot", text(ran, "lastSnapshot"));
      add(rows, "  Next run", when(text(ran, "nextRunAt")));
      add(rows, "  Last error", text(ran, "lastError"));
      add(rows, "  Note", text(ran, "message"));
    }
    int width = rows.stream().mapToInt(row -> row[0].length()).max().orElse(0) + 2;
    for (String[] row : rows) {
      out.println(String.format("%-" + width + "s%s", row[0] + ":", row[1]));
    }
    out.flush();
  }

  /** A row only for what the volume has: an empty field says nothing. */
  private static void add(List<String[]> rows, String label, String value) {
    if (value != null && !value.isEmpty()) {
      rows.add(new String[] {label, value});
    }
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isValueNode() && !value.isNull() ? value.asText() : null;
  }

  private static String labels(JsonNode labels) {
    List<String> pairs = new ArrayList<>();
    labels.fields().forEachRemaining(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
    return String.join(",", pairs);
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

  /** A time with how long ago or how soon: {@code 2030-01-01T00:01:00Z (in 25s)}. */
  private String when(String timestamp) {
    if (timestamp == null) {
      return null;
    }
    Instant at = Instant.parse(timestamp);
    return at.isAfter(now) ? timestamp + " (in " + Age.of(Duration.between(now, at)) + ")"
        : timestamp + " (" + Age.since(timestamp, now) + " ago)";
  }
}
