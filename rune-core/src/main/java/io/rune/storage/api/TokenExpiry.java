package io.rune.storage.api;

import io.rune.storage.model.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * When a new token is to expire, as its request asks: at a time ({@code expiresAt}, RFC 3339),
 * after a duration from now ({@code expiresIn}, as the runefile writes durations), or never
 * (neither). "Now" is the database's clock, which decides expiry on every node.
 */
record TokenExpiry(Instant at, Duration in) {
  static final TokenExpiry NEVER = new TokenExpiry(null, null);
  static final int MAX_YEARS = 10;
  private static final int PREFIX_SHOWN = 40;

  /** From the request's values (null when absent); refuses what is not a timestamp or a duration. */
  static TokenExpiry parse(Object at, Object in) {
    if (at != null && in != null) {
      throw ApiException.malformed("give either 'expiresAt' (a time) or 'expiresIn' (a duration), not both",
          "expiresIn");
    }
    if (at != null) {
      return new TokenExpiry(timestamp(at), null);
    }
    return in == null ? NEVER : new TokenExpiry(null, duration(in));
  }

  boolean never() {
    return at == null && in == null;
  }

  /** The time the token expires, which must lie after {@code now} and at most {@link #MAX_YEARS} years after it. */
  Instant resolve(Instant now) {
    String field = at != null ? "expiresAt" : "expiresIn";
    Instant latest = now.atOffset(ZoneOffset.UTC).plusYears(MAX_YEARS).toInstant();
    // Compared before adding, which a huge duration would overflow.
    if (at != null ? at.isAfter(latest) : in.compareTo(Duration.between(now, latest)) > 0) {
      throw ApiException.invalid(field, field + " is more than " + MAX_YEARS + " years away; a token may live"
          + " until " + latest + " at the latest");
    }
    Instant expiresAt = at != null ? at : now.plus(in);
    if (!expiresAt.isAfter(now)) {
      throw ApiException.invalid(field, at != null
          ? "expiresAt " + at + " is not in the future (the server's time is " + now + "); send a later time"
          : "expiresIn must be longer than zero, e.g. \"24h\"");
    }
    return expiresAt;
  }

  private static Instant timestamp(Object value) {
    String example = "an RFC 3339 timestamp with its time zone, e.g. \"2030-01-31T18:00:00Z\"";
    if (!(value instanceof String text)) {
      throw ApiException.malformed("field 'expiresAt' must be " + example, "expiresAt");
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw ApiException.malformed("field 'expiresAt' must be " + example + ", not '" + prefix(text) + "'",
          "expiresAt");
    }
  }

  private static Duration duration(Object value) {
    String forms = "a duration: " + Durations.FORMS;
    if (!(value instanceof String text)) {
      throw ApiException.malformed("field 'expiresIn' must be " + forms, "expiresIn");
    }
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw ApiException.malformed("field 'expiresIn' must be " + forms + ", not '" + prefix(text) + "'",
          "expiresIn");
    }
  }

  /** The request's text as far as an error may repeat it. */
  private static String prefix(String text) {
    return text.codePointCount(0, text.length()) <= PREFIX_SHOWN ? text
        : text.substring(0, text.offsetByCodePoints(0, PREFIX_SHOWN)) + "...";
  }
}
