package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;

/** Writes API objects and lists in the format {@code -o} chose. */
final class ResourcePrinter {
  private final PrintWriter out;
  private final PrintWriter err;
  private final Instant now;
  private final JsonPathTemplate jsonPath;
  private final DryRun dryRun;

  /**
   * @param jsonPath the template of -o jsonpath=..., or null
   * @param dryRun whether the changes printed were only a dry run, said at the end of their lines
   */
  ResourcePrinter(PrintWriter out, PrintWriter err, Instant now, JsonPathTemplate jsonPath, DryRun dryRun) {
    this.dryRun = dryRun;
    this.out = out;
    this.err = err;
    this.now = now;
    this.jsonPath = jsonPath;
  }

  /**
   * A list response. An empty table is said on stderr, so that scripts reading stdout see
   * nothing at all.
   *
   * @param namespace the namespace listed, or null for all namespaces (or a cluster-scoped kind)
   */
  void list(ResourceType type, JsonNode list, OutputFormat format, String namespace) {
    JsonNode items = list.path("items");
    switch (format) {
      case json, yaml, jsonpath -> document(list, format);
      case name -> {
        items.forEach(item -> out.println(type.qualified(item.path("name").asText())));
        out.flush();
      }
      case table, wide -> {
        if (items.isEmpty()) {
          err.println("No " + type.plural() + " found"
              + (type.namespaced() && namespace != null ? " in namespace " + namespace : "") + ".");
          err.flush();
          return;
        }
        table(type, items, format, type.namespaced() && namespace == null);
      }
    }
  }

  void object(ResourceType type, JsonNode object, OutputFormat format) {
    switch (format) {
      case json, yaml, jsonpath -> document(object, format);
      case name -> {
        out.println(type.qualified(object.path("name").asText()));
        out.flush();
      }
      case table, wide -> table(type, List.of(object), format, false);
    }
  }

  /**
   * The answer to a change: by default a line such as {@code volume/web-data deleted};
   * with -o json, yaml or name, the object the server returned.
   */
  void outcome(ResourceType type, JsonNode object, OutputFormat format, String what) {
    if (format.tabular()) {
      out.println(type.qualified(object.path("name").asText()) + " " + what + dryRun.suffix());
      out.flush();
    } else {
      object(type, object, format);
    }
  }

  /** Any JSON document as pretty JSON or YAML, or what -o jsonpath's template makes of it. */
  void document(JsonNode document, OutputFormat format) {
    if (format == OutputFormat.jsonpath) {
      out.println(jsonPath.apply(document));
    } else if (format == OutputFormat.yaml) {
      out.print(CliJson.yaml(document));
    } else {
      out.println(CliJson.pretty(document));
    }
    out.flush();
  }

  private void table(ResourceType type, Iterable<JsonNode> items, OutputFormat format, boolean withNamespace) {
    table(ResourceColumns.of(type, format == OutputFormat.wide, withNamespace, now), items);
  }

  /** Rows of {@code items} under {@code columns}, for what is not an object of the API's kinds (nodes). */
  void table(List<Column> columns, Iterable<JsonNode> items) {
    Table table = new Table(columns.stream().map(Column::header).toList());
    items.forEach(item -> table.add(columns.stream().map(c -> c.cell().apply(item)).toList()));
    table.print(out);
  }
}
