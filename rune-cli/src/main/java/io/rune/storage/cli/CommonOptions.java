package io.rune.storage.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/** The flags several commands share, as picocli mixins, so each means the same everywhere. */
final class CommonOptions {
  static final String DEFAULT_NAMESPACE = "default";

  private CommonOptions() {}

  /** {@code -n/--namespace}. */
  static final class Namespace {
    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE", defaultValue = DEFAULT_NAMESPACE,
        description = "The namespace (default: ${DEFAULT-VALUE}).")
    String namespace;
  }

  /** {@code -n/--namespace} and {@code -A/--all-namespaces}, for lists of namespaced kinds. */
  static final class ListScope {
    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE", defaultValue = DEFAULT_NAMESPACE,
        description = "The namespace to list (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = {"-A", "--all-namespaces"}, description = "List every namespace the token may see.")
    boolean allNamespaces;

    /** The namespace to list, or null for all of them. */
    String namespaceOrAll() {
      return allNamespaces ? null : namespace;
    }
  }

  /** Which objects a list returns and how it is fetched. */
  static final class Selection {
    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR",
        description = "Only objects whose labels match, e.g. -l app=web,tier!=cache.")
    String labelSelector;

    @Option(names = "--chunk-size", paramLabel = "N",
        description = "Fetch the list N objects per request (default: the server's page size).")
    Integer chunkSize;
  }

  /** {@code -o/--output}. */
  static final class Output {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
        description = "table, wide, json, yaml or name (default: ${DEFAULT-VALUE}).")
    OutputFormat format;
  }

  /** {@code -o/--output} of commands that change something: by default they say what happened. */
  static final class ChangeOutput {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
        description = "json, yaml or name to print the object the server returned"
            + " (default: a line saying what happened).")
    OutputFormat format;
  }

  /** {@code --wait} and {@code --timeout}: follow a change on the watch stream until it is done. */
  static final class Wait {
    @Option(names = "--wait", description = "Follow the change until it is done (ready, or gone for a delete),"
        + " showing its progress; exit 1 if it fails.")
    boolean wait;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationOption.class,
        description = "How long --wait waits: 90s, 5m, 1h (default: ${DEFAULT-VALUE}).")
    Duration timeout;
  }
}
