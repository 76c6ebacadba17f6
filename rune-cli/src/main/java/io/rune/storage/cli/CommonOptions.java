package io.rune.storage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The flags several commands share, as picocli mixins, so each means the same everywhere. */
final class CommonOptions {
  static final String DEFAULT_NAMESPACE = "default";

  private CommonOptions() {}

  /** The rune command a mixin belongs to: it knows the context. */
  private static RuneCli rune(CommandSpec mixee) {
    return (RuneCli) mixee.root().userObject();
  }

  /** {@code -n/--namespace}. */
  static final class Namespace {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
        description = "The namespace (default: the context's, else " + DEFAULT_NAMESPACE + ").")
    String namespace;

    /** {@code -n}'s namespace, else the context's, else "default". */
    String name() {
      return rune(mixee).namespace(namespace);
    }
  }

  /** {@code -n/--namespace} and {@code -A/--all-namespaces}, for lists of namespaced kinds. */
  static final class ListScope {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
        description = "The namespace to list (default: the context's, else " + DEFAULT_NAMESPACE + ").")
    String namespace;

    @Option(names = {"-A", "--all-namespaces"}, description = "List every namespace the token may see.")
    boolean allNamespaces;

    /** The namespace to list, or null for all of them. */
    String namespaceOrAll() {
      return allNamespaces ? null : rune(mixee).namespace(namespace);
    }
  }

  /** {@code -w/--watch} on list and get. */
  static final class Watch {
    @Option(names = {"-w", "--watch"}, description = "After the answer, print a line per change as it happens,"
        + " until Ctrl-C.")
    boolean watch;
  }

  /** {@code -o/--output}. */
  static final class Output {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    OutputFormat format = OutputFormat.table;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
        completionCandidates = OutputFormat.Candidates.class,
        description = OutputFormat.CHOICES + " (default: table), e.g. -o jsonpath='{.items[*].name}'.")
    void output(String value) {
      format = parse(mixee, value);
    }
  }

  /** {@code -o/--output} of commands that change something: by default they say what happened. */
  static final class ChangeOutput {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    OutputFormat format = OutputFormat.table;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
        completionCandidates = OutputFormat.Candidates.class,
        description = "json, yaml, name or jsonpath=TEMPLATE to print the object the server returned"
            + " (default: a line saying what happened).")
    void output(String value) {
      format = parse(mixee, value);
    }
  }

  /** An -o value; a jsonpath template is compiled now, so a bad one is a usage error naming it. */
  private static OutputFormat parse(CommandSpec mixee, String value) {
    if (value.startsWith("jsonpath=")) {
      try {
        rune(mixee).jsonPath(JsonPathTemplate.parse(value.substring("jsonpath=".length())));
      } catch (IllegalArgumentException bad) {
        throw new ParameterException(mixee.commandLine(), bad.getMessage());
      }
      return OutputFormat.jsonpath;
    }
    try {
      OutputFormat format = OutputFormat.valueOf(value);
      if (format != OutputFormat.jsonpath) {
        return format;
      }
    } catch (IllegalArgumentException unknown) {
      // said below
    }
    throw new ParameterException(mixee.commandLine(), "unknown output format '" + value + "'; use "
        + OutputFormat.CHOICES);
  }

  /** {@code --dry-run}, on every command that writes. */
  static final class DryRunOption {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--dry-run", paramLabel = "MODE", description = "server: the server checks the write as if"
        + " made and answers the would-be object, storing nothing; client: send nothing, print what would be sent;"
        + " none: write (default).")
    void dryRun(String value) {
      try {
        rune(mixee).dryRun(DryRun.of(value));
      } catch (IllegalArgumentException bad) {
        throw new ParameterException(mixee.commandLine(), bad.getMessage());
      }
    }
  }

  /** {@code -p/--patch}: a JSON merge patch (RFC 7386), checked to be a JSON object before it is sent. */
  static final class Patch {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-p", "--patch"}, required = true, paramLabel = "JSON",
        description = "The merge patch, a JSON object, e.g. -p '{\"labels\":{\"tier\":\"db\"}}'; null removes a field.")
    String patch;

    ObjectNode document() {
      JsonNode parsed;
      try {
        parsed = CliJson.MAPPER.readTree(patch);
      } catch (IOException e) {
        throw new ParameterException(mixee.commandLine(), "--patch is not valid JSON: "
            + e.getMessage().lines().findFirst().orElse(""));
      }
      if (parsed == null || !parsed.isObject()) {
        throw new ParameterException(mixee.commandLine(), "--patch must be a JSON object, like '{\"labels\":{\"a\":\"b\"}}'");
      }
      return (ObjectNode) parsed;
    }
  }

  /** {@code --wait} and {@code --timeout}: follow a change on the watch stream until it is done. */
  static final class Wait {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--wait", description = "Follow the change until it is done (ready, or gone for a delete),"
        + " showing its progress; exit 1 if it fails.")
    boolean wait;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "10m", converter = DurationOption.class,
        description = "How long --wait waits: 90s, 5m, 1h (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    /** Whether to follow the change: asked for, and a change was made (not a dry run). */
    boolean active() {
      return wait && rune(mixee).dryRun() == DryRun.none;
    }
  }

  /** Which objects a list returns and how it is fetched. */
  static final class Selection {
    @Option(names = {"-l", "--selector"}, paramLabel = "SELECTOR",
        description = "Only objects whose labels match, e.g. -l app=web,tier!=cache or -l 'env in (prod,qa)'.")
    String labelSelector;

    @Option(names = "--field-selector", paramLabel = "SELECTOR",
        description = "Only objects whose fields match, e.g. --field-selector status.phase=Failed"
            + " (=, ==, !=; the server names the fields it knows).")
    String fieldSelector;

    @Option(names = "--chunk-size", paramLabel = "N",
        description = "Fetch the list N objects per request (default: the server's page size).")
    Integer chunkSize;

    /** The selectors as the list's query parameters. */
    Map<String, String> query() {
      Map<String, String> query = new LinkedHashMap<>();
      query.put("labelSelector", labelSelector);
      query.put("fieldSelector", fieldSelector);
      return query;
    }
  }
}
