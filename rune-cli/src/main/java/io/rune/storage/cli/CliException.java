package io.rune.storage.cli;

/**
 * Something the user has to hear about, in words they can act on: printed as
 * {@code error: <message>}, after which rune exits with status 1.
 */
class CliException extends RuntimeException {
  private final String hint;

  CliException(String message) {
    this(message, null);
  }

  CliException(String message, String hint) {
    super(message, null, false, false);
    this.hint = hint;
  }

  /** A second line saying what to do, or null. */
  String hint() {
    return hint;
  }
}
