package io.rune.storage.cli;

import io.rune.storage.model.VolumeStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code rune volume|vol}: Volumes. */
@Command(name = "volume", aliases = "vol",
    description = "List, show, describe, create, patch, delete, detach and restore Volumes; retry a stopped one.")
final class VolumeCommand {
  @ParentCommand
  RuneCli rune;

  private ResourceVerbs verbs() {
    return new ResourceVerbs(rune, ResourceType.VOLUME);
  }

  @Command(name = "list", aliases = "ls", description = "List Volumes.")
  void list(@Mixin CommonOptions.ListScope scope, @Mixin CommonOptions.Selection selection,
      @Mixin CommonOptions.Output output, @Mixin CommonOptions.Watch watch) {
    verbs().list(scope.namespaceOrAll(), selection, output.format, watch.watch);
  }

  @Command(name = "get", description = "Show one Volume.")
  void get(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.Output output, @Mixin CommonOptions.Watch watch) {
    verbs().get(namespace.name(), name, output.format, watch.watch);
  }

  @Command(name = "describe", description = "Show one Volume for a reader: spec, status, snapshot schedule,"
      + " its snapshots, what binds it and its last changes.")
  void describe(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace) {
    new Describer(rune, java.time.Instant.now()).volume(namespace.name(), name);
  }

  @Command(name = "create", description = "Create a Volume.")
  void create(@Parameters(paramLabel = "NAME") String name,
      @Option(names = "--size", required = true, paramLabel = "SIZE", description = "Its size, e.g. 10Gi or 512Mi.")
      String size,
      @Option(names = "--storage-class", paramLabel = "CLASS", description = "Its class (default: the default class).")
      String storageClass,
      @Option(names = "--access-mode", paramLabel = "MODE", description = "RWO, ROX, RWX or ReadWriteOnce,"
          + " ReadOnlyMany, ReadWriteMany (default: the server's, ReadWriteOnce).") String accessMode,
      @Option(names = "--label", paramLabel = "KEY=VALUE", description = "A label; repeat for more.")
      List<String> labels,
      @Mixin OwnershipOptions ownership,
      @Mixin CommonOptions.Namespace namespace, @Mixin CommonOptions.ChangeOutput output,
      @Mixin CommonOptions.DryRunOption dryRun, @Mixin CommonOptions.Wait wait) {
    ObjectNode body = VolumeInput.body(name, size, storageClass, accessMode, labels);
    ownership.addTo(body);
    var created = rune.client().post(ResourceType.VOLUME.collectionPath(namespace.name()), body);
    verbs().created(created, output.format, wait, "created");
  }

  @Command(name = "patch", description = "Change a Volume with a JSON merge patch (RFC 7386): the fields given"
      + " replace the volume's, null removes one.")
  void patch(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Patch patch,
      @Mixin CommonOptions.Namespace namespace, @Mixin CommonOptions.ChangeOutput output,
      @Mixin CommonOptions.DryRunOption dryRun) {
    verbs().patch(namespace.name(), name, patch.document(), output.format);
  }

  @Command(name = "delete", description = "Delete a Volume; its storage is reclaimed per its reclaimPolicy.")
  void delete(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.ChangeOutput output, @Mixin CommonOptions.DryRunOption dryRun,
      @Mixin CommonOptions.Wait wait) {
    verbs().delete(namespace.name(), name, Map.of(), output.format, wait);
  }

  @Command(name = "retry", aliases = "retry-provision", description = "Start a stopped Volume over, attempts"
      + " reset: a Failed or Stalled one is provisioned again, one whose deletion stopped is deleted again.")
  void retry(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.ChangeOutput output, @Mixin CommonOptions.DryRunOption dryRun,
      @Mixin CommonOptions.Wait wait) {
    verbs().retry(namespace.name(), name, output.format, wait);
  }

  @Command(name = "detach", description = "Take a Volume from the replica it is bound to; it becomes Released."
      + " A Bound volume needs --force.")
  void detach(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace,
      @Option(names = "--force", description = "Detach even though a replica is using it: the replica loses"
          + " its data under it, and the volume is not bound again until deleted.") boolean force,
      @Mixin CommonOptions.ChangeOutput output, @Mixin CommonOptions.DryRunOption dryRun) {
    JsonNode volume;
    try {
      volume = rune.client().post(ResourceType.VOLUME.objectPath(namespace.name(), name) + "/detach"
          + (force ? "?force=true" : ""), null);
    } catch (ServerError e) {
      if (!force && "VolumeInUse".equals(e.code())) {
        throw new CliException(e.getMessage(), "to take it from that replica anyway: rune volume detach " + name
            + " -n " + namespace.name() + " --force");
      }
      throw e;
    }
    VolumeStatus status = ServedStatus.volume(volume);
    boolean requested = status != null ? status.detachRequested() : rune.dryRun() == DryRun.client;
    rune.printer().outcome(ResourceType.VOLUME, volume, output.format, requested
        ? "detach requested: it becomes Released once its replica has let go, and is not bound again"
        : "is " + ServedStatus.phaseWord(ResourceType.VOLUME, volume) + ", not attached to any replica: nothing to detach");
  }

  @Command(name = "restore", description = "Make a new Volume NAME from a Snapshot's copy.")
  void restore(@Parameters(paramLabel = "NAME", description = "The new volume.") String name,
      @Option(names = "--from-snapshot", required = true, paramLabel = "SNAPSHOT") String snapshot,
      @Option(names = "--snapshot-namespace", paramLabel = "NAMESPACE",
          description = "The snapshot's namespace (default: the new volume's).") String snapshotNamespace,
      @Mixin RestoreOptions restore, @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.ChangeOutput output, @Mixin CommonOptions.DryRunOption dryRun,
      @Mixin CommonOptions.Wait wait) {
    restore.run(rune, namespace.name(), name, snapshot, snapshotNamespace, output.format, wait);
  }

  /** What a restore may set beside the snapshot, shared by {@code volume restore} and {@code snapshot restore}. */
  static final class RestoreOptions {
    @Mixin
    OwnershipOptions ownership;

    @Option(names = "--storage-class", paramLabel = "CLASS",
        description = "The new volume's class (default: the snapshot's); its driver must be the snapshot's.")
    String storageClass;

    @Option(names = "--size", paramLabel = "SIZE", description = "The new volume's size, at least the snapshot's"
        + " (default: the snapshot's).")
    String size;

    void run(RuneCli rune, String namespace, String name, String snapshot, String snapshotNamespace,
        OutputFormat format, CommonOptions.Wait wait) {
      ObjectNode body = CliJson.MAPPER.createObjectNode().put("fromSnapshot", snapshot);
      if (snapshotNamespace != null) {
        body.put("snapshotNamespace", snapshotNamespace);
      }
      if (storageClass != null) {
        body.put("storageClassName", storageClass);
      }
      if (size != null) {
        body.put("size", size);
      }
      ownership.addTo(body);
      var volume = rune.client().post(ResourceType.VOLUME.objectPath(namespace, name) + "/restore", body);
      new ResourceVerbs(rune, ResourceType.VOLUME).created(volume, format, wait,
          "restoring from snapshot/" + snapshot);
    }
  }
}
