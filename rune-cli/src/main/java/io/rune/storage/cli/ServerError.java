package io.rune.storage.cli;

/** A refusal from the server, carrying its error body: code word, message and field. */
final class ServerError extends CliException {
  private final int status;
  private final String code;
  private final String field;

  ServerError(int status, String code, String message, String field, String hint) {
    super(field == null ? message : message + " (field: " + field + ")", hint);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  String field() {
    return field;
  }
}
