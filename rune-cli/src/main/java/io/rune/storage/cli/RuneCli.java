package io.rune.storage.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code rune}: the command-line client of Rune Storage. Exit status 0 on success, 1 when
 * the server refused or could not be reached, 2 for a command line it does not understand.
 */
@Command(name = "rune",
    versionProvider = RuneVersion.class,
    description = "The command-line client of Rune Storage.",
    footer = {
        "",
        "The server is the first of: --server, RUNE_SERVER, the context's server,",
        "  " + ConnectionSettings.DEFAULT_SERVER + ".",
        "The token is the first of: --token, RUNE_TOKEN, the context's token-file,",
        "  ~/.rune/admin.token (written by runed --dev-mode).",
        "The namespace is the first of: -n, the context's namespace, default.",
        "The context is --context's, else the current one of ~/.rune/config (see rune config)."},
    subcommands = {
        VersionCommand.class,
        StorageClassCommand.class,
        VolumeCommand.class,
        SnapshotCommand.class,
        CastCommand.class,
        ServiceCommand.class,
        SecretCommand.class,
        WatchCommand.class,
        ConfigCommand.class,
        TokenCommand.class,
        NodeCommand.class,
        CompletionCommand.class,
    })
public final class RuneCli {
  static final int SERVER_ERROR = 1;

  @Spec
  CommandSpec spec;

  @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT,
      description = "Show this help and exit.")
  boolean help;

  @Option(names = {"-V", "--version"}, versionHelp = true, description = "Print the version and exit.")
  boolean version;

  @Option(names = "--server", paramLabel = "URL", scope = ScopeType.INHERIT,
      description = "The Rune server, e.g. " + ConnectionSettings.DEFAULT_SERVER + " (see rune --help).")
  String server;

  @Option(names = "--token", paramLabel = "TOKEN", scope = ScopeType.INHERIT,
      description = "The bearer token (see rune --help).")
  String token;

  @Option(names = "--context", paramLabel = "NAME", scope = ScopeType.INHERIT,
      description = "The context of ~/.rune/config to use (default: its current context).")
  String context;

  private RuneClient client;
  private JsonPathTemplate jsonPath;
  private DryRun dryRun = DryRun.none;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with rune's error handling: what main runs. */
  public static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new RuneCli());
    commandLine.setExecutionExceptionHandler(RuneCli::executionFailed);
    commandLine.setParameterExceptionHandler(RuneCli::usageError);
    return commandLine;
  }

  /** The client of the server the settings name, resolved on first use: some commands need none. */
  RuneClient client() {
    if (client == null) {
      client = new RuneClient(ConnectionSettings.resolve(server, token, context, System.getenv(), home()), dryRun);
    }
    return client;
  }

  static Path home() {
    return Path.of(System.getProperty("user.home"));
  }

  /** The namespace a namespaced command acts in: {@code -n}'s, else the context's, else "default". */
  String namespace(String flag) {
    if (flag != null) {
      return flag;
    }
    String fromContext = ConnectionSettings.contextNamespace(context, home());
    return fromContext != null ? fromContext : CommonOptions.DEFAULT_NAMESPACE;
  }

  /** Set by {@code --dry-run}, before the client is made. */
  void dryRun(DryRun mode) {
    this.dryRun = mode;
  }

  DryRun dryRun() {
    return dryRun;
  }

  /** Set when {@code -o jsonpath=...} was given: the printer applies it. */
  void jsonPath(JsonPathTemplate template) {
    this.jsonPath = template;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  ResourcePrinter printer() {
    return new ResourcePrinter(out(), err(), Instant.now(), jsonPath, dryRun);
  }

  /**
   * Follows {@code targets} until done when {@code --wait} was given. Progress goes to stdout
   * with the default output, and to stderr when stdout carries JSON, YAML or names.
   */
  void awaitIfAsked(CommonOptions.Wait wait, OutputFormat format, java.util.List<WaitTarget> targets) {
    if (wait.active() && !targets.isEmpty()) {
      new Waiter(client(), WaitDisplay.on(format.tabular() ? out() : err())).await(targets, wait.timeout);
    }
  }

  private static int executionFailed(Exception error, CommandLine commandLine, ParseResult parsed) {
    PrintWriter err = commandLine.getErr();
    if (error instanceof CliException cli) {
      err.println("error: " + cli.getMessage());
      if (cli.hint() != null) {
        err.println(cli.hint());
      }
    } else {
      err.println("error: " + error);
      if (System.getenv("RUNE_DEBUG") != null) {
        error.printStackTrace(err);
      }
    }
    err.flush();
    return SERVER_ERROR;
  }

  /** Usage errors: the problem, the usage line of the command at fault, and where to read more. */
  private static int usageError(ParameterException error, String[] args) {
    CommandLine commandLine = error.getCommandLine();
    PrintWriter err = commandLine.getErr();
    err.println("error: " + error.getMessage());
    boolean groupAlone = !commandLine.getSubcommands().isEmpty()
        && String.valueOf(error.getMessage()).startsWith("Missing required subcommand");
    if (groupAlone) {
      // A command group without its command: the list of its commands helps more than a synopsis.
      err.print(commandLine.getUsageMessage());
    } else {
      UnmatchedArgumentException.printSuggestions(error, err);
      err.print(commandLine.getHelp().fullSynopsis());
      err.println("Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
    }
    err.flush();
    return commandLine.getCommandSpec().exitCodeOnInvalidInput();
  }
}
