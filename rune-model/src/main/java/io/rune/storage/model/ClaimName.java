package io.rune.storage.model;

/**
 * The volume a Service's {@code claim.name} points at: {@code <volume>} in the service's
 * own namespace, or {@code <volume>.<namespace>.rune} (the FQDN form) in another one.
 *
 * @param volume the volume's name
 * @param namespace the volume's namespace, or null for the service's own
 */
public record ClaimName(String volume, String namespace) {

  /** The suffix of the FQDN form. */
  public static final String DOMAIN = "rune";

  private static final String FORMS =
      "name a volume of this namespace (web-data) or of another one as <volume>.<namespace>.rune"
          + " (web-data.prod.rune)";

  /**
   * Parses {@code value}, the content of {@code field} (for example
   * {@code volumes[0].claim.name}).
   *
   * @throws ValidationException with code {@code Invalid} and the field, when it is neither form
   */
  public static ClaimName parse(String field, String value) {
    if (value == null || value.isEmpty()) {
      throw ValidationException.invalid(field, field + " is required: " + FORMS);
    }
    if (!value.contains(".")) {
      checkPart(field, value, value);
      return new ClaimName(value, null);
    }
    String[] parts = value.split("\\.", -1);
    if (parts.length != 3 || !parts[2].equals(DOMAIN)) {
      throw ValidationException.invalid(field, field + " " + UserText.quote(value) + " is not a volume name: "
          + FORMS);
    }
    checkPart(field, value, parts[0]);
    checkPart(field, value, parts[1]);
    return new ClaimName(parts[0], parts[1]);
  }

  private static void checkPart(String field, String value, String part) {
    if (!Names.isValid(part)) {
      throw ValidationException.invalid(field, field + " " + UserText.quote(value) + " is not a volume name: " + UserText.quote(part)
          + " is not a DNS label (at most 63 lowercase letters, digits or '-'); " + FORMS);
    }
  }

  /** The namespace the volume lives in, given the namespace of the service that claims it. */
  public String namespaceOr(String serviceNamespace) {
    return namespace != null ? namespace : serviceNamespace;
  }
}
