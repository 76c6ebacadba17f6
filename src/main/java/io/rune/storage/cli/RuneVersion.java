package io.rune.storage.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version Maven stamped into the jar; "unknown" when run from unpackaged classes. */
public final class RuneVersion implements IVersionProvider {
  private static final String POM_PROPERTIES = "/META-INF/maven/io.rune/rune-storage/pom.properties";

  public static String current() {
    try (InputStream in = RuneVersion.class.getResourceAsStream(POM_PROPERTIES)) {
      if (in == null) {
        return "unknown";
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"rune version " + current()};
  }
}
