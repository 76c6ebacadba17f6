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
        "The server is the first of: --server, RUNE_SERVER, server in ~/.rune/config,",
        "  " + ConnectionSettings.DEFAULT_SERVER + ".",
        "The token is the first of: --token, RUNE_TOKEN, token in ~/.rune/config,",
        "  ~/.rune/admin.token (written by runed --dev-mode).",
        "~/.rune/config is TOML: server = \"http://host:7861\" and token = \"...\"."},
    subcommands = {
        VersionCommand.class,
        StorageClassCommand.class,
        VolumeCommand.class,
        SnapshotCommand.class,
        CastCommand.class,
        ServiceCommand.class,
        SecretCommand.class,
        WatchCommand.class,
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

  private RuneClient client;

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
      client = new RuneClient(ConnectionSettings.resolve(server, token, System.getenv(),
          Path.of(System.getProperty("user.home"))));
    }
    return client;
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }

  ResourcePrinter printer() {
    return new ResourcePrinter(out(), err(), Instant.now());
  }

  /**
   * Follows {@code targets} until done when {@code --wait} was given. Progress goes to stdout
   * with the default output, and to stderr when stdout carries JSON, YAML or names.
   */
  void awaitIfAsked(CommonOptions.Wait wait, OutputFormat format, java.util.List<WaitTarget> targets) {
    if (wait.wait && !targets.isEmpty()) {
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
