package io.rune.storage.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code rune storageclass|sc}: the cluster's StorageClasses. */
@Command(name = "storageclass", aliases = "sc", description = "List, show, delete StorageClasses; choose the default.")
final class StorageClassCommand {
  @ParentCommand
  RuneCli rune;

  private ResourceVerbs verbs() {
    return new ResourceVerbs(rune, ResourceType.STORAGE_CLASS);
  }

  @Command(name = "list", aliases = "ls", description = "List StorageClasses.")
  void list(@Mixin CommonOptions.Selection selection, @Mixin CommonOptions.Output output) {
    verbs().list(null, selection, output.format);
  }

  @Command(name = "get", description = "Show one StorageClass.")
  void get(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Output output) {
    verbs().get(null, name, output.format);
  }

  @Command(name = "delete", description = "Delete a StorageClass (admin).")
  void delete(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.ChangeOutput output) {
    verbs().delete(null, name, output.format);
  }

  @Command(name = "set-default", description = "Make a StorageClass the default; the previous default stops being it (admin).")
  void setDefault(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.ChangeOutput output) {
    var updated = rune.client().post(ResourceType.STORAGE_CLASS.objectPath(null, name) + "/set-default", null);
    rune.printer().outcome(ResourceType.STORAGE_CLASS, updated, output.format, "is now the default");
  }
}
