package io.rune.storage.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code rune completion bash|zsh}: the shell completion script, generated from the same
 * command model that parses the command line, so it always offers what rune accepts.
 */
@Command(name = "completion", description = {"Print the shell completion script for bash or zsh.",
    "bash: source <(rune completion bash)   (or save it in /etc/bash_completion.d/rune)",
    "zsh:  source <(rune completion zsh)    (in ~/.zshrc)"})
final class CompletionCommand implements Callable<Integer> {
  /** The shells the script is for; picocli's bash script runs in zsh through bashcompinit. */
  enum Shell { bash, zsh }

  @ParentCommand
  RuneCli rune;

  @Spec
  CommandSpec spec;

  @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
  Shell shell;

  @Override
  public Integer call() {
    String script = AutoComplete.bash("rune", spec.root().commandLine());
    if (shell == Shell.zsh) {
      script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
    }
    rune.out().print(script);
    rune.out().flush();
    return 0;
  }
}
