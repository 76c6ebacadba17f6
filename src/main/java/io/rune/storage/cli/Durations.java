package io.rune.storage.cli;

import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations on the command line as people write them: 90s, 5m, 1h, 1h30m. */
final class Durations implements ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String text = value.trim().toLowerCase(java.util.Locale.ROOT);
    if (!text.matches("(\\d+h)?(\\d+m)?(\\d+s)?") || text.isEmpty()) {
      throw new TypeConversionException("'" + value + "' is not a duration like 90s, 5m or 1h30m");
    }
    return Duration.parse("PT" + text.toUpperCase(java.util.Locale.ROOT));
  }

  /** The shortest of those forms: 10m, 1h30m, 45s. */
  static String format(Duration duration) {
    long seconds = duration.toSeconds();
    StringBuilder text = new StringBuilder();
    if (seconds >= 3600) {
      text.append(seconds / 3600).append('h');
    }
    if (seconds % 3600 >= 60) {
      text.append(seconds % 3600 / 60).append('m');
    }
    if (seconds % 60 > 0 || text.isEmpty()) {
      text.append(seconds % 60).append('s');
    }
    return text.toString();
  }
}
