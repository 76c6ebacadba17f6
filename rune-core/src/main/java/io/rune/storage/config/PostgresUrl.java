package io.rune.storage.config;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Checks {@code [store] url} and hides its password wherever a URL is shown. */
public final class PostgresUrl {

  private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&\\s\"]*");
  private static final Pattern PORT = Pattern.compile("\\d{1,5}");

  private PostgresUrl() {}

  /**
   * The text with any URL password replaced by {@code ****}, both {@code user:pass@} and a
   * {@code password=} parameter. It masks from the first ':' of the user part up to the last
   * '@', so a password holding ':', '/' or '@' is hidden whole; masking too much is fine.
   */
  public static String mask(String text) {
    String masked = PASSWORD_PARAM.matcher(text).replaceAll("$1****");
    int scheme = masked.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int at = masked.lastIndexOf('@');
    int colon = masked.indexOf(':', start);
    if (at < start || colon < 0 || colon > at) {
      return masked;
    }
    return masked.substring(0, colon + 1) + "****" + masked.substring(at);
  }

  /** What is wrong with the URL, in words that complete "the store URL ...", if anything. */
  static Optional<String> problem(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    String rest;
    if (lower.startsWith("postgresql://")) {
      rest = url.substring("postgresql://".length());
    } else if (lower.startsWith("postgres://")) {
      rest = url.substring("postgres://".length());
    } else {
      return Optional.of("must start with postgresql:// or postgres://");
    }
    // The host follows the user part's last '@'; a '@' after '?' belongs to a parameter.
    int query = rest.indexOf('?');
    int at = (query < 0 ? rest : rest.substring(0, query)).lastIndexOf('@');
    String hostPort = rest.substring(at + 1).split("[/?#]", 2)[0];
    String host = hostPort;
    String port = null;
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      if (close < 0) {
        return Optional.of("has an IPv6 host without its closing ']'");
      }
      host = hostPort.substring(1, close);
      String after = hostPort.substring(close + 1);
      port = after.isEmpty() ? null : after.replaceFirst("^:", "");
    } else if (hostPort.contains(":")) {
      host = hostPort.substring(0, hostPort.indexOf(':'));
      port = hostPort.substring(hostPort.indexOf(':') + 1);
    }
    if (host.isBlank()) {
      return Optional.of("has no host (postgresql://user:pass@HOST:5432/db)");
    }
    if (port != null && !validPort(port)) {
      return Optional.of("has a port that is not a number from 1 to 65535");
    }
    return Optional.empty();
  }

  private static boolean validPort(String port) {
    return PORT.matcher(port).matches() && Integer.parseInt(port) >= 1
        && Integer.parseInt(port) <= 65535;
  }
}
