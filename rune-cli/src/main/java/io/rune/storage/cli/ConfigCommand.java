package io.rune.storage.cli;

import io.rune.storage.model.Names;
import io.rune.storage.model.ValidationException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code rune config}: the contexts of ~/.rune/config, as {@code kubectl config} handles a
 * kubeconfig. Reading never changes the file; a command that changes it writes it whole, in
 * the contexts form, readable by its owner only.
 */
@Command(name = "config", description = "Show and change the contexts of ~/.rune/config: a server, a token file"
    + " and a default namespace each.")
final class ConfigCommand {
  private static final String REDACTED = "REDACTED";

  @ParentCommand
  RuneCli rune;

  @Command(name = "get-contexts", description = "List the contexts; * marks the current one.")
  void getContexts() {
    ClientConfigFile config = read();
    if (config.contexts().isEmpty()) {
      rune.err().println("No contexts in " + path() + "; rune config set-context NAME --server URL makes one.");
      rune.err().flush();
      return;
    }
    Table table = new Table(List.of("CURRENT", "NAME", "SERVER", "NAMESPACE", "TOKEN"));
    config.contexts().forEach((name, context) -> table.add(List.of(
        name.equals(config.currentContext()) ? "*" : "", name, orNone(context.server()), orNone(context.namespace()),
        context.tokenFile() != null ? context.tokenFile() : context.token() != null ? "(in the file)" : "<none>")));
    table.print(rune.out());
  }

  @Command(name = "current-context", description = "Print the name of the current context.")
  void currentContext() {
    ClientConfigFile config = read();
    if (config.currentContext() == null) {
      throw new CliException("no current context is set in " + path(),
          "rune config use-context NAME chooses one; rune config set-context NAME --server URL makes one");
    }
    rune.out().println(config.currentContext());
    rune.out().flush();
  }

  @Command(name = "use-context", description = "Make NAME the current context.")
  void useContext(@Parameters(paramLabel = "NAME") String name) {
    ClientConfigFile config = read();
    if (config.context(name) == null) {
      throw new CliException("there is no context '" + name + "' in " + path() + " (it has: "
          + (config.contexts().isEmpty() ? "none" : String.join(", ", config.contexts().keySet())) + ")",
          "rune config set-context " + name + " --server URL makes it");
    }
    write(config.withCurrentContext(name));
    say("Switched to context \"" + name + "\".");
  }

  @Command(name = "set-context", description = "Create or change a context: NAME, or the current one when NAME is"
      + " left out or --current is given (with no current context, one named " + ClientConfigFile.LEGACY_CONTEXT
      + " is made and becomes current). The first context made becomes current. --server URL sets its server.")
  void setContext(@Parameters(paramLabel = "NAME", arity = "0..1") String name,
      @Option(names = "--current", description = "Change the current context.") boolean current,
      @Option(names = "--token-file", paramLabel = "PATH", description = "A file holding its token (kept as an"
          + " absolute path; the token itself is never written to the config).") String tokenFile,
      @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
          description = "Its default namespace, for every namespaced command without -n.") String namespace) {
    ClientConfigFile config = read();
    String server = rune.server; // rune's own --server: here, the context's server
    if (name != null && current) {
      throw new CliException("give NAME or --current, not both");
    }
    String target = name != null ? name : config.currentContext() != null ? config.currentContext()
        : ClientConfigFile.LEGACY_CONTEXT;
    ClientConfigFile.Context before = config.context(target);
    ClientConfigFile.Context context = before != null ? before : ClientConfigFile.Context.EMPTY;
    if (server != null) {
      context = context.withServer(ConnectionSettings.parseServer(server, "--server").toString());
    }
    if (tokenFile != null) {
      Path file = Path.of(tokenFile).toAbsolutePath().normalize();
      if (!Files.isReadable(file)) {
        throw new CliException("the token file " + file + " does not exist or cannot be read",
            "write the token to it first, e.g. rune token create --role readwrite > " + file);
      }
      context = context.withTokenFile(file.toString());
    }
    if (namespace != null) {
      try {
        Names.checkName("--namespace", namespace);
      } catch (ValidationException invalid) {
        throw new CliException(invalid.getMessage());
      }
      context = context.withNamespace(namespace);
    }
    ClientConfigFile changed = config.withContext(target, context);
    if (config.currentContext() == null) {
      changed = changed.withCurrentContext(target);
    }
    write(changed);
    say("Context \"" + target + "\" " + (before == null ? "created" : "modified") + "."
        + (config.currentContext() == null ? " It is the current context." : ""));
  }

  @Command(name = "view", description = "Print the configuration as rune reads it (tokens written in the file are"
      + " shown as " + REDACTED + ").")
  void view() {
    ClientConfigFile config = read();
    PrintWriter out = rune.out();
    if (config.migrated()) {
      out.println("# " + path() + " has the old form (top-level server and token): read as the context '"
          + ClientConfigFile.LEGACY_CONTEXT + "'; rune config set-context rewrites it in this form.");
    }
    out.print(config.toml(REDACTED));
    out.flush();
  }

  private static Path path() {
    return ClientConfigFile.defaultPath(RuneCli.home());
  }

  private static ClientConfigFile read() {
    return ClientConfigFile.read(path());
  }

  private void write(ClientConfigFile config) {
    config.write(path());
    if (config.migrated()) {
      rune.err().println("note: " + path() + " was rewritten in the contexts form; its server and token are now the"
          + " context '" + ClientConfigFile.LEGACY_CONTEXT + "'.");
      rune.err().flush();
    }
  }

  private void say(String line) {
    rune.out().println(line);
    rune.out().flush();
  }

  private static String orNone(String value) {
    return value == null ? "<none>" : value;
  }
}
