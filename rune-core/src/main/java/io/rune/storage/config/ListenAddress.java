package io.rune.storage.config;

import java.util.Optional;
import java.util.regex.Pattern;

/** A {@code HOST:PORT} the API listens on; the host is kept without IPv6 brackets. */
record ListenAddress(String host, int port) {

  static final ListenAddress DEFAULT = new ListenAddress("127.0.0.1", 7861);

  /** Hostnames and IPv4 addresses. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");
  /** IPv6 literals, with an optional zone such as %eth0. */
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(%[\\w.-]+)?");
  private static final Pattern PORT = Pattern.compile("\\d{1,5}");

  /** {@code 127.0.0.1:7861}, {@code localhost:0} or {@code [::1]:7861}; empty if malformed. */
  static Optional<ListenAddress> parse(String text) {
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf("]:");
      if (close < 0) {
        return Optional.empty();
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
      if (!IPV6.matcher(host).matches()) {
        return Optional.empty();
      }
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        return Optional.empty();
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
      // An unbracketed IPv6 address is ambiguous: is "::1:7861" a port or part of the address?
      if (!NAME.matcher(host).matches()) {
        return Optional.empty();
      }
    }
    if (!PORT.matcher(port).matches() || Integer.parseInt(port) > 65535) {
      return Optional.empty();
    }
    return Optional.of(new ListenAddress(host, Integer.parseInt(port)));
  }
}
