package io.rune.storage.model;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version Maven stamped into this module's jar (every module of a build has the same);
 * "unknown" when run from unpackaged classes.
 */
public final class RuneVersion {
  private static final String POM_PROPERTIES = "/META-INF/maven/io.rune/rune-model/pom.properties";

  private RuneVersion() {}

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
}
