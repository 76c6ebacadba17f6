package io.rune.storage.model;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them in the runefile, documents and flags: {@code "500ms"}, {@code "7d"}. */
public final class Durations {

  /** The accepted forms, for error messages. */
  public static final String FORMS =
      "a whole number followed by ms, s, m, h or d, "
          + "e.g. \"500ms\", \"10s\", \"5m\", \"24h\", \"7d\"";

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Map<String, ChronoUnit> UNITS = Map.of(
      "ms", ChronoUnit.MILLIS,
      "s", ChronoUnit.SECONDS,
      "m", ChronoUnit.MINUTES,
      "h", ChronoUnit.HOURS,
      "d", ChronoUnit.DAYS);

  private Durations() {}

  /**
   * Parses one number and one unit; no fractions, signs, spaces or compound forms like
   * "1h30m", so that a value means exactly what it looks like. Zero is accepted here;
   * callers that need a positive duration check it themselves.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  public static Duration parse(String text) {
    Matcher m = DURATION.matcher(text == null ? "" : text);
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid duration \"" + text + "\": use " + FORMS);
    }
    try {
      return Duration.of(Long.parseLong(m.group(1)), UNITS.get(m.group(2)));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new IllegalArgumentException("duration \"" + text + "\" is too large", e);
    }
  }
}
