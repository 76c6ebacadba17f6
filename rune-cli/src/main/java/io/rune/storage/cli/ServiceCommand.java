package io.rune.storage.cli;

import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code rune service|svc}: Services and the volumes their replicas mount (create them with rune cast). */
@Command(name = "service", aliases = "svc", description = "List, show, describe, patch and delete Services (create them with rune cast).")
final class ServiceCommand {
  @ParentCommand
  RuneCli rune;

  private ResourceVerbs verbs() {
    return new ResourceVerbs(rune, ResourceType.SERVICE);
  }

  @Command(name = "list", aliases = "ls", description = "List Services.")
  void list(@Mixin CommonOptions.ListScope scope, @Mixin CommonOptions.Selection selection,
      @Mixin CommonOptions.Output output, @Mixin CommonOptions.Watch watch) {
    verbs().list(scope.namespaceOrAll(), selection, output.format, watch.watch);
  }

  @Command(name = "get", description = "Show one Service.")
  void get(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.Output output, @Mixin CommonOptions.Watch watch) {
    verbs().get(namespace.name(), name, output.format, watch.watch);
  }

  @Command(name = "describe", description = "Show one Service for a reader: spec, status, its replicas and their"
      + " volumes, and its last changes.")
  void describe(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace) {
    new Describer(rune, java.time.Instant.now()).service(namespace.name(), name);
  }

  @Command(name = "patch", description = "Change a Service with a JSON merge patch (RFC 7386): the fields"
      + " given replace its own, null removes one.")
  void patch(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Patch patch,
      @Mixin CommonOptions.Namespace namespace,
      @Mixin CommonOptions.ChangeOutput output, @Mixin CommonOptions.DryRunOption dryRun) {
    verbs().patch(namespace.name(), name, patch.document(), output.format);
  }

  @Command(name = "delete", description = "Delete a Service. Its volumes are kept (Released) unless --cascade.")
  void delete(@Parameters(paramLabel = "NAME") String name, @Mixin CommonOptions.Namespace namespace,
      @Option(names = "--cascade", description = "Also delete the volumes made from its claimTemplates, each"
          + " through its reclaimPolicy (admin).") boolean cascade,
      @Mixin CommonOptions.ChangeOutput output, @Mixin CommonOptions.DryRunOption dryRun,
      @Mixin CommonOptions.Wait wait) {
    verbs().delete(namespace.name(), name, cascade ? Map.of("cascade", "true") : Map.of(), output.format, wait);
  }
}
