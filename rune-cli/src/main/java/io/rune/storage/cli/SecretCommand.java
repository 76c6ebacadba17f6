package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code rune secret}: Secrets. Values go in and never come out: lists and gets show the
 * key names only, as the server does.
 */
@Command(name = "secret", description = "List, show (key names only), create, patch and delete Secrets.")
final class SecretCommand {
  @ParentCommand
  RuneCli rune;

  private ResourceVerbs verbs() {
    return new ResourceVerbs(rune, ResourceType.SECRET);
  }

  @Command(name = "list", aliases = "ls", description = "List Secrets and their keys.")
  void list(@Mixin CommonOptions.ListScope scope, @Mixin CommonOptions.Selection selection,
      @Mixin CommonOptions.Output output, @Mixin CommonOptions.Watch watch) {
    verbs().list(scope.namespaceOrAll(), selection, output.format, watch.watch);
  }

  @Command(name = "get", description = "Show one Secret: its key names, never its values.")
  void get(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.Output output, @Mixin CommonOptions.Watch watch) {
    verbs().get(namespace.name(), name, output.format, watch.watch);
  }

  @Command(name = "create", description = "Create a Secret from files (preferred: values stay out of the"
      + " process list and shell history) or literals.")
  void create(@Parameters(paramLabel = "NAME") String name,
      @Option(names = "--from-file", paramLabel = "KEY=FILE", description = "A key whose value is the file's"
          + " content (trailing newline removed); - reads standard input.") List<String> files,
      @Option(names = "--from-literal", paramLabel = "KEY=VALUE", description = "A key and its value.")
      List<String> literals,
      @Mixin CommonOptions.Namespace namespace, @Mixin CommonOptions.ChangeOutput output,
      @Mixin CommonOptions.DryRunOption dryRun) {
    ObjectNode body = CliJson.MAPPER.createObjectNode().put("name", name);
    ObjectNode data = body.putObject("data");
    for (String pair : files == null ? List.<String>of() : files) {
      String[] split = split(pair, "--from-file", "KEY=FILE");
      data.put(split[0], new String(InputFiles.read(split[1]), StandardCharsets.UTF_8).stripTrailing());
    }
    for (String pair : literals == null ? List.<String>of() : literals) {
      String[] split = split(pair, "--from-literal", "KEY=VALUE");
      data.put(split[0], split[1]);
    }
    if (data.isEmpty()) {
      throw new CliException("a secret needs at least one key: give --from-file KEY=FILE or --from-literal KEY=VALUE");
    }
    JsonNode created = rune.client().post(ResourceType.SECRET.collectionPath(namespace.name()), body);
    if (rune.dryRun() == DryRun.client) {
      // What would be sent, but values never come out, not even of a dry run: the key names stand in.
      ObjectNode shown = CliJson.MAPPER.createObjectNode().put("name", name);
      data.fieldNames().forEachRemaining(shown.putArray("keys")::add);
      created = shown;
    }
    List<String> keys = ServedStatus.secret(created).keys();
    rune.printer().outcome(ResourceType.SECRET, created, output.format, "created (keys " + String.join(", ", keys)
        + ")");
  }

  @Command(name = "patch", description = "Change a Secret (its data: values go in, never come out) with a JSON"
      + " merge patch (RFC 7386): the fields given replace its own, null removes one.")
  void patch(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Patch patch,
      @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.ChangeOutput output, @Mixin CommonOptions.DryRunOption dryRun) {
    verbs().patch(namespace.name(), name, patch.document(), output.format);
  }

  @Command(name = "delete", description = "Delete a Secret; classes naming it can no longer reach their backend.")
  void delete(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.ChangeOutput output, @Mixin CommonOptions.DryRunOption dryRun) {
    verbs().delete(namespace.name(), name, Map.of(), output.format, new CommonOptions.Wait());
  }

  /** KEY=VALUE at the first '='; a pair without one is the user's mistake, said without echoing the value. */
  private static String[] split(String pair, String option, String form) {
    int eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new CliException(option + " takes " + form + " (a key, '=', then the " + (option.equals("--from-file")
          ? "file" : "value") + ")");
    }
    return new String[] {pair.substring(0, eq), pair.substring(eq + 1)};
  }
}
