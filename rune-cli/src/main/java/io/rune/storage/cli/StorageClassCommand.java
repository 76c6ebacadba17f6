package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code rune storageclass|sc}: the cluster's StorageClasses. */
@Command(name = "storageclass", aliases = "sc",
    description = "List, show, create, patch, delete StorageClasses; choose the default.")
final class StorageClassCommand {
  @ParentCommand
  RuneCli rune;

  private ResourceVerbs verbs() {
    return new ResourceVerbs(rune, ResourceType.STORAGE_CLASS);
  }

  @Command(name = "list", aliases = "ls", description = "List StorageClasses.")
  void list(@Mixin CommonOptions.Selection selection, @Mixin CommonOptions.Output output,
      @Mixin CommonOptions.Watch watch) {
    verbs().list(null, selection, output.format, watch.watch);
  }

  @Command(name = "get", description = "Show one StorageClass.")
  void get(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Output output,
      @Mixin CommonOptions.Watch watch) {
    verbs().get(null, name, output.format, watch.watch);
  }

  @Command(name = "create", description = "Create a StorageClass from a YAML or JSON file (admin).")
  void create(@Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
          description = "The file: one StorageClass, bare or under a storageClass: key; - for standard input.")
      String file,
      @Mixin CommonOptions.ChangeOutput output, @Mixin CommonOptions.DryRunOption dryRun,
      @Mixin CommonOptions.Wait wait) {
    JsonNode created = rune.client().post(ResourceType.STORAGE_CLASS.collectionPath(null), InputFiles.read(file),
        "application/yaml");
    verbs().created(created, output.format, wait, "created");
  }

  @Command(name = "patch", description = "Change a StorageClass (admin) with a JSON merge patch (RFC 7386): the fields"
      + " given replace its own, null removes one.")
  void patch(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Patch patch,
      @Mixin CommonOptions.ChangeOutput output, @Mixin CommonOptions.DryRunOption dryRun) {
    verbs().patch(null, name, patch.document(), output.format);
  }

  @Command(name = "delete", description = "Delete a StorageClass (admin). Its volumes stay unless --cascade.")
  void delete(@Parameters(paramLabel = "NAME") String name,
      @Option(names = "--cascade", description = "Also delete every volume of the class, each through its"
          + " reclaimPolicy; refused while any of them is Bound.") boolean cascade,
      @Mixin CommonOptions.ChangeOutput output, @Mixin CommonOptions.DryRunOption dryRun,
      @Mixin CommonOptions.Wait wait) {
    // Read before the delete: the volumes may be gone before a list after it could see them.
    List<WaitTarget> going = cascade && wait.active() ? volumesOf(name) : List.of();
    verbs().delete(null, name, cascade ? Map.of("cascade", "true") : Map.of(), output.format, wait);
    rune.awaitIfAsked(wait, output.format, going);
  }

  @Command(name = "set-default", description = "Make a StorageClass the default; the previous default stops being it (admin).")
  void setDefault(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.ChangeOutput output,
      @Mixin CommonOptions.DryRunOption dryRun) {
    var updated = rune.client().post(ResourceType.STORAGE_CLASS.objectPath(null, name) + "/set-default", null);
    rune.printer().outcome(ResourceType.STORAGE_CLASS, updated, output.format, "is now the default");
  }

  /**
   * The volumes a cascade delete of the class will take, to follow until gone. The watch
   * starts at the oldest of their versions, so one deleted before it opens is still seen going.
   */
  private List<WaitTarget> volumesOf(String storageClass) {
    List<WaitTarget> going = new ArrayList<>();
    JsonNode volumes = rune.client().list(ResourceType.VOLUME.collectionPath(null), Map.of(), null);
    for (JsonNode volume : volumes.path("items")) {
      if (storageClass.equals(volume.path("storageClassName").asText())) {
        going.add(WaitTarget.untilGone(ResourceType.VOLUME, volume));
      }
    }
    return going;
  }
}
