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
  name,
  /** {@code jsonpath=TEMPLATE}: the template applied to what json would print (see {@link JsonPathTemplate}). */
  jsonpath;

  static final String CHOICES = "table, wide, json, yaml, name or jsonpath=TEMPLATE";

  /** What shell completion offers after {@code -o}: the formats, jsonpath with its '='. */
  static final class Candidates implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.Arrays.stream(values())
          .map(format -> format == jsonpath ? format.name() + "=" : format.name()).iterator();
    }
  }

  boolean tabular() {
    return this == table || this == wide;
  }
}
