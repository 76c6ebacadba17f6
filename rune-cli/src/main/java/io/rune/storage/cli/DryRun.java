package io.rune.storage.cli;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code --dry-run=MODE}, as kubectl has it: {@code server} sends the write with
 * {@code ?dryRun=All}, so the server runs every check of the real write and answers the
 * would-be object, storing nothing; {@code client} sends nothing and prints what it would
 * send; {@code none} (the default) writes.
 */
enum DryRun {
  none(""),
  server(" (server dry run)"),
  client(" (dry run)");

  /** The query parameter and value of a server dry run, and the header the server answers it with. */
  static final String PARAMETER = "dryRun";
  static final String ALL = "All";
  static final String HEADER = "Rune-Dry-Run";

  private final String suffix;

  DryRun(String suffix) {
    this.suffix = suffix;
  }

  /** What the line saying what happened ends with: " (server dry run)", " (dry run)" or nothing. */
  String suffix() {
    return suffix;
  }

  /** @throws IllegalArgumentException naming the modes */
  static DryRun of(String value) {
    try {
      return valueOf(value.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--dry-run takes " + Arrays.stream(values()).map(Enum::name)
          .collect(Collectors.joining(", ")) + ", not '" + value + "'");
    }
  }
}
