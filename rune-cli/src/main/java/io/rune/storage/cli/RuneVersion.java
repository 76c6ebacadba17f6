package io.rune.storage.cli;

import picocli.CommandLine.IVersionProvider;

/** {@code rune --version}: the version of the build, as the model's jar records it. */
public final class RuneVersion implements IVersionProvider {

  public static String current() {
    return io.rune.storage.model.RuneVersion.current();
  }

  @Override
  public String[] getVersion() {
    return new String[] {"rune version " + current()};
  }
}
