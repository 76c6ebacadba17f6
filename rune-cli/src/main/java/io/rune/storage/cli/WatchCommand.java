package io.rune.storage.cli;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code rune watch}: the watch stream as lines, one per change, until interrupted. It
 * starts at the server's newest change (or after {@code --since}) and resumes by itself
 * when the connection drops, so no change is shown twice or skipped.
 */
@Command(name = "watch", description = "Show changes as they happen, one line each, until interrupted.")
final class WatchCommand implements Callable<Integer> {
  @ParentCommand
  RuneCli rune;

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "KIND", arity = "0..*", description = "What to watch: volumes, snapshots, services,"
      + " storageclasses, secrets (or volume, vol, snap, svc, sc, secret); default: all of them.")
  List<String> kindWords = new ArrayList<>();

  @Option(names = "--since", paramLabel = "SEQ", description = "First replay every change after sequence SEQ"
      + " (0: all the server still keeps), then go on live.")
  Long since;

  @Mixin
  CommonOptions.ListScope scope;

  @Mixin
  CommonOptions.Output output;

  @Override
  public Integer call() {
    Set<ResourceType> types = types();
    String namespace = scope.namespaceOrAll();
    // Asking for the head first also checks the token and the namespace, with the server's own words.
    ResourceType probe = types.stream().filter(t -> namespace == null || t.namespaced()).findFirst()
        .orElse(types.iterator().next());
    long start = since != null ? since : rune.client().head(probe.collectionPath(namespace));
    String kinds = types.stream().map(ResourceType::plural).collect(Collectors.joining(","));
    new ChangeFollower(rune, output.format, namespace == null).follow(kinds, namespace, start, object -> true, true);
    return 0;
  }

  private Set<ResourceType> types() {
    Set<ResourceType> types = new LinkedHashSet<>();
    for (String word : kindWords) {
      types.add(ResourceType.ofWord(word).orElseThrow(() -> new ParameterException(spec.commandLine(),
          "unknown kind '" + word + "'; use volumes, snapshots, services, storageclasses or secrets")));
    }
    return types.isEmpty() ? new LinkedHashSet<>(List.of(ResourceType.values())) : types;
  }
}
