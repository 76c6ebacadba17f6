package io.rune.storage.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code rune version}: the client's version. It needs no server. */
@Command(name = "version", description = "Print the version of rune.")
final class VersionCommand implements Runnable {
  @ParentCommand
  RuneCli rune;

  @Override
  public void run() {
    rune.out().println(new RuneVersion().getVersion()[0]);
    rune.out().flush();
  }
}
