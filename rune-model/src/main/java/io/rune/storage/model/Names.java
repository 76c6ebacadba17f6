package io.rune.storage.model;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Names of resources and namespaces: DNS-1123 labels ({@code [a-z0-9]([-a-z0-9]*[a-z0-9])?},
 * at most 63 characters), so that they can appear in host names such as
 * {@code <volume>.<namespace>.rune}.
 */
public final class Names {

  /** The longest name allowed. */
  public static final int MAX_LENGTH = 63;

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private static final String RULE =
      "use at most 63 lowercase letters, digits or '-', starting and ending with a letter or"
          + " digit (for example web-data)";

  private Names() {}

  /** Whether {@code value} is a valid name. */
  public static boolean isValid(String value) {
    return value != null
        && !value.isEmpty()
        && value.length() <= MAX_LENGTH
        && DNS_LABEL.matcher(value).matches();
  }

  /**
   * Checks that {@code value}, the content of {@code field} (for example {@code name},
   * {@code namespace} or {@code storageClassName}), is a valid name.
   *
   * @throws ValidationException with code {@code Invalid} and the field, when it is not
   */
  public static void checkName(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw ValidationException.invalid(field, field + " is required: " + RULE);
    }
    if (value.length() > MAX_LENGTH) {
      throw ValidationException.invalid(
          field,
          field + " " + UserText.quote(value) + " is too long (" + value.length() + " characters): " + RULE);
    }
    if (!DNS_LABEL.matcher(value).matches()) {
      throw ValidationException.invalid(
          field, field + " " + UserText.quote(value) + " is not a valid name: " + reason(value) + "; " + RULE);
    }
  }

  private static String reason(String value) {
    if (!value.equals(value.toLowerCase(Locale.ROOT))) {
      return "it contains uppercase letters";
    }
    if (value.startsWith("-") || value.endsWith("-")) {
      return "it starts or ends with '-'";
    }
    return "it contains characters other than lowercase letters, digits and '-'";
  }
}
