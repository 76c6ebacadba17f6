package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code rune node}: the nodes sharing the database, Ready or not, and the shards each holds. */
@Command(name = "node", description = "List and show the nodes of the cluster and the shards each holds.")
final class NodeCommand {
  private static final String PATH = "/nodes";

  @ParentCommand
  RuneCli rune;

  @Command(name = "list", aliases = "ls", description = "List the nodes: Ready or NotReady, labels, shards held.")
  void list(@Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR",
          description = "Only nodes whose labels match, e.g. -l rune.io/zone=a.") String labelSelector,
      @Mixin CommonOptions.Output output) {
    JsonNode list = rune.client().get(PATH, labelSelector == null ? Map.of() : Map.of("labelSelector", labelSelector));
    JsonNode items = list.path("items");
    if (output.format.tabular() && items.isEmpty()) {
      PrintWriter err = rune.err();
      err.println("No nodes found" + (labelSelector == null ? "." : " matching " + labelSelector + "."));
      err.flush();
      return;
    }
    print(list, items, output.format);
  }

  @Command(name = "get", description = "Show one node.")
  void get(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Output output) {
    JsonNode node = rune.client().get(PATH + "/" + RuneClient.segment(name), Map.of());
    print(node, List.of(node), output.format);
  }

  /** {@code document} as JSON or YAML as the server sent it; otherwise {@code nodes} as a table or names. */
  private void print(JsonNode document, Iterable<JsonNode> nodes, OutputFormat format) {
    ResourcePrinter printer = rune.printer();
    switch (format) {
      case json, yaml, jsonpath -> printer.document(document, format);
      case name -> {
        nodes.forEach(node -> rune.out().println("node/" + node.path("name").asText()));
        rune.out().flush();
      }
      case table, wide -> printer.table(NodeColumns.of(format == OutputFormat.wide, Instant.now()), nodes);
    }
  }
}
