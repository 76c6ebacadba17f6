package io.rune.storage.model;

import java.util.regex.Pattern;

/**
 * Text a user wrote, as the rules look at it and as messages show it back. A message never
 * repeats more than a short prefix of a value (a body may be a megabyte, and a value may be
 * something the user would rather not see in a log), and never a raw control character.
 */
public final class UserText {

  /** How many characters of a value a message shows. */
  public static final int SHOWN = 32;

  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private UserText() {}

  /** The field path of {@code key} in {@code parent}: {@code a.b}, or {@code a["odd key"]} (quoted, cut short). */
  public static String child(String parent, String key) {
    if (PLAIN_KEY.matcher(key).matches()) {
      return parent.isEmpty() ? key : parent + "." + key;
    }
    return parent + "[" + quote(key) + "]";
  }

  /**
   * The value in double quotes, cut to its first {@value #SHOWN} characters (then "…"), with
   * control characters, quotes and backslashes escaped as in JSON; {@code null} for null.
   */
  public static String quote(String value) {
    if (value == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("\"");
    int end = Math.min(value.length(), SHOWN);
    for (int i = 0; i < end; i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (Character.isISOControl(c) || Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append(end < value.length() ? "…\"" : "\"").toString();
  }

  /**
   * What makes {@code value} unstorable as text, or null: a NUL (which PostgreSQL refuses in
   * text and JSON) or half of a UTF-16 surrogate pair (which has no UTF-8 form).
   */
  public static String unstorable(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0) {
        return "a NUL character (\\u0000) at position " + (i + 1);
      }
      if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return String.format("an unpaired UTF-16 surrogate (\\u%04x) at position %d", (int) c, i + 1);
      }
    }
    return null;
  }

  /** The first control character of {@code value} (newline and tab included) described, or null. */
  public static String controlCharacter(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        return String.format("a control character (\\u%04x) at position %d", (int) c, i + 1);
      }
    }
    return null;
  }
}
