package io.rune.storage.model;

/**
 * A write or a query that is refused up front because of what the user sent; nothing has
 * been stored. The API turns it into the error body of API.md: {@code code} is the code
 * word, {@code field} the JSON path of the field at fault (null when no single field is),
 * and the message says what was wrong and what to do.
 */
public class ValidationException extends RuntimeException {

  /** The code word for ordinary validation failures. */
  public static final String INVALID = "Invalid";

  private final String code;
  private final String field;

  public ValidationException(String code, String field, String message) {
    super(message, null, false, false);
    if (code == null || code.isEmpty()) {
      throw new IllegalArgumentException("a ValidationException needs a code word");
    }
    this.code = code;
    this.field = field;
  }

  /** A failure with the code {@value #INVALID}. */
  public static ValidationException invalid(String field, String message) {
    return new ValidationException(INVALID, field, message);
  }

  /** The API error code word, for example {@code Invalid} or {@code HostPathNotAllowed}. */
  public String code() {
    return code;
  }

  /** The JSON path of the field at fault, or null when no single field is. */
  public String field() {
    return field;
  }
}
