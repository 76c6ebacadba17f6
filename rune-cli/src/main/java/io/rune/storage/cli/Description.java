package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code rune <kind> describe} prints, as kubectl describe does: aligned "Label: value"
 * rows for the object's fields (a field it does not have gets no row), then sections, each a
 * title and an indented table: what the object is tied to, and its last changes.
 */
final class Description {
  private static final String INDENT = "  ";

  private final Instant now;
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> sections = new ArrayList<>();

  Description(Instant now) {
    this.now = now;
  }

  /** A row only for what the object has: an empty field says nothing. */
  Description row(String label, String value) {
    if (value != null && !value.isEmpty()) {
      rows.add(new String[] {label, value});
    }
    return this;
  }

  /** The fields every kind has: its name, namespace, labels and when it was made. */
  Description identity(JsonNode object) {
    return row("Name", object.path("name").asText()).row("Namespace", text(object, "namespace"))
        .row("Labels", labels(object.path("labels"))).row("Created", when(text(object, "createdAt")));
  }

  /** Where the object stands: phase, why, and since when; the conditions of an object here. */
  Description status(JsonNode status) {
    row("Phase", text(status, "phase"));
    row("Reason", text(status, "reason"));
    row("Message", text(status, "message"));
    if (status.path("attempts").asInt(0) > 0) {
      row("Attempts", status.path("attempts").asText());
    }
    row("Next attempt", when(text(status, "nextAttemptAt")));
    return row("Since", when(text(status, "lastTransitionAt")));
  }

  /** A titled table; {@code <none>} under the title when it has no rows. */
  Description section(String title, List<String> headers, List<List<String>> tableRows) {
    StringBuilder section = new StringBuilder(title).append(":\n");
    if (tableRows.isEmpty()) {
      section.append(INDENT).append("<none>\n");
    } else {
      Table table = new Table(headers);
      tableRows.forEach(table::add);
      StringWriter printed = new StringWriter();
      table.print(new PrintWriter(printed));
      printed.toString().lines().forEach(line -> section.append(INDENT).append(line).append('\n'));
    }
    sections.add(section.toString());
    return this;
  }

  /** The object's last changes from the change log, oldest first. */
  Description changes(List<JsonNode> frames, int limit) {
    List<List<String>> lines = new ArrayList<>();
    for (JsonNode frame : frames) {
      JsonNode object = frame.path("object");
      JsonNode status = object.path("status");
      lines.add(List.of(frame.path("seq").asText(), frame.path("type").asText(),
          status.path("phase").asText("-"), status.path("reason").asText(""),
          object.hasNonNull("updatedAt") ? Age.since(object.get("updatedAt").asText(), now) : ""));
    }
    return section("Changes (the last " + limit + " the server keeps)",
        List.of("SEQ", "EVENT", "PHASE", "REASON", "AGE"), lines);
  }

  void print(PrintWriter out) {
    int width = rows.stream().mapToInt(row -> row[0].length()).max().orElse(0) + 2;
    for (String[] row : rows) {
      out.println(String.format("%-" + width + "s%s", row[0] + ":", row[1]));
    }
    sections.forEach(out::print);
    out.flush();
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isValueNode() && !value.isNull() ? value.asText() : null;
  }

  /** The age of a timestamp, for table cells. */
  String age(JsonNode object) {
    return object.hasNonNull("createdAt") ? Age.since(object.get("createdAt").asText(), now) : "";
  }

  static String labels(JsonNode labels) {
    List<String> pairs = new ArrayList<>();
    labels.properties().forEach(e -> pairs.add(e.getKey() + "=" + e.getValue().asText()));
    return String.join(",", pairs);
  }

  /** A time with how long ago or how soon: {@code 2030-01-01T00:01:00Z (in 25s)}. */
  String when(String timestamp) {
    if (timestamp == null) {
      return null;
    }
    Instant at = Instant.parse(timestamp);
    return at.isAfter(now) ? timestamp + " (in " + Age.of(Duration.between(now, at)) + ")"
        : timestamp + " (" + Age.since(timestamp, now) + " ago)";
  }
}
