package io.rune.storage.cli;

/** What {@code -o} asks for. */
enum OutputFormat {
  /** Aligned columns for people. */
  table,
  /** The table with more columns. */
  wide,
  /** The API object, or for lists the list response, as the server sent it. */
  json,
  /** The same as YAML. */
  yaml,
  /** {@code kind/name}, one per line, for scripts. */
  name;

  boolean tabular() {
    return this == table || this == wide;
  }
}
