package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code rune cast -f FILE}: create or update every document of a YAML file in one
 * transaction (POST /apply): all of them, or, when one is refused, none.
 */
@Command(name = "cast", description = "Create or update everything a YAML file describes (documents separated"
    + " by ---, each with one top-level key naming its kind); all or nothing.")
final class CastCommand implements Callable<Integer> {
  @ParentCommand
  RuneCli rune;

  @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
      description = "The YAML file, or - for standard input.")
  String file;

  @Mixin
  CommonOptions.ChangeOutput output;

  @Mixin
  CommonOptions.DryRunOption dryRun;

  @Mixin
  CommonOptions.Wait wait;

  @Override
  public Integer call() {
    byte[] yaml = InputFiles.read(file);
    if (rune.dryRun() == DryRun.client) {
      return wouldSend(yaml);
    }
    JsonNode applied = rune.client().post("/apply", yaml, "application/yaml");
    if (output.format.tabular()) {
      for (JsonNode result : applied.path("results")) {
        rune.out().println(result.path("kind").asText().toLowerCase(Locale.ROOT) + "/"
            + result.path("name").asText() + " " + result.path("action").asText() + rune.dryRun().suffix());
      }
      rune.out().flush();
    } else if (output.format == OutputFormat.name) {
      applied.path("results").forEach(result -> rune.out().println(
          result.path("kind").asText().toLowerCase(Locale.ROOT) + "/" + result.path("name").asText()));
      rune.out().flush();
    }
    // Each result with the target that follows its object (results of kinds rune does not know are skipped).
    record Followed(ObjectNode result, WaitTarget target) {}
    List<Followed> followed = new ArrayList<>();
    for (JsonNode result : applied.path("results")) {
      ResourceType.ofKindName(result.path("kind").asText()).ifPresent(type ->
          followed.add(new Followed((ObjectNode) result, WaitTarget.untilReady(type, result.path("object")))));
    }
    rune.awaitIfAsked(wait, output.format, followed.stream().map(Followed::target).toList());
    if (!output.format.tabular() && output.format != OutputFormat.name) {
      if (wait.active()) {
        // The objects as they are now, ready, rather than as the write left them.
        followed.forEach(f -> f.result().set("object", f.target().object()));
      }
      rune.printer().document(applied, output.format);
    }
    return 0;
  }

  /** --dry-run=client: the documents as they would be sent (the YAML must parse), one line each by default. */
  private int wouldSend(byte[] yaml) {
    List<JsonNode> documents;
    try {
      documents = CliJson.readYamlDocuments(yaml);
    } catch (java.io.IOException e) {
      throw new CliException(file + " is not valid YAML: " + e.getMessage());
    }
    if (!output.format.tabular() && output.format != OutputFormat.name) {
      rune.printer().document(CliJson.MAPPER.valueToTree(documents), output.format);
      return 0;
    }
    for (JsonNode document : documents) {
      var kind = document.properties().stream().findFirst();
      String line = kind.map(k -> k.getKey().toLowerCase(Locale.ROOT) + "/" + k.getValue().path("name").asText())
          .orElse("(an empty document)");
      rune.out().println(output.format == OutputFormat.name ? line : line + " would be sent" + DryRun.client.suffix());
    }
    rune.out().flush();
    return 0;
  }
}
