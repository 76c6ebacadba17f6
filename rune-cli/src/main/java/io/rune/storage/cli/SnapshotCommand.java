package io.rune.storage.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code rune snapshot|snap}: Snapshots of Volumes. */
@Command(name = "snapshot", aliases = "snap", description = "List, show, describe, create, restore, retry and delete Snapshots.")
final class SnapshotCommand {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
  /** Room left in a 63-character name for "-yyyyMMdd-HHmmss". */
  private static final int VOLUME_PREFIX_MAX = 63 - 16;

  @ParentCommand
  RuneCli rune;

  private ResourceVerbs verbs() {
    return new ResourceVerbs(rune, ResourceType.SNAPSHOT);
  }

  @Command(name = "list", aliases = "ls", description = "List Snapshots.")
  void list(@Mixin CommonOptions.ListScope scope, @Mixin CommonOptions.Selection selection,
      @Mixin CommonOptions.Output output, @Mixin CommonOptions.Watch watch) {
    verbs().list(scope.namespaceOrAll(), selection, output.format, watch.watch);
  }

  @Command(name = "get", description = "Show one Snapshot.")
  void get(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.Output output, @Mixin CommonOptions.Watch watch) {
    verbs().get(namespace.name(), name, output.format, watch.watch);
  }

  @Command(name = "describe", description = "Show one Snapshot for a reader: its volume, status, the volumes"
      + " restored from it and its last changes.")
  void describe(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace) {
    new Describer(rune, Instant.now()).snapshot(namespace.name(), name);
  }

  @Command(name = "delete", description = "Delete a Snapshot.")
  void delete(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.ChangeOutput output, @Mixin CommonOptions.DryRunOption dryRun,
      @Mixin CommonOptions.Wait wait) {
    verbs().delete(namespace.name(), name, Map.of(), output.format, wait);
  }

  @Command(name = "retry", description = "Start a stopped Snapshot over, attempts reset: a Failed one is taken"
      + " again, one whose deletion stopped is deleted again.")
  void retry(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.ChangeOutput output, @Mixin CommonOptions.DryRunOption dryRun,
      @Mixin CommonOptions.Wait wait) {
    verbs().retry(namespace.name(), name, output.format, wait);
  }

  @Command(name = "create", description = "Snapshot a Volume of the same namespace.")
  void create(@Parameters(paramLabel = "VOLUME") String volume,
      @Option(names = "--name", paramLabel = "NAME",
          description = "The snapshot's name (default: <VOLUME>-<yyyyMMdd-HHmmss>, UTC).") String name,
      @Mixin CommonOptions.Namespace namespace, @Mixin CommonOptions.ChangeOutput output,
      @Mixin CommonOptions.DryRunOption dryRun, @Mixin CommonOptions.Wait wait) {
    ObjectNode body = CliJson.MAPPER.createObjectNode().put("name", name != null ? name : defaultName(volume, Instant.now()));
    body.putObject("source").put("volume", volume);
    var created = rune.client().post(ResourceType.SNAPSHOT.collectionPath(namespace.name()), body);
    verbs().created(created, output.format, wait, "created");
  }

  @Command(name = "restore", description = "Restore a Snapshot into a new Volume, in this namespace or another.")
  void restore(@Parameters(paramLabel = "SNAPSHOT") String snapshot,
      @Option(names = "--as", required = true, paramLabel = "NAME", description = "The new volume's name.") String as,
      @Option(names = "--to-namespace", paramLabel = "NAMESPACE",
          description = "The new volume's namespace (default: the snapshot's).") String toNamespace,
      @Mixin VolumeCommand.RestoreOptions restore, @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.ChangeOutput output, @Mixin CommonOptions.DryRunOption dryRun,
      @Mixin CommonOptions.Wait wait) {
    String target = toNamespace != null ? toNamespace : namespace.name();
    restore.run(rune, target, as, snapshot, namespace.name(), output.format, wait);
  }

  static String defaultName(String volume, Instant now) {
    String prefix = volume.length() > VOLUME_PREFIX_MAX ? volume.substring(0, VOLUME_PREFIX_MAX) : volume;
    while (prefix.endsWith("-")) {
      prefix = prefix.substring(0, prefix.length() - 1);
    }
    return prefix + "-" + STAMP.format(now);
  }
}
