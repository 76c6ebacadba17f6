package io.rune.storage.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code rune volume|vol}: Volumes. */
@Command(name = "volume", aliases = "vol", description = "List, show and delete Volumes; retry a failed provision.")
final class VolumeCommand {
  @ParentCommand
  RuneCli rune;

  private ResourceVerbs verbs() {
    return new ResourceVerbs(rune, ResourceType.VOLUME);
  }

  @Command(name = "list", aliases = "ls", description = "List Volumes.")
  void list(@Mixin CommonOptions.ListScope scope, @Mixin CommonOptions.Selection selection,
      @Mixin CommonOptions.Output output) {
    verbs().list(scope.namespaceOrAll(), selection, output.format);
  }

  @Command(name = "get", description = "Show one Volume.")
  void get(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.Output output) {
    verbs().get(namespace.namespace, name, output.format);
  }

  @Command(name = "delete", description = "Delete a Volume; its storage is reclaimed per its reclaimPolicy.")
  void delete(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.ChangeOutput output) {
    verbs().delete(namespace.namespace, name, output.format);
  }

  @Command(name = "retry-provision", description = "Send a Failed or Stalled Volume back to Pending, attempts reset.")
  void retryProvision(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.ChangeOutput output) {
    var volume = rune.client().post(ResourceType.VOLUME.objectPath(namespace.namespace, name) + "/retry-provision", null);
    rune.printer().outcome(ResourceType.VOLUME, volume, output.format,
        "will be provisioned again (phase " + volume.path("status").path("phase").asText("Pending") + ")");
  }
}
