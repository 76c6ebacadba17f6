package io.rune.storage.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The AGE column as kubectl writes it: one unit, the largest that fits (45s, 3m, 2h, 4d, 1y). */
final class Age {
  private Age() {}

  static String since(String timestamp, Instant now) {
    if (timestamp == null || timestamp.isEmpty()) {
      return "<unknown>";
    }
    try {
      return of(Duration.between(Instant.parse(timestamp), now));
    } catch (DateTimeParseException e) {
      return "<unknown>";
    }
  }

  static String of(Duration age) {
    long seconds = age.getSeconds();
    if (seconds < 0) {
      // The server's clock is a little ahead of ours.
      return "0s";
    }
    if (seconds < 60) {
      return seconds + "s";
    }
    long minutes = seconds / 60;
    if (minutes < 60) {
      return minutes + "m";
    }
    long hours = minutes / 60;
    if (hours < 24) {
      return hours + "h";
    }
    long days = hours / 24;
    if (days < 365) {
      return days + "d";
    }
    return days / 365 + "y";
  }
}
