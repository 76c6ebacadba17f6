package io.rune.storage.config;

import io.rune.storage.model.Durations;
import io.vertx.core.json.JsonArray;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One raw value that won the layering, and where it came from, so that every conversion
 * error names the runefile key, environment variable or flag the operator has to fix.
 * Runefile values have passed {@link RunefileSchema}; environment and flag values are strings.
 */
record Setting(Object value, String source) {

  /** Names are DNS-1123 labels, as in API.md. */
  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  static Setting ofRunefile(String key, Object value) {
    return new Setting(value, "runefile: '" + key + "'");
  }

  static Setting ofEnv(String variable, String value) {
    return new Setting(value, "environment variable " + variable);
  }

  static Setting ofFlag(String flag, String value) {
    return new Setting(value, "flag " + flag);
  }

  static boolean isDnsLabel(String name) {
    return DNS_LABEL.matcher(name).matches();
  }

  /** {@code ~} and {@code ~/x} stand for the user's home directory; nothing else is expanded. */
  static String expandHome(String path) {
    if (path.equals("~") || path.startsWith("~/")) {
      return System.getProperty("user.home") + path.substring(1);
    }
    return path;
  }

  String string() {
    return (String) value;
  }

  boolean bool() {
    return (Boolean) value;
  }

  int integer(int min, int max) {
    Number n = (Number) value;
    // A TOML integer too large for a long arrives as a BigInteger; it is out of range anyway.
    if (n instanceof BigInteger || n.longValue() < min || n.longValue() > max) {
      throw invalid("an integer from " + min + " to " + max);
    }
    return n.intValue();
  }

  Duration positiveDuration() {
    Duration d;
    try {
      d = Durations.parse(string());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(source + ": " + e.getMessage(), e);
    }
    if (d.isZero()) {
      throw invalid("a positive duration");
    }
    return d;
  }

  Path absolutePath() {
    return absolutePath(string(), "an absolute path (\"~/\" may start it)");
  }

  /** A runefile array, or an environment list split at ',' or ':'; blanks and repeats dropped. */
  List<Path> absolutePaths() {
    Stream<String> entries = value instanceof JsonArray array
        ? array.stream().map(String.class::cast)
        : Arrays.stream(string().split("[,:]")).map(String::trim).filter(s -> !s.isEmpty());
    Set<Path> paths = new LinkedHashSet<>();
    String expected = "a list of absolute paths (\"~/\" may start them)";
    entries.forEach(p -> paths.add(absolutePath(p, expected)));
    return List.copyOf(paths);
  }

  ListenAddress listenAddress() {
    return ListenAddress.parse(string())
        .orElseThrow(() -> invalid("HOST:PORT with a port from 0 to 65535 (IPv6 as [::1]:7861)"));
  }

  String dnsLabel() {
    if (!isDnsLabel(string())) {
      throw invalid("a DNS-1123 label: lowercase letters, digits and '-', starting and ending"
          + " with a letter or digit, at most 63 characters");
    }
    return string();
  }

  /** {@code ""} means no default class. */
  String storageClassName() {
    return string().isEmpty() ? "" : dnsLabel();
  }

  /** {@code ""} means the embedded server, returned as null as {@link RuneConfig.Store} wants. */
  String storeUrl() {
    String url = string();
    if (url.isEmpty()) {
      return null;
    }
    PostgresUrl.problem(url).ifPresent(problem -> {
      throw new ConfigException(source + " " + problem + ", got \"" + PostgresUrl.mask(url)
          + "\" (leave it empty for the embedded server)");
    });
    return url;
  }

  private Path absolutePath(String text, String expected) {
    try {
      Path path = Path.of(expandHome(text));
      if (path.isAbsolute()) {
        return path.normalize();
      }
    } catch (InvalidPathException e) {
      // Falls through to the same message as a relative path.
    }
    throw invalid(expected, text);
  }

  private ConfigException invalid(String expected) {
    return invalid(expected, value);
  }

  private ConfigException invalid(String expected, Object shown) {
    String got = shown instanceof String s ? "\"" + s + "\"" : String.valueOf(shown);
    return new ConfigException(source + " must be " + expected + ", got " + PostgresUrl.mask(got));
  }
}
